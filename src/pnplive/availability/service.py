"""Free slots of a performer, read from the database and computed by the pure engine."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.availability import repository
from pnplive.availability.slots import Busy, SlotRules, bookable_window, free_slots
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
