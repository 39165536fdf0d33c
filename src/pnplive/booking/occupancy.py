"""The time bookings occupy: per performer, and for many performers at once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.availability.slots import Interval
from pnplive.booking.models import Booking
from pnplive.booking.states import OCCUPYING, UNPAID


def live_occupancy(now: datetime) -> ColumnElement[bool]:
    """SQL condition: the booking still occupies its time (unpaid ones until they lapse)."""
    return and_(
        Booking.status.in_([s.value for s in OCCUPYING]),
        or_(
            Booking.status.not_in([s.value for s in UNPAID]),
            Booking.expires_at > now,
        ),
    )


async def busy_intervals(
    session: AsyncSession,
    performer_id: int,
    start: datetime,
    end: datetime,
    now: datetime,
    exclude_booking_id: int | None = None,
) -> list[Interval]:
    """Occupied intervals (buffers included) of live bookings and holds touching [start, end)."""
    q = select(Booking.occupied_start, Booking.occupied_end).where(
        Booking.performer_id == performer_id,
        Booking.occupied_start < end,
        Booking.occupied_end > start,
        live_occupancy(now),
    )
    if exclude_booking_id is not None:
        q = q.where(Booking.id != exclude_booking_id)
    return [Interval(s, e) for s, e in (await session.execute(q)).all()]


async def busy_until_lapse(
    session: AsyncSession, performer_id: int, start: datetime, end: datetime, now: datetime
) -> tuple[list[Interval], datetime | None]:
    """``busy_intervals``, and the first instant one of them stops counting without any write
    (an unpaid booking lapsing), or None: what was busy stays so until then."""
    q = select(
        Booking.occupied_start, Booking.occupied_end, Booking.status, Booking.expires_at
    ).where(
        Booking.performer_id == performer_id,
        Booking.occupied_start < end,
        Booking.occupied_end > start,
        live_occupancy(now),
    )
    rows = (await session.execute(q)).all()
    unpaid = {s.value for s in UNPAID}
    lapses = [x for _s, _e, status, x in rows if status in unpaid and x is not None]
    return [Interval(s, e) for s, e, _st, _x in rows], min(lapses, default=None)


async def occupancy(
    session: AsyncSession, performer_id: int, start: datetime, end: datetime
) -> list[tuple[int, int, str, datetime | None, datetime, datetime]]:
    """(id, user_id, status, expires_at, occupied_start, occupied_end) of every booking holding
    time in [start, end), lapsed unpaid ones included (their time is free; they still need
    expiring)."""
    q = select(
        Booking.id,
        Booking.user_id,
        Booking.status,
        Booking.expires_at,
        Booking.occupied_start,
        Booking.occupied_end,
    ).where(
        Booking.performer_id == performer_id,
        Booking.occupied_start < end,
        Booking.occupied_end > start,
        Booking.status.in_([s.value for s in OCCUPYING]),
    )
    return [tuple(r) for r in (await session.execute(q)).all()]


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
