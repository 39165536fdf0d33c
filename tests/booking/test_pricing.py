"""Price and commission split in integer minor units (F-PAY-6)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pnplive.booking.pricing import call_price, split


def test_default_commission_is_thirty_percent() -> None:
    s = split(10_000, 3000)
    assert (s.commission, s.performer) == (3_000, 7_000)


@pytest.mark.parametrize(
    ("amount", "bps", "commission"),
    [(1, 3000, 0), (2, 2500, 1), (5, 3000, 2), (15, 3333, 5), (999, 3000, 300), (3, 5000, 2)],
)
def test_commission_rounds_half_up(amount: int, bps: int, commission: int) -> None:
    assert split(amount, bps).commission == commission


@given(st.integers(0, 10**12), st.integers(0, 10_000))
def test_split_adds_up_exactly(amount: int, bps: int) -> None:
    s = split(amount, bps)
    assert s.commission + s.performer == amount
    assert 0 <= s.commission <= amount
    assert abs(s.commission * 10_000 - amount * bps) <= 5_000


def test_bad_inputs() -> None:
    with pytest.raises(ValueError):
        split(-1, 3000)
    with pytest.raises(ValueError):
        split(100, 10_001)
    with pytest.raises(ValueError):
        call_price(100, 0)
    assert call_price(250, 30) == 7_500
