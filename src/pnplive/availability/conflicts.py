"""Conflict detection (F-AV-9): bookings that the current availability no longer covers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pnplive.availability.slots import Interval


@dataclass(frozen=True, slots=True)
class Scheduled:
    booking_id: int
    call: Interval
    # An instant call was booked on presence, outside the schedule by design: never a conflict.
    instant: bool = False


def conflicting(bookings: Iterable[Scheduled], offered: Sequence[Interval]) -> list[int]:
    """Ids of the bookings whose call is not inside one offered interval (merged, UTC)."""
    return [
        b.booking_id
        for b in bookings
        if not b.instant and not any(iv.contains(b.call) for iv in offered)
    ]
