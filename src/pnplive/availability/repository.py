"""Queries for schedules and for the time bookings occupy."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.availability.models import BlockedInterval, ExtraAvailability, WeeklyRule
from pnplive.availability.slots import Interval, Schedule, WeeklyInterval
from pnplive.booking.models import Booking
from pnplive.booking.states import OCCUPYING, UNPAID


async def load_schedule(
    session: AsyncSession, performer_id: int, zone: str, start: datetime, end: datetime
) -> Schedule:
    """The performer's weekly rules, and blocked/extra intervals touching [start, end)."""
    weekly = (
        await session.scalars(select(WeeklyRule).where(WeeklyRule.performer_id == performer_id))
    ).all()
    blocked = (
        await session.scalars(
            select(BlockedInterval).where(
                BlockedInterval.performer_id == performer_id,
                BlockedInterval.start_at < end,
                BlockedInterval.end_at > start,
            )
        )
    ).all()
    extra = (
        await session.scalars(
            select(ExtraAvailability).where(
                ExtraAvailability.performer_id == performer_id,
                ExtraAvailability.start_at < end,
                ExtraAvailability.end_at > start,
            )
        )
    ).all()
    return Schedule(
        zone=ZoneInfo(zone),
        weekly=[WeeklyInterval(w.weekday, w.start_minute, w.end_minute) for w in weekly],
        blocked=[Interval(b.start_at, b.end_at) for b in blocked],
        extra=[Interval(x.start_at, x.end_at) for x in extra],
    )


def live_occupancy(now: datetime):  # type: ignore[no-untyped-def]
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


async def has_availability(session: AsyncSession, performer_id: int, now: datetime) -> bool:
    weekly = exists().where(WeeklyRule.performer_id == performer_id)
    extra = exists().where(
        ExtraAvailability.performer_id == performer_id, ExtraAvailability.end_at > now
    )
    return bool(await session.scalar(select(or_(weekly, extra))))


async def count_rules(session: AsyncSession, performer_id: int) -> int:
    q = select(func.count()).select_from(WeeklyRule).where(WeeklyRule.performer_id == performer_id)
    return int(await session.scalar(q) or 0)
