"""Instant calls (F-AV-8): an online, free performer can be booked to start within minutes.

The call starts at the next 5-minute cell boundary (at least ``INSTANT_LEAD_MINUTES`` from now, so
the member has time to pay and join). Being online stands in for the weekly schedule; the slot is
guarded exactly like any other hold: the performer's lock, the slot cells and, on PostgreSQL, the
exclusion constraint.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.availability.slots import Busy, Interval
from pnplive.booking import occupancy, service
from pnplive.booking.models import CELL_MINUTES, Booking
from pnplive.booking.rules import BookingRules
from pnplive.errors import Conflict
from pnplive.kit.locks import lock_performer
from pnplive.performer.models import Performer, Presence
from pnplive.user.models import User

INSTANT_LEAD_MINUTES = 2


class PerformerNotOnline(Conflict):
    code = "performer_not_online"


class PerformerBusy(Conflict):
    code = "performer_busy"


def instant_start(now: datetime) -> datetime:
    """The first cell boundary at least ``INSTANT_LEAD_MINUTES`` after ``now``."""
    earliest = now + timedelta(minutes=INSTANT_LEAD_MINUTES)
    cell = timedelta(minutes=CELL_MINUTES)
    base = earliest.replace(second=0, microsecond=0)
    if base < earliest:
        base += timedelta(minutes=1)
    rem = (base.minute % CELL_MINUTES) * timedelta(minutes=1)
    return base if not rem else base + (cell - rem)


async def place_instant_hold(
    session: AsyncSession,
    *,
    user: User,
    performer: Performer,
    duration: int,
    now: datetime,
    rules: BookingRules,
    call_type: str = "video",
) -> Booking:
    """Hold a call with ``performer`` starting now-ish; replaces the member's previous hold."""
    # Online is the availability that matters for a call now.
    await service.check_access(session, user, performer, rules, has_availability=True)
    if performer.presence != Presence.ONLINE.value:
        raise PerformerNotOnline("this performer is not online right now")
    service.check_call(performer, duration, call_type)
    start = instant_start(now)
    end = start + timedelta(minutes=duration)
    occ = Interval(
        start - timedelta(minutes=performer.buffer_before),
        end + timedelta(minutes=performer.buffer_after),
    )
    await lock_performer(session, performer.id)
    busy = Busy.of(await occupancy.busy_intervals(session, performer.id, occ.start, occ.end, now))
    if busy.overlaps(occ.start, occ.end):
        raise PerformerBusy("this performer has a call booked right now; pick a later slot")

    await service.release_previous_holds(session, user.id, now)
    await service.expire_stale_overlapping(session, performer.id, occ.start, occ.end, now)
    return await service.create_held_booking(
        session,
        user=user,
        performer=performer,
        start_at=start,
        duration=duration,
        occupied_interval=occ,
        call_type=call_type,
        now=now,
        rules=rules,
        reason="instant call held",
        instant=True,
    )
