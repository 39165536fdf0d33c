"""One performer's free slots over whole days, with the clock's notice and horizon left out so
the result can be kept and cut at read time, and the version of the data it was computed from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import raiseload

from pnplive.availability.models import AvailabilityVersion
from pnplive.availability.repository import load_schedule
from pnplive.availability.slots import Busy, SlotRules, slots_between
from pnplive.booking.occupancy import busy_until_lapse
from pnplive.performer.models import Performer


@dataclass(frozen=True, slots=True)
class SlotSheet:
    starts: list[datetime]  # UTC, sorted; notice and horizon not applied
    # When an unpaid booking counted as busy lapses: its time frees itself without any write.
    fresh_until: datetime | None = None


async def performer_and_version(
    session: AsyncSession, performer_id: int
) -> tuple[Performer, int] | None:
    """The performer and their availability version, in one statement. The version must be read
    before the slots it labels: a change committed in between then only makes the label older
    than the data, which costs a recomputation, never a stale answer."""
    version = (
        select(func.coalesce(func.max(AvailabilityVersion.version), 0))
        .where(AvailabilityVersion.performer_id == Performer.id)
        .scalar_subquery()
    )
    row = (
        await session.execute(
            select(Performer, version)
            .where(Performer.id == performer_id)
            .options(raiseload(Performer.photos))  # not needed for slots: one statement less
        )
    ).first()
    return None if row is None else (row[0], row[1])


async def slot_sheet(
    session: AsyncSession,
    performer: Performer,
    rules: SlotRules,
    start: datetime,
    end: datetime,
    now: datetime,
) -> SlotSheet:
    """Free starts in [start, end) as the data stand ``now``, whatever the notice and horizon."""
    span_lo = start - timedelta(minutes=rules.buffer_before)
    span_hi = end + timedelta(minutes=rules.duration + rules.buffer_after)
    schedule = await load_schedule(session, performer.id, performer.timezone, span_lo, span_hi)
    busy, fresh_until = await busy_until_lapse(session, performer.id, span_lo, span_hi, now)
    return SlotSheet(slots_between(schedule, rules, Busy.of(busy), start, end), fresh_until)
