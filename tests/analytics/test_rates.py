"""Rounding rules of rates and averages: half up on the exact fraction."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pnplive.analytics.rates import Rate, average


@pytest.mark.parametrize(
    ("n", "d", "expected"),
    [
        (1, 8, "12.5"),
        (2, 3, "66.7"),
        (1, 6, "16.7"),
        (1, 3, "33.3"),
        (9, 16, "56.3"),  # 56.25: half up, where banker's rounding would say 56.2
        (1, 40, "2.5"),
        (0, 5, "0.0"),
        (5, 5, "100.0"),
    ],
)
def test_percentages_round_half_up_to_one_decimal(n: int, d: int, expected: str) -> None:
    assert Rate(n, d).percent == Decimal(expected)


def test_nothing_to_count_is_no_rate_not_zero() -> None:
    assert Rate(0, 0).percent is None
    assert average(0, 0) is None


def test_averages_round_half_up_to_two_decimals() -> None:
    assert average(14, 3) == Decimal("4.67")
    assert average(9, 2) == Decimal("4.50")
    assert average(4625, 1000) == Decimal("4.63")  # 4.625 half up
