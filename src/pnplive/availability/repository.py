"""Queries for schedules and for the time bookings occupy."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, exists, literal, or_, select, union_all
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
        await session.execute(
            select(WeeklyRule.weekday, WeeklyRule.start_minute, WeeklyRule.end_minute).where(
                WeeklyRule.performer_id == performer_id
            )
        )
    ).all()
    # Blocked and extra time in one round trip: (is_blocked, start, end).
    blocked_q = select(literal(True), BlockedInterval.start_at, BlockedInterval.end_at).where(
        BlockedInterval.performer_id == performer_id,
        BlockedInterval.start_at < end,
        BlockedInterval.end_at > start,
    )
    extra_q = select(literal(False), ExtraAvailability.start_at, ExtraAvailability.end_at).where(
        ExtraAvailability.performer_id == performer_id,
        ExtraAvailability.start_at < end,
        ExtraAvailability.end_at > start,
    )
    one_offs = (await session.execute(union_all(blocked_q, extra_q))).all()
    utc_type = BlockedInterval.__table__.c.start_at.type
    dialect = session.get_bind().dialect
    convert = utc_type.result_processor(dialect, None)  # raw union rows skip the column type

    def as_utc(value: object) -> datetime:
        return convert(value) if convert else value  # type: ignore[return-value]

    return Schedule(
        zone=ZoneInfo(zone),
        weekly=[WeeklyInterval(d, a, b) for d, a, b in weekly],
        blocked=[Interval(as_utc(a), as_utc(b)) for is_b, a, b in one_offs if is_b],
        extra=[Interval(as_utc(a), as_utc(b)) for is_b, a, b in one_offs if not is_b],
    )


async def load_schedules(
    session: AsyncSession,
    performers: Select[Any],
    zones: Mapping[int, str],
    start: datetime,
    end: datetime,
) -> dict[int, Schedule]:
    """``load_schedule`` for many performers in two statements, whatever their number.

    ``performers`` selects their ids (a subquery: no list of ids is sent); ``zones`` gives the
    zone of each one wanted (others the subquery selects are ignored)."""
    ids = performers.scalar_subquery()
    weekly = (
        await session.execute(
            select(
                WeeklyRule.performer_id,
                WeeklyRule.weekday,
                WeeklyRule.start_minute,
                WeeklyRule.end_minute,
            ).where(WeeklyRule.performer_id.in_(ids))
        )
    ).all()
    blocked_q = select(
        BlockedInterval.performer_id,
        literal(True),
        BlockedInterval.start_at,
        BlockedInterval.end_at,
    ).where(
        BlockedInterval.performer_id.in_(ids),
        BlockedInterval.start_at < end,
        BlockedInterval.end_at > start,
    )
    extra_q = select(
        ExtraAvailability.performer_id,
        literal(False),
        ExtraAvailability.start_at,
        ExtraAvailability.end_at,
    ).where(
        ExtraAvailability.performer_id.in_(ids),
        ExtraAvailability.start_at < end,
        ExtraAvailability.end_at > start,
    )
    one_offs = (await session.execute(union_all(blocked_q, extra_q))).all()
    utc_type = BlockedInterval.__table__.c.start_at.type
    convert = utc_type.result_processor(session.get_bind().dialect, None)

    def as_utc(value: object) -> datetime:
        return convert(value) if convert else value  # type: ignore[return-value]

    weekly_of: dict[int, list[WeeklyInterval]] = {pid: [] for pid in zones}
    blocked_of: dict[int, list[Interval]] = {pid: [] for pid in zones}
    extra_of: dict[int, list[Interval]] = {pid: [] for pid in zones}
    for pid, d, a, b in weekly:
        if pid in weekly_of:
            weekly_of[pid].append(WeeklyInterval(d, a, b))
    for pid, is_blocked, a, b in one_offs:
        if pid in blocked_of:
            (blocked_of if is_blocked else extra_of)[pid].append(Interval(as_utc(a), as_utc(b)))
    return {
        pid: Schedule(
            zone=ZoneInfo(zone), weekly=weekly_of[pid], blocked=blocked_of[pid], extra=extra_of[pid]
        )
        for pid, zone in zones.items()
    }


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


async def has_availability(session: AsyncSession, performer_id: int, now: datetime) -> bool:
    weekly = exists().where(WeeklyRule.performer_id == performer_id)
    extra = exists().where(
        ExtraAvailability.performer_id == performer_id, ExtraAvailability.end_at > now
    )
    return bool(await session.scalar(select(or_(weekly, extra))))
