"""What a performer offers a member: call lengths on the 15-minute grid, each with its price."""

from __future__ import annotations

from pnplive.booking.pricing import call_price
from pnplive.performer.models import Performer

GRID_MINUTES = 15
LONGEST_CALL = 120


def durations(p: Performer) -> list[int]:
    lo = max(GRID_MINUTES, p.min_duration + (-p.min_duration % GRID_MINUTES))
    hi = min(LONGEST_CALL, p.max_duration)
    return list(range(lo, hi + 1, GRID_MINUTES))


def price(p: Performer, minutes: int) -> int:
    return call_price(p.price_per_minute, minutes)
