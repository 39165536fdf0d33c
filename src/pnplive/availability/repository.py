"""Queries for schedules (the time bookings occupy is ``booking/occupancy.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, exists, literal, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.availability.models import BlockedInterval, ExtraAvailability, WeeklyRule
from pnplive.availability.slots import Interval, Schedule, WeeklyInterval


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


async def has_availability(session: AsyncSession, performer_id: int, now: datetime) -> bool:
    weekly = exists().where(WeeklyRule.performer_id == performer_id)
    extra = exists().where(
        ExtraAvailability.performer_id == performer_id, ExtraAvailability.end_at > now
    )
    return bool(await session.scalar(select(or_(weekly, extra))))
