"""Cancellation refund policy as a pure function (F-BK-5)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pnplive.booking.policy import CancelPolicy, cancellation_refund

START = datetime(2027, 5, 1, 18, 0, tzinfo=UTC)
POLICY = CancelPolicy.parse("24:10000,2:5000,0:0", cutoff_hours=1)


@pytest.mark.parametrize(
    ("hours_before", "allowed", "bps"),
    [
        (48, True, 10000),
        (24, True, 10000),
        (23.9, True, 5000),
        (2, True, 5000),
        (1.5, True, 0),
        (1, True, 0),
        (0.5, False, 0),
        (0, False, 0),
        (-1, False, 0),
    ],
)
def test_user_refund_by_notice(hours_before: float, allowed: bool, bps: int) -> None:
    r = cancellation_refund(POLICY, "user", 10_001, START - timedelta(hours=hours_before), START)
    assert r.allowed is allowed
    assert r.refund_bps == bps
    assert r.amount == 10_001 * bps // 10_000


@pytest.mark.parametrize("by", ["performer", "admin", "system"])
def test_service_side_cancellation_always_refunds_in_full(by: str) -> None:
    r = cancellation_refund(POLICY, by, 4_500, START - timedelta(minutes=1), START)
    assert (r.allowed, r.refund_bps, r.amount) == (True, 10_000, 4_500)


def test_parse_sorts_and_validates() -> None:
    p = CancelPolicy.parse("0:0, 48:10000 ,12:2500")
    assert [s.min_hours_before for s in p.steps] == [48, 12, 0]
    for bad in ["", "x:1", "5:10001", "-1:0"]:
        with pytest.raises(ValueError):
            CancelPolicy.parse(bad)


@given(st.integers(0, 10**9), st.integers(-100 * 3600, 100 * 3600))
def test_never_refunds_more_than_paid_and_monotone(amount: int, seconds_before: int) -> None:
    now = START - timedelta(seconds=seconds_before)
    r = cancellation_refund(POLICY, "user", amount, now, START)
    assert 0 <= r.amount <= amount
    earlier = cancellation_refund(POLICY, "user", amount, now - timedelta(hours=1), START)
    if r.allowed:
        assert earlier.amount >= r.amount
