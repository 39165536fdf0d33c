"""Most booked times, pure: counts per UTC quarter hour folded into local weekday × hour.

The database counts bookings per UTC quarter hour (every IANA offset is a multiple of 15 minutes,
so a quarter hour maps to exactly one local hour, whatever the date and its daylight saving);
this turns those few buckets into the viewer's weekday × hour grid.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

QUARTER_SECONDS = 900


def fold(buckets: Iterable[tuple[int, int]], zone: str) -> list[list[int]]:
    """``(quarter-hour index since the epoch, count)`` pairs → 7 × 24 counts, Monday first."""
    tz = ZoneInfo(zone)
    grid = [[0] * 24 for _ in range(7)]
    for quarter, count in buckets:
        local = datetime.fromtimestamp(quarter * QUARTER_SECONDS, tz=UTC).astimezone(tz)
        grid[local.weekday()][local.hour] += count
    return grid
