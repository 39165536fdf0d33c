"""Bookings against the schedule (F-AV-9): which upcoming bookings it no longer covers, and
schedule edits (``availability/editing.py``) that answer with them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.availability import editing
from pnplive.availability import repository as avail_repo
from pnplive.availability.conflicts import Scheduled, conflicting
from pnplive.availability.editing import ScheduleView
from pnplive.availability.models import BlockedInterval, ExtraAvailability
from pnplive.availability.slots import Interval, available
from pnplive.booking import occupancy
from pnplive.booking.models import Booking
from pnplive.booking.states import OCCUPYING
from pnplive.performer.models import Performer
from pnplive.performer.schemas import WeeklyRuleIn


@dataclass(frozen=True, slots=True)
class ScheduleChange:
    schedule: ScheduleView
    conflicts: list[Booking]  # every upcoming booking the schedule does not cover now
    caused: list[Booking]  # those this change uncovered (they were covered before it)


@dataclass(frozen=True, slots=True)
class IntervalChange:
    item: BlockedInterval | ExtraAvailability | None  # what was added; None when removed
    conflicts: list[Booking]
    caused: list[Booking]


def _new(before: list[Booking], after: list[Booking]) -> list[Booking]:
    known = {b.id for b in before}
    return [b for b in after if b.id not in known]


async def conflicts(session: AsyncSession, performer: Performer, now: datetime) -> list[Booking]:
    """Upcoming live bookings that the current availability no longer covers (none dropped)."""
    upcoming = (
        await session.scalars(
            select(Booking)
            .where(
                Booking.performer_id == performer.id,
                Booking.end_at > now,
                occupancy.live_occupancy(now),
            )
            .order_by(Booking.start_at)
        )
    ).all()
    if not upcoming:
        return []
    lo = min(b.start_at for b in upcoming)
    hi = max(b.end_at for b in upcoming)
    schedule = await avail_repo.load_schedule(session, performer.id, performer.timezone, lo, hi)
    offered = available(schedule, lo, hi)
    bad = set(
        conflicting(
            [Scheduled(b.id, Interval(b.start_at, b.end_at), b.instant) for b in upcoming], offered
        )
    )
    return [b for b in upcoming if b.id in bad and b.status in {s.value for s in OCCUPYING}]


async def all_conflicts(
    session: AsyncSession, now: datetime, performer_id: int | None = None
) -> list[tuple[Performer, Booking]]:
    """Every upcoming booking a schedule no longer covers, performer by performer (F-AV-9).

    Only performers with upcoming bookings are looked at, all at once: five statements,
    whatever their number."""
    live = select(Booking).where(Booking.end_at > now, occupancy.live_occupancy(now))
    if performer_id is not None:
        live = live.where(Booking.performer_id == performer_id)
    upcoming = (await session.scalars(live.order_by(Booking.performer_id, Booking.start_at))).all()
    if not upcoming:
        return []
    ids = live.with_only_columns(Booking.performer_id)
    performers = (
        await session.scalars(
            select(Performer).where(Performer.id.in_(ids.scalar_subquery())).order_by(Performer.id)
        )
    ).all()
    lo = min(b.start_at for b in upcoming)
    hi = max(b.end_at for b in upcoming)
    schedules = await avail_repo.load_schedules(
        session, ids, {p.id: p.timezone for p in performers}, lo, hi
    )
    of: dict[int, list[Booking]] = {}
    for b in upcoming:
        of.setdefault(b.performer_id, []).append(b)
    out: list[tuple[Performer, Booking]] = []
    for p in performers:
        mine = of.get(p.id, [])
        if not mine:
            continue
        start, end = min(b.start_at for b in mine), max(b.end_at for b in mine)
        offered = available(schedules[p.id], start, end)
        bad = set(
            conflicting(
                [Scheduled(b.id, Interval(b.start_at, b.end_at), b.instant) for b in mine], offered
            )
        )
        out.extend((p, b) for b in mine if b.id in bad)
    return out


async def set_weekly(
    session: AsyncSession, performer: Performer, rules: Sequence[WeeklyRuleIn], now: datetime
) -> ScheduleChange:
    """Replace the weekly schedule; the new schedule and the bookings it no longer covers."""
    before = await conflicts(session, performer, now)
    await editing.set_weekly(session, performer, rules, now)
    after = await conflicts(session, performer, now)
    return ScheduleChange(
        await editing.schedule_of(session, performer, now), after, _new(before, after)
    )


async def block(
    session: AsyncSession,
    performer: Performer,
    start: datetime,
    end: datetime,
    reason: str,
    now: datetime,
) -> IntervalChange:
    before = await conflicts(session, performer, now)
    item = await editing.block(session, performer, start, end, reason)
    after = await conflicts(session, performer, now)
    return IntervalChange(item, after, _new(before, after))


async def unblock(
    session: AsyncSession, performer: Performer, blocked_id: int, now: datetime
) -> IntervalChange:
    await editing.unblock(session, performer, blocked_id)
    return IntervalChange(None, await conflicts(session, performer, now), [])


async def add_extra(
    session: AsyncSession,
    performer: Performer,
    start: datetime,
    end: datetime,
    note: str,
    now: datetime,
) -> IntervalChange:
    item = await editing.add_extra(session, performer, start, end, note)
    return IntervalChange(item, await conflicts(session, performer, now), [])


async def remove_extra(
    session: AsyncSession, performer: Performer, extra_id: int, now: datetime
) -> IntervalChange:
    before = await conflicts(session, performer, now)
    await editing.remove_extra(session, performer, extra_id)
    after = await conflicts(session, performer, now)
    return IntervalChange(None, after, _new(before, after))
