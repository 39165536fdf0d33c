"""Rates as people read them, pure: a count over a count, as a percentage with one decimal.

Rounding is half up on the exact fraction (``Decimal``), never on a float, so 1/8 is 12.5 % and
2/3 is 66.7 %. An empty denominator has no rate (``None``), not 0 %.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True, slots=True)
class Rate:
    numerator: int
    denominator: int

    @property
    def percent(self) -> Decimal | None:
        if self.denominator == 0:
            return None
        exact = Decimal(self.numerator) * 100 / Decimal(self.denominator)
        return exact.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def average(total: int, count: int, places: int = 2) -> Decimal | None:
    """``total / count`` rounded half up to ``places`` decimals; None when there is nothing."""
    if count == 0:
        return None
    return (Decimal(total) / Decimal(count)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
