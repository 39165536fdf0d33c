"""Schedule editing and its validation (F-AV-1, F-AV-2): weekly hours, blocked and extra time.

Shared by performer self-service and admins, whatever the front door. What an edit does to
existing bookings (F-AV-9) is the booking side's answer (``booking/coverage.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.availability.models import BlockedInterval, ExtraAvailability, WeeklyRule
from pnplive.errors import InvalidInput, NotFound
from pnplive.performer.models import Performer
from pnplive.performer.schemas import WeeklyRuleIn

MAX_INTERVAL = timedelta(days=366)


@dataclass(frozen=True, slots=True)
class ScheduleView:
    """A performer's schedule as edited: weekly rules, and blocked and extra time not past."""

    timezone: str
    weekly: list[WeeklyRule]
    blocked: list[BlockedInterval]
    extra: list[ExtraAvailability]


def check_interval(start: datetime, end: datetime) -> None:
    """A blocked or extra interval ends after it starts and lasts at most 366 days."""
    if end <= start:
        raise InvalidInput("the interval must end after it starts", field="end")
    if end - start > MAX_INTERVAL:
        raise InvalidInput("an interval may last at most 366 days", field="end")


async def schedule_of(session: AsyncSession, performer: Performer, now: datetime) -> ScheduleView:
    weekly = (
        await session.scalars(
            select(WeeklyRule)
            .where(WeeklyRule.performer_id == performer.id)
            .order_by(WeeklyRule.weekday, WeeklyRule.start_minute)
        )
    ).all()
    blocked = (
        await session.scalars(
            select(BlockedInterval)
            .where(BlockedInterval.performer_id == performer.id, BlockedInterval.end_at > now)
            .order_by(BlockedInterval.start_at)
        )
    ).all()
    extra = (
        await session.scalars(
            select(ExtraAvailability)
            .where(ExtraAvailability.performer_id == performer.id, ExtraAvailability.end_at > now)
            .order_by(ExtraAvailability.start_at)
        )
    ).all()
    return ScheduleView(performer.timezone, list(weekly), list(blocked), list(extra))


async def set_weekly(
    session: AsyncSession, performer: Performer, rules: Sequence[WeeklyRuleIn], now: datetime
) -> None:
    """Replace the weekly schedule."""
    await session.execute(delete(WeeklyRule).where(WeeklyRule.performer_id == performer.id))
    for r in rules:
        start, end = r.minutes()
        session.add(
            WeeklyRule(
                performer_id=performer.id, weekday=r.weekday, start_minute=start, end_minute=end
            )
        )
    performer.updated_at = now
    await session.flush()


async def block(
    session: AsyncSession, performer: Performer, start: datetime, end: datetime, reason: str
) -> BlockedInterval:
    check_interval(start, end)
    item = BlockedInterval(performer_id=performer.id, start_at=start, end_at=end, reason=reason)
    session.add(item)
    await session.flush()
    return item


async def unblock(session: AsyncSession, performer: Performer, blocked_id: int) -> None:
    result = await session.execute(
        delete(BlockedInterval).where(
            BlockedInterval.id == blocked_id, BlockedInterval.performer_id == performer.id
        )
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        raise NotFound("no such blocked interval", blocked=blocked_id)


async def add_extra(
    session: AsyncSession, performer: Performer, start: datetime, end: datetime, note: str
) -> ExtraAvailability:
    check_interval(start, end)
    item = ExtraAvailability(performer_id=performer.id, start_at=start, end_at=end, note=note)
    session.add(item)
    await session.flush()
    return item


async def remove_extra(session: AsyncSession, performer: Performer, extra_id: int) -> None:
    result = await session.execute(
        delete(ExtraAvailability).where(
            ExtraAvailability.id == extra_id, ExtraAvailability.performer_id == performer.id
        )
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        raise NotFound("no such extra availability", extra=extra_id)
