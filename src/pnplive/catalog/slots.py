"""Free slots: of one performer, and of many at once (schedules and bookings read in bulk, a
fixed number of statements whatever the number of performers), then the pure engine."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.availability.repository import load_schedule, load_schedules
from pnplive.availability.slots import (
    MIN_DURATION,
    Busy,
    SlotRules,
    bookable_window,
    free_slots,
    local_day_bounds,
    local_days,
)
from pnplive.booking.occupancy import busy_by_performer, busy_intervals
from pnplive.booking.rules import BookingRules
from pnplive.booking.service import slot_rules
from pnplive.performer.models import Performer


def shortest_duration(p: Performer) -> int:
    """The shortest call this performer takes, on the 15-minute grid."""
    d = max(MIN_DURATION, p.min_duration)
    return d + (-d % 15)


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
    schedule = await load_schedule(session, performer.id, performer.timezone, span_lo, span_hi)
    busy = Busy.of(await busy_intervals(session, performer.id, span_lo, span_hi, now))
    return free_slots(schedule, rules, busy, now, lo, hi)


async def free_slots_of_many(
    session: AsyncSession,
    performers: Sequence[Performer],
    ids: Select[Any],
    *,
    duration_of: Callable[[Performer], int],
    rules: BookingRules,
    now: datetime,
    start: datetime | None = None,
    end: datetime | None = None,
) -> dict[int, list[datetime]]:
    """Start times (UTC) of each performer's free slots in [start, end), within the horizon.

    ``ids`` selects (at least) the ids of ``performers``; it is sent as a subquery, so the
    statements do not grow with their number. Three statements in all."""
    if not performers:
        return {}
    plans: dict[int, tuple[Performer, SlotRules]] = {
        p.id: (p, slot_rules(p, duration_of(p), rules)) for p in performers
    }
    any_rules = next(iter(plans.values()))[1]
    earliest, latest = bookable_window(now, any_rules)  # notice and horizon: the same for all
    lo = earliest if start is None else max(start, earliest)
    hi = latest if end is None else min(end, latest)
    if lo >= hi:
        return {pid: [] for pid in plans}
    span_lo = lo - timedelta(minutes=max(r.buffer_before for _p, r in plans.values()))
    span_hi = hi + timedelta(minutes=max(r.duration + r.buffer_after for _p, r in plans.values()))
    schedules = await load_schedules(
        session, ids, {pid: p.timezone for pid, (p, _r) in plans.items()}, span_lo, span_hi
    )
    busy = await busy_by_performer(session, ids, span_lo, span_hi, now)
    return {
        pid: free_slots(schedules[pid], r, Busy.of(busy.get(pid, ())), now, lo, hi)
        for pid, (_p, r) in plans.items()
    }


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
