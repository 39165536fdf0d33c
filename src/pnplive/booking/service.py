"""Holds and bookings: place, confirm, pay, expire, cancel, reschedule.

Every function takes the session first and never commits: the caller's unit of work does. A
conflict on the slot cells raises ``SlotTaken``; the caller's transaction then rolls back, so a
refused hold changes nothing (not even the release of the user's previous hold).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, exists, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from pnplive.availability import repository as avail_repo
from pnplive.availability.slots import (
    Busy,
    Interval,
    SlotProblem,
    SlotRules,
    check_duration,
    occupied,
    slot_problem,
)
from pnplive.booking import events, occupancy
from pnplive.booking.access import Party, may_cancel, may_reschedule
from pnplive.booking.errors import (
    AccessDenied,
    BookingChanged,
    BookingNotFound,
    CancelNotAllowed,
    HoldInProgress,
    SlotTaken,
    SlotUnavailable,
)
from pnplive.booking.models import CELL_MINUTES, Booking, BookingEvent, SlotCell
from pnplive.booking.policy import Refund, cancellation_refund
from pnplive.booking.pricing import call_price, split
from pnplive.booking.rules import BookingRules
from pnplive.booking.states import OCCUPYING, PAYABLE, UNPAID, Status, check_transition
from pnplive.kit.actor import Actor
from pnplive.kit.ids import new_public_id
from pnplive.kit.jobs import enqueue
from pnplive.kit.locks import lock_performer
from pnplive.performer.models import Performer
from pnplive.user.access import (
    MESSAGES,
    AccessRule,
    PerformerFacts,
    UserFacts,
    booking_denial,
    terms_current,
)
from pnplive.user.models import User

CELL = timedelta(minutes=CELL_MINUTES)

# Job (key: the booking's public id) that expires every open provider checkout of a booking that
# stopped being payable; the payment side handles it (``payment/jobs.py``).
CLOSE_CHECKOUTS_JOB = "close_booking_checkouts"


def slot_rules(performer: Performer, duration: int, rules: BookingRules) -> SlotRules:
    return SlotRules(
        duration=duration,
        buffer_before=performer.buffer_before,
        buffer_after=performer.buffer_after,
        notice_minutes=rules.notice_minutes,
        horizon_days=rules.horizon_days,
        step_minutes=rules.step_minutes,
    )


def cells(start: datetime, end: datetime) -> list[datetime]:
    out, cur = [], start
    while cur < end:
        out.append(cur)
        cur += CELL
    return out


def _is_user_hold_clash(exc: IntegrityError) -> bool:
    text = str(exc.orig)
    return "one_unpaid_per_user" in text or "bookings.user_id" in text


# --- history and transitions ---------------------------------------------------------------


async def record(
    session: AsyncSession,
    booking: Booking,
    *,
    from_status: str | None,
    to_status: str,
    actor: str,
    actor_id: int | None,
    now: datetime,
    reason: str = "",
) -> None:
    session.add(
        BookingEvent(
            booking_id=booking.id,
            at=now,
            actor=actor,
            actor_id=actor_id,
            from_status=from_status,
            to_status=to_status,
            reason=reason[:256],
        )
    )


async def release_cells(session: AsyncSession, booking_id: int) -> None:
    await session.execute(delete(SlotCell).where(SlotCell.booking_id == booking_id))


async def occupy_cells(session: AsyncSession, booking: Booking) -> None:
    """Insert the booking's cells; the unique key refuses any overlap (``SlotTaken``).

    Conflicting cells are skipped by the database (ON CONFLICT DO NOTHING on the primary key)
    and counted: fewer rows than cells means the time is taken. No error is raised inside the
    database, so the connection stays clean; the caller's transaction then rolls back.
    """
    rows = [
        {"performer_id": booking.performer_id, "cell_start": c, "booking_id": booking.id}
        for c in cells(booking.occupied_start, booking.occupied_end)
    ]
    insert_fn = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert_fn(SlotCell).values(rows).on_conflict_do_nothing()
    try:
        result = await session.execute(stmt)
    except IntegrityError as exc:
        raise SlotTaken("this time has just been taken", booking=booking.public_id) from exc
    if result.rowcount != len(rows):  # type: ignore[attr-defined]
        raise SlotTaken("this time has just been taken", booking=booking.public_id)


async def transition(
    session: AsyncSession,
    booking: Booking,
    target: Status,
    *,
    actor: str,
    actor_id: int | None = None,
    now: datetime,
    reason: str = "",
    also: Mapping[str, object] | None = None,
) -> None:
    """Move ``booking`` to ``target`` if legal and nobody moved it first; record the change.

    ``also``: other columns the same UPDATE writes (one statement, not a second one)."""
    current = Status(booking.status)
    check_transition(current, target)
    values: dict[str, object] = {"status": target.value, "updated_at": now}
    if target not in UNPAID:
        values["expires_at"] = None
    values.update(also or {})
    result = await session.execute(
        update(Booking)
        .where(Booking.id == booking.id, Booking.status == current.value)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise BookingChanged("the booking was changed meanwhile", booking=booking.public_id)
    # The row already holds these: the object is told so, or its next flush would write them
    # again in an UPDATE of its own.
    for column, value in values.items():
        set_committed_value(booking, column, value)
    if current in OCCUPYING and target not in OCCUPYING:
        await release_cells(session, booking.id)
    if current in PAYABLE and target not in PAYABLE and target is not Status.CONFIRMED:
        # The one place that notices a booking stopped being payable, whoever stopped it.
        await enqueue(
            session,
            CLOSE_CHECKOUTS_JOB,
            booking.public_id,
            due_at=now,
            now=now,
            payload={"booking": booking.public_id},
        )
    await events.announce_transition(session, booking, current, target, now)
    await record(
        session,
        booking,
        from_status=current.value,
        to_status=target.value,
        actor=actor,
        actor_id=actor_id,
        now=now,
        reason=reason,
    )


# --- holds ---------------------------------------------------------------------------------


async def lapse(session: AsyncSession, due: Sequence[Booking], now: datetime) -> list[str]:
    """Expire unpaid bookings whose time is up; skips any another transaction moved first."""
    done = []
    for b in due:
        try:
            await transition(session, b, Status.EXPIRED, actor="system", now=now, reason="lapsed")
        except BookingChanged:
            continue  # another transaction expired or paid it first
        done.append(b.public_id)
    return done


async def check_access(
    session: AsyncSession,
    user: User,
    performer: Performer,
    rules: BookingRules,
    has_availability: bool,
    is_performer: bool | None = None,
) -> None:
    """Raise ``AccessDenied`` with the first failing access rule (F-ACC-1).

    ``is_performer``: whether the user has a performer account, when the caller has just
    looked (the API's sign-in does); else it is looked up here."""
    if is_performer is None:
        is_performer = bool(
            await session.scalar(select(exists().where(Performer.user_id == user.id)))
        )
    denial = booking_denial(
        UserFacts(
            age_verified=user.age_verified_at is not None,
            terms_accepted=terms_current(user.terms_version, rules.terms_version),
            is_prime=user.is_prime,
            restricted=user.restricted_at is not None,
            is_performer=is_performer,
        ),
        PerformerFacts(bookable=performer.is_bookable, has_availability=has_availability),
        rules.pay_per_call_enabled,
    )
    if denial is AccessRule.USER_RESTRICTED:
        reason = user.restricted_reason or ""
        raise AccessDenied(denial.value, f"{MESSAGES[denial]} {reason}".strip(), reason=reason)
    if denial is not None:
        raise AccessDenied(denial.value, MESSAGES[denial])


def check_call(performer: Performer, duration: int, call_type: str) -> None:
    """The duration and call type are ones the performer takes."""
    if not check_duration(duration, performer.min_duration, performer.max_duration):
        raise SlotUnavailable(
            f"duration must be {performer.min_duration}-{performer.max_duration} minutes "
            "in 15-minute steps",
            problem=SlotProblem.DURATION.value,
        )
    if call_type not in performer.call_types:
        raise SlotUnavailable("this performer does not take that call type", problem="call_type")


async def _occupancy(
    session: AsyncSession,
    performer_id: int,
    start: datetime,
    end: datetime,
    now: datetime,
    replacing_for: int | None = None,
) -> Busy:
    """Busy time over [start, end); lapsed unpaid bookings there are expired on the way.

    ``replacing_for``: a user whose unpaid bookings are about to be replaced; they are not busy.
    """
    live, stale = [], []
    rows = await occupancy.occupancy(session, performer_id, start, end)
    for booking_id, user_id, status, expires_at, occ_start, occ_end in rows:
        if status in UNPAID and expires_at is not None and expires_at <= now:
            stale.append(booking_id)
        elif status in UNPAID and user_id == replacing_for:
            continue
        else:
            live.append(Interval(occ_start, occ_end))
    if stale:
        await lapse(
            session,
            (await session.scalars(select(Booking).where(Booking.id.in_(stale)))).all(),
            now,
        )
    return Busy.of(live)


async def expire_stale_overlapping(
    session: AsyncSession, performer_id: int, start: datetime, end: datetime, now: datetime
) -> None:
    """Lapsed unpaid bookings over [start, end) give their cells back before we insert ours."""
    stale = (
        await session.scalars(
            select(Booking).where(
                Booking.performer_id == performer_id,
                Booking.status.in_([s.value for s in UNPAID]),
                Booking.expires_at <= now,
                Booking.occupied_start < end,
                Booking.occupied_end > start,
            )
        )
    ).all()
    await lapse(session, stale, now)


async def release_previous_holds(session: AsyncSession, user_id: int, now: datetime) -> None:
    previous = (
        await session.scalars(
            select(Booking).where(
                Booking.user_id == user_id, Booking.status.in_([s.value for s in UNPAID])
            )
        )
    ).all()
    for b in previous:
        target = Status.EXPIRED if b.expires_at and b.expires_at <= now else Status.CANCELLED
        await transition(
            session, b, target, actor="user", actor_id=user_id, now=now, reason="replaced"
        )


async def place_hold(
    session: AsyncSession,
    *,
    user: User,
    performer: Performer,
    start_at: datetime,
    duration: int,
    now: datetime,
    rules: BookingRules,
    call_type: str = "video",
    is_performer: bool | None = None,
) -> Booking:
    """Hold a slot for ``user`` (F-AV-5): replaces the user's previous hold; DB-guarded.

    ``is_performer``: see ``check_access``."""
    srules = slot_rules(performer, duration, rules)
    occ = occupied(start_at, srules)
    await lock_performer(session, performer.id)
    schedule = await avail_repo.load_schedule(
        session, performer.id, performer.timezone, occ.start, occ.end
    )
    # The schedule loaded for the slot usually answers "has availability" already.
    has_availability = bool(schedule.weekly) or bool(schedule.extra)
    if not has_availability:
        has_availability = await avail_repo.has_availability(session, performer.id, now)
    await check_access(session, user, performer, rules, has_availability, is_performer)
    check_call(performer, duration, call_type)
    busy = await _occupancy(session, performer.id, occ.start, occ.end, now, user.id)
    problem = slot_problem(schedule, srules, busy, now, start_at)
    if problem is SlotProblem.BUSY:
        raise SlotTaken("this time is already taken")
    if problem is not None:
        raise SlotUnavailable("this time is not offered", problem=problem.value)

    await release_previous_holds(session, user.id, now)
    return await create_held_booking(
        session,
        user=user,
        performer=performer,
        start_at=start_at,
        duration=duration,
        occupied_interval=occ,
        call_type=call_type,
        now=now,
        rules=rules,
        reason="hold placed",
    )


async def create_held_booking(
    session: AsyncSession,
    *,
    user: User,
    performer: Performer,
    start_at: datetime,
    duration: int,
    occupied_interval: Interval,
    call_type: str,
    now: datetime,
    rules: BookingRules,
    reason: str,
    instant: bool = False,
) -> Booking:
    """Write a ``held`` booking with its price snapshot, its cells and its first history row.

    The caller has checked access and the slot and holds the performer's lock. The hold never
    outlives the start (an instant call starts within minutes).
    """
    amount = call_price(performer.price_per_minute, duration)
    parts = split(amount, rules.commission_bps)
    booking = Booking(
        public_id=new_public_id(),
        user_id=user.id,
        performer_id=performer.id,
        status=Status.HELD.value,
        call_type=call_type,
        start_at=start_at,
        end_at=start_at + timedelta(minutes=duration),
        duration_minutes=duration,
        occupied_start=occupied_interval.start,
        occupied_end=occupied_interval.end,
        expires_at=min(now + timedelta(minutes=rules.hold_minutes), start_at),
        price_per_minute=performer.price_per_minute,
        amount=amount,
        currency=performer.currency,
        commission_bps=parts.commission_bps,
        commission_amount=parts.commission,
        performer_amount=parts.performer,
        user_timezone=user.timezone,
        instant=instant,
        reschedule_count=0,
        created_at=now,
        updated_at=now,
    )
    session.add(booking)
    try:
        await session.flush()
    except IntegrityError as exc:
        if _is_user_hold_clash(exc):
            raise HoldInProgress("another hold of yours is being placed right now") from exc
        raise SlotTaken("this time has just been taken") from exc
    await occupy_cells(session, booking)
    await record(
        session,
        booking,
        from_status=None,
        to_status=Status.HELD.value,
        actor="user",
        actor_id=user.id,
        now=now,
        reason=reason,
    )
    return booking


async def get_booking(session: AsyncSession, public_id: str, *, lock: bool = False) -> Booking:
    """The booking; with ``lock``, its row locked after its performer's lock, the one order
    every writer takes them in (performer, booking, payment)."""
    booking = await session.scalar(select(Booking).where(Booking.public_id == public_id))
    if booking is None:
        raise BookingNotFound("no such booking", booking=public_id)
    if lock:
        await lock_performer(session, booking.performer_id)
        locked = await session.scalar(
            select(Booking)
            .where(Booking.id == booking.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        assert locked is not None
        booking = locked
    return booking


async def confirm_hold(
    session: AsyncSession, booking: Booking, *, now: datetime, rules: BookingRules, actor_id: int
) -> Booking:
    """Rules accepted and summary confirmed: the hold becomes ``pending_payment`` (F-BK-1).

    A lapsed hold is refused (409): its time is up, and never later than the call's start.
    """
    lapsed = booking.expires_at is not None and booking.expires_at <= now
    if booking.status == Status.HELD and (lapsed or booking.start_at <= now):
        await transition(session, booking, Status.EXPIRED, actor="system", now=now, reason="lapsed")
        if booking.start_at <= now:
            raise SlotTaken("the call's start has passed; please choose a time again")
        raise SlotTaken("the hold expired; please choose the time again")
    # Pay before the call starts: an instant call's deadline is its start.
    deadline = min(now + timedelta(minutes=rules.payment_timeout_minutes), booking.start_at)
    await transition(
        session,
        booking,
        Status.PENDING_PAYMENT,
        actor="user",
        actor_id=actor_id,
        now=now,
        reason="rules accepted",
        also={"rules_accepted_at": now, "expires_at": deadline},
    )
    await session.flush()
    return booking


class PaymentOutcome(StrEnum):
    CONFIRMED = "confirmed"
    ALREADY_CONFIRMED = "already_confirmed"
    REFUND_NEEDED = "refund_needed"


async def apply_payment(
    session: AsyncSession, booking: Booking, *, now: datetime, reason: str = "paid"
) -> PaymentOutcome:
    """A payment arrived for ``booking``: confirm it, or say it must be refunded (F-BK-4).

    A payment after expiry confirms the booking if its cells can be taken again, inside a
    savepoint so a refusal leaves the transaction usable; otherwise the money goes back.
    """
    status = Status(booking.status)
    if status in (Status.HELD, Status.PENDING_PAYMENT) and (
        booking.expires_at is None or booking.expires_at > now
    ):
        if status is Status.HELD:
            booking.rules_accepted_at = booking.rules_accepted_at or now
            await transition(session, booking, Status.PENDING_PAYMENT, actor="system", now=now)
        await transition(session, booking, Status.CONFIRMED, actor="system", now=now, reason=reason)
        booking.paid_at = now
        return PaymentOutcome.CONFIRMED
    if status in (Status.HELD, Status.PENDING_PAYMENT):
        await transition(session, booking, Status.EXPIRED, actor="system", now=now, reason="lapsed")
        status = Status.EXPIRED
    if status in (Status.CONFIRMED, Status.LIVE, Status.COMPLETED):
        return PaymentOutcome.ALREADY_CONFIRMED
    if status is Status.EXPIRED and booking.start_at > now:
        await lock_performer(session, booking.performer_id)
        await expire_stale_overlapping(
            session, booking.performer_id, booking.occupied_start, booking.occupied_end, now
        )
        try:
            async with session.begin_nested():
                await occupy_cells(session, booking)
                await transition(
                    session,
                    booking,
                    Status.CONFIRMED,
                    actor="system",
                    now=now,
                    reason="late payment, slot still free",
                )
                await session.flush()
        except (SlotTaken, IntegrityError):
            booking.status = Status.EXPIRED.value
            return PaymentOutcome.REFUND_NEEDED
        booking.paid_at = now
        return PaymentOutcome.CONFIRMED
    return PaymentOutcome.REFUND_NEEDED


async def expire_due(session: AsyncSession, now: datetime, limit: int = 500) -> list[str]:
    """Lapse unpaid bookings whose time is up (F-BK-3); returns their public ids."""
    due = (
        await session.scalars(
            select(Booking)
            .where(Booking.status.in_([s.value for s in UNPAID]), Booking.expires_at <= now)
            .order_by(Booking.expires_at)
            .limit(limit)
        )
    ).all()
    return await lapse(session, due, now)


# --- cancel and reschedule -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cancellation:
    booking: Booking
    refund: Refund
    was_paid: bool
    by: Party  # as whom the actor cancelled
    actor_id: int | None  # the member account that did, when there is one


async def cancel(
    session: AsyncSession,
    booking: Booking,
    *,
    by: Actor,
    now: datetime,
    rules: BookingRules,
    reason: str = "",
) -> Cancellation:
    """Cancel and free the slot (F-BK-5); says what the policy refunds (payments pay it).

    Raises ``NotYourBooking`` when ``by`` may not cancel this booking (``access.py``)."""
    party = may_cancel(by, booking)
    actor_id = by.user_id
    status = Status(booking.status)
    if status in UNPAID:
        await transition(
            session,
            booking,
            Status.CANCELLED,
            actor=party.value,
            actor_id=actor_id,
            now=now,
            reason=reason,
        )
        return Cancellation(booking, Refund(True, 0, 0, "nothing was paid"), False, party, actor_id)
    if status is not Status.CONFIRMED:
        raise CancelNotAllowed(f"a {status.value} booking cannot be cancelled", status=status.value)
    refund = cancellation_refund(rules.cancel_policy, party, booking.amount, now, booking.start_at)
    if not refund.allowed:
        raise CancelNotAllowed(refund.reason)
    await transition(
        session,
        booking,
        Status.CANCELLED,
        actor=party.value,
        actor_id=actor_id,
        now=now,
        reason=reason,
    )
    booking.cancelled_by = party.value
    booking.cancel_reason = reason or None
    return Cancellation(booking, refund, True, party, actor_id)


async def check_new_start(
    session: AsyncSession,
    booking: Booking,
    performer: Performer,
    new_start: datetime,
    *,
    now: datetime,
    rules: BookingRules,
) -> Interval:
    """The occupied interval at ``new_start`` if the booking could move there now; else
    ``SlotTaken`` or ``SlotUnavailable``. Takes the performer's lock."""
    srules = slot_rules(performer, booking.duration_minutes, rules)
    occ = occupied(new_start, srules)
    await lock_performer(session, performer.id)
    schedule = await avail_repo.load_schedule(
        session, performer.id, performer.timezone, occ.start, occ.end
    )
    busy = Busy.of(
        await occupancy.busy_intervals(
            session, performer.id, occ.start, occ.end, now, exclude_booking_id=booking.id
        )
    )
    problem = slot_problem(schedule, srules, busy, now, new_start)
    if problem is SlotProblem.BUSY:
        raise SlotTaken("this time is already taken")
    if problem is not None:
        raise SlotUnavailable("this time is not offered", problem=problem.value)
    return occ


async def reschedule(
    session: AsyncSession,
    booking: Booking,
    performer: Performer,
    *,
    new_start: datetime,
    by: Actor,
    now: datetime,
    rules: BookingRules,
) -> Booking:
    """Move a confirmed booking to another free slot (F-BK-6); duration and price are kept.

    Raises ``NotYourBooking``, ``ConsentRequired`` or ``RescheduleNotAllowed`` when ``by`` may
    not move it now (``access.py``)."""
    party = may_reschedule(by, booking, now=now, cutoff_hours=rules.cancel_policy.cutoff_hours)
    occ = await check_new_start(session, booking, performer, new_start, now=now, rules=rules)
    old_start = booking.start_at
    await expire_stale_overlapping(session, performer.id, occ.start, occ.end, now)
    await release_cells(session, booking.id)
    booking.start_at = new_start
    booking.end_at = new_start + timedelta(minutes=booking.duration_minutes)
    booking.occupied_start, booking.occupied_end = occ.start, occ.end
    booking.reschedule_count += 1
    booking.instant = False  # now on a slot the schedule offered: checked like any booking
    booking.updated_at = now
    try:
        await session.flush()
    except IntegrityError as exc:  # PostgreSQL's exclusion constraint
        raise SlotTaken("this time has just been taken") from exc
    await occupy_cells(session, booking)
    await events.announce_reschedule(session, booking, old_start, now)
    await record(
        session,
        booking,
        from_status=booking.status,
        to_status=booking.status,
        actor=party.value,
        actor_id=by.user_id,
        now=now,
        reason=f"rescheduled from {old_start.isoformat()}",
    )
    return booking
