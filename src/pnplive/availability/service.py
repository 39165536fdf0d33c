"""Free slots of a performer, read from the database and computed by the pure engine."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.availability import repository
from pnplive.availability.slots import (
    Busy,
    SlotRules,
    bookable_window,
    free_slots,
    local_day_bounds,
    local_days,
)
from pnplive.performer.models import Performer


async def performer_slots(
    session: AsyncSession,
    performer: Performer,
    rules: SlotRules,
    now: datetime,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[datetime]:
    """Start times (UTC) of the performer's free slots in [start, end), within the horizon."""
    earliest, latest = bookable_window(now, rules)
    lo = earliest if start is None else max(start, earliest)
    hi = latest if end is None else min(end, latest)
    if lo >= hi:
        return []
    span_lo = lo - timedelta(minutes=rules.buffer_before)
    span_hi = hi + timedelta(minutes=rules.duration + rules.buffer_after)
    schedule = await repository.load_schedule(
        session, performer.id, performer.timezone, span_lo, span_hi
    )
    busy = Busy.of(await repository.busy_intervals(session, performer.id, span_lo, span_hi, now))
    return free_slots(schedule, rules, busy, now, lo, hi)


async def free_days(
    session: AsyncSession, performer: Performer, rules: SlotRules, now: datetime, zone: ZoneInfo
) -> list[date]:
    """The days (in the reader's ``zone``) with at least one free slot, within the horizon."""
    return local_days(await performer_slots(session, performer, rules, now), zone)


async def free_slots_on(
    session: AsyncSession,
    performer: Performer,
    rules: SlotRules,
    now: datetime,
    zone: ZoneInfo,
    day: date,
) -> list[datetime]:
    """Free start times (UTC) on ``day`` as the reader in ``zone`` lives it."""
    bounds = local_day_bounds(zone, day)
    return await performer_slots(session, performer, rules, now, bounds.start, bounds.end)
