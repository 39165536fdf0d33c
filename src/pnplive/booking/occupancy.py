"""The time bookings occupy, read for many performers at once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.availability.repository import live_occupancy
from pnplive.availability.slots import Interval
from pnplive.booking.models import Booking


async def busy_by_performer(
    session: AsyncSession, performers: Select[Any], start: datetime, end: datetime, now: datetime
) -> dict[int, list[Interval]]:
    """Occupied intervals (buffers included) of live bookings and holds touching [start, end),
    per performer, for every performer id ``performers`` selects: one statement."""
    q = select(Booking.performer_id, Booking.occupied_start, Booking.occupied_end).where(
        Booking.performer_id.in_(performers.scalar_subquery()),
        Booking.occupied_start < end,
        Booking.occupied_end > start,
        live_occupancy(now),
    )
    out: dict[int, list[Interval]] = {}
    for pid, s, e in (await session.execute(q)).all():
        out.setdefault(pid, []).append(Interval(s, e))
    return out
