"""Schedule editing shared by performer self-service and admins (F-AV-1, F-AV-2, F-AV-9)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.api import render
from pnplive.api import schemas as s
from pnplive.availability.models import BlockedInterval, ExtraAvailability, WeeklyRule
from pnplive.booking.models import Booking
from pnplive.errors import InvalidInput
from pnplive.performer import service as performers
from pnplive.performer.models import Performer

MAX_INTERVAL = timedelta(days=366)


async def schedule_of(session: AsyncSession, p: Performer, now: datetime) -> s.ScheduleOut:
    weekly = (
        await session.scalars(
            select(WeeklyRule)
            .where(WeeklyRule.performer_id == p.id)
            .order_by(WeeklyRule.weekday, WeeklyRule.start_minute)
        )
    ).all()
    blocked = (
        await session.scalars(
            select(BlockedInterval)
            .where(BlockedInterval.performer_id == p.id, BlockedInterval.end_at > now)
            .order_by(BlockedInterval.start_at)
        )
    ).all()
    extra = (
        await session.scalars(
            select(ExtraAvailability)
            .where(ExtraAvailability.performer_id == p.id, ExtraAvailability.end_at > now)
            .order_by(ExtraAvailability.start_at)
        )
    ).all()
    return s.ScheduleOut(
        timezone=p.timezone,
        weekly=[render.weekly(w) for w in weekly],
        blocked=[render.interval(b) for b in blocked],
        extra=[render.interval(x) for x in extra],
    )


def conflicts_out(p: Performer, found: list[Booking]) -> list[s.BookingOut]:
    return [render.booking(b, p, p.timezone) for b in found]


async def set_weekly(
    session: AsyncSession, p: Performer, body: s.WeeklyIn, now: datetime
) -> s.ScheduleChangeOut:
    found = await performers.set_weekly(session, p, body.weekly, now)
    return s.ScheduleChangeOut(
        schedule=await schedule_of(session, p, now), conflicts=conflicts_out(p, found)
    )


def _check(body: s.IntervalIn) -> None:
    if body.end <= body.start:
        raise InvalidInput("the interval must end after it starts", field="end")
    if body.end - body.start > MAX_INTERVAL:
        raise InvalidInput("an interval may last at most 366 days", field="end")


async def add_blocked(
    session: AsyncSession, p: Performer, body: s.IntervalIn, now: datetime
) -> s.IntervalChangeOut:
    _check(body)
    item, found = await performers.block(session, p, body.start, body.end, body.note, now)
    return s.IntervalChangeOut(item=render.interval(item), conflicts=conflicts_out(p, found))


async def remove_blocked(
    session: AsyncSession, p: Performer, blocked_id: int, now: datetime
) -> s.IntervalChangeOut:
    await performers.unblock(session, p, blocked_id)
    found = await performers.conflicts(session, p, now)
    return s.IntervalChangeOut(item=None, conflicts=conflicts_out(p, found))


async def add_extra(
    session: AsyncSession, p: Performer, body: s.IntervalIn, now: datetime
) -> s.IntervalChangeOut:
    _check(body)
    item = await performers.add_extra(session, p, body.start, body.end, body.note)
    found = await performers.conflicts(session, p, now)
    return s.IntervalChangeOut(item=render.interval(item), conflicts=conflicts_out(p, found))


async def remove_extra(
    session: AsyncSession, p: Performer, extra_id: int, now: datetime
) -> s.IntervalChangeOut:
    found = await performers.remove_extra(session, p, extra_id, now)
    return s.IntervalChangeOut(item=None, conflicts=conflicts_out(p, found))
