"""Instant calls (F-AV-8): an online, free performer can be booked to start within minutes.

The call starts at the next 5-minute cell boundary (at least ``INSTANT_LEAD_MINUTES`` from now, so
the member has time to pay and join). Being online stands in for the weekly schedule; the slot is
guarded exactly like any other hold: the performer's lock, the slot cells and, on PostgreSQL, the
exclusion constraint.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.availability import repository as avail_repo
from pnplive.availability.slots import Busy, Interval, SlotProblem, check_duration
from pnplive.booking import service
from pnplive.booking.errors import AccessDenied, HoldInProgress, SlotTaken, SlotUnavailable
from pnplive.booking.models import CELL_MINUTES, Booking
from pnplive.booking.rules import BookingRules
from pnplive.booking.states import Status
from pnplive.errors import Conflict
from pnplive.kit.ids import new_public_id
from pnplive.kit.locks import lock_performer
from pnplive.payment.pricing import call_price, split
from pnplive.performer.models import Performer, Presence
from pnplive.user.access import MESSAGES, PerformerFacts, UserFacts, booking_denial
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
    is_performer = bool(await session.scalar(select(exists().where(Performer.user_id == user.id))))
    denial = booking_denial(
        UserFacts(
            age_verified=user.age_verified_at is not None,
            terms_accepted=user.terms_accepted_at is not None,
            is_prime=user.is_prime,
            restricted=user.restricted_at is not None,
            is_performer=is_performer,
        ),
        # Online is the availability that matters for a call now.
        PerformerFacts(bookable=performer.is_bookable, has_availability=True),
        rules.pay_per_call_enabled,
    )
    if denial is not None:
        raise AccessDenied(denial.value, MESSAGES[denial])
    if performer.presence != Presence.ONLINE.value:
        raise PerformerNotOnline("this performer is not online right now")
    if not check_duration(duration, performer.min_duration, performer.max_duration):
        raise SlotUnavailable(
            f"duration must be {performer.min_duration}-{performer.max_duration} minutes "
            "in 15-minute steps",
            problem=SlotProblem.DURATION.value,
        )
    if call_type not in performer.call_types:
        raise SlotUnavailable("this performer does not take that call type", problem="call_type")
    start = instant_start(now)
    end = start + timedelta(minutes=duration)
    occ = Interval(
        start - timedelta(minutes=performer.buffer_before),
        end + timedelta(minutes=performer.buffer_after),
    )
    await lock_performer(session, performer.id)
    busy = Busy.of(await avail_repo.busy_intervals(session, performer.id, occ.start, occ.end, now))
    if busy.overlaps(occ.start, occ.end):
        raise PerformerBusy("this performer has a call booked right now; pick a later slot")

    await service._release_previous_holds(session, user.id, now)
    await service._expire_stale_overlapping(session, performer.id, occ.start, occ.end, now)
    amount = call_price(performer.price_per_minute, duration)
    parts = split(amount, rules.commission_bps)
    booking = Booking(
        public_id=new_public_id(),
        user_id=user.id,
        performer_id=performer.id,
        status=Status.HELD.value,
        call_type=call_type,
        start_at=start,
        end_at=end,
        duration_minutes=duration,
        occupied_start=occ.start,
        occupied_end=occ.end,
        expires_at=now + timedelta(minutes=rules.hold_minutes),
        price_per_minute=performer.price_per_minute,
        amount=amount,
        currency=performer.currency,
        commission_bps=parts.commission_bps,
        commission_amount=parts.commission,
        performer_amount=parts.performer,
        user_timezone=user.timezone,
        reschedule_count=0,
        created_at=now,
        updated_at=now,
    )
    session.add(booking)
    try:
        await session.flush()
    except IntegrityError as exc:
        if service._is_user_hold_clash(exc):
            raise HoldInProgress("another hold of yours is being placed right now") from exc
        raise SlotTaken("this time has just been taken") from exc
    await service.occupy_cells(session, booking)
    await service.record(
        session,
        booking,
        from_status=None,
        to_status=Status.HELD.value,
        actor="user",
        actor_id=user.id,
        now=now,
        reason="instant call held",
    )
    return booking
