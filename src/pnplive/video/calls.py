"""The call lifecycle (F-BK-8, F-SAF-2, F-SAF-4, F-WRK-1): joins and leaves as they arrive, and
the steps the worker takes when a call's moments pass.

Joins come from our join links and from the provider's webhooks; each is stored once (its source
and id are unique), and the first join of either side makes a confirmed call live. The worker's
``call_check`` job asks :func:`booking.lifecycle.next_step` what is due and applies it here, then
schedules the next check, so no clock is polled and a moved test clock drives it all.
"""

from __future__ import annotations

import contextlib
import uuid
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.booking import service as bookings
from pnplive.booking.lifecycle import CallState, Step, due_at, next_step
from pnplive.booking.models import Booking, BookingEvent
from pnplive.booking.states import Status
from pnplive.payment import refunds
from pnplive.payment.errors import RefundNotAllowed
from pnplive.performer import service as performers
from pnplive.performer.models import Performer, Presence
from pnplive.video.models import Activity, CallActivity, CallPass, Side
from pnplive.video.passes import passes_of
from pnplive.video.timing import CallTiming
from pnplive.worker.queue import enqueue

CALL_CHECK_JOB = "call_check"

STEP_STATUS: dict[Step, Status] = {
    Step.GO_LIVE: Status.LIVE,
    Step.COMPLETE: Status.COMPLETED,
    Step.PERFORMER_NO_SHOW: Status.NO_SHOW_PERFORMER,
    Step.MEMBER_NO_SHOW: Status.NO_SHOW_USER,
}


def call_state(booking: Booking, passes: dict[Side, CallPass]) -> CallState:
    member, performer = passes.get(Side.MEMBER), passes.get(Side.PERFORMER)
    return CallState(
        status=Status(booking.status),
        start=booking.start_at,
        end=booking.end_at,
        member_joined=member.first_joined_at if member else None,
        performer_joined=performer.first_joined_at if performer else None,
    )


async def schedule_check(
    session: AsyncSession, booking: Booking, now: datetime, timing: CallTiming
) -> datetime | None:
    """Queue the next look at this call (once per moment: the key holds the due time)."""
    state = call_state(booking, await passes_of(session, booking.id))
    due = due_at(state, timing.rules)
    if due is None:
        return None
    await enqueue(
        session,
        CALL_CHECK_JOB,
        f"{booking.public_id}:{booking.reschedule_count}:{due.isoformat()}",
        due_at=due,
        now=now,
        payload={"booking": booking.public_id},
    )
    return due


async def _store_activity(session: AsyncSession, row: dict[str, object]) -> bool:
    """Insert one activity; False when the provider sent it before (same source and id)."""
    insert_fn = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = (
        insert_fn(CallActivity)
        .values(**row)
        .on_conflict_do_nothing(index_elements=["source", "event_id"])
    )
    result = await session.execute(stmt)
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def record(
    session: AsyncSession,
    booking: Booking,
    side: Side | None,
    kind: Activity,
    *,
    at: datetime,
    now: datetime,
    source: str,
    event_id: str | None = None,
    timing: CallTiming,
) -> bool:
    """Record a join, leave or end; a first join makes a confirmed call live. ``booking`` must
    be locked (``bookings.get_booking(lock=True)``). False for a duplicate event."""
    passes = await passes_of(session, booking.id)
    pass_ = passes.get(side) if side is not None else None
    fresh = await _store_activity(
        session,
        {
            "booking_id": booking.id,
            "user_id": pass_.user_id if pass_ else None,
            "side": side.value if side else None,
            "kind": kind.value,
            "source": source,
            "event_id": event_id or uuid.uuid4().hex,
            "at": at,
        },
    )
    if not fresh:
        return False
    if pass_ is not None and kind is Activity.JOINED and pass_.first_joined_at is None:
        pass_.first_joined_at = at
    if pass_ is not None and kind is Activity.LEFT:
        pass_.last_left_at = at
    await session.flush()
    if kind is Activity.JOINED and booking.status == Status.CONFIRMED.value:
        await _go_live(session, booking, side, now)
        await schedule_check(session, booking, now, timing)
    return True


async def _go_live(
    session: AsyncSession, booking: Booking, side: Side | None, now: datetime
) -> None:
    await bookings.transition(
        session,
        booking,
        Status.LIVE,
        actor=side.value if side else "system",
        now=now,
        reason="joined the call",
    )
    await session.execute(
        update(Performer)
        .where(Performer.id == booking.performer_id)
        .values(presence=Presence.BUSY.value, presence_changed_at=now, last_active_at=now)
    )


async def advance(
    session: AsyncSession, public_id: str, now: datetime, timing: CallTiming
) -> Step | None:
    """Apply the step due now to the call, if any, and schedule the next look."""
    booking = await bookings.get_booking(session, public_id, lock=True)
    state = call_state(booking, await passes_of(session, booking.id))
    step = next_step(state, now, timing.rules)
    if step is Step.GO_LIVE:
        await _go_live(session, booking, None, now)
    elif step is not None:
        await bookings.transition(
            session, booking, STEP_STATUS[step], actor="system", now=now, reason=step.value
        )
        if step is Step.PERFORMER_NO_SHOW:
            await _performer_no_show(session, booking, now, timing)
    await schedule_check(session, booking, now, timing)
    return step


async def _performer_no_show(
    session: AsyncSession, booking: Booking, now: datetime, timing: CallTiming
) -> None:
    """Everything paid goes back, admins hear of it, and repeated no-shows pause the performer."""
    # Nothing paid (or already returned) leaves nothing to send back.
    with contextlib.suppress(RefundNotAllowed):
        await refunds.refund_performer_no_show(session, booking, now)
    await refunds.alert_admins(
        session,
        f"no_show:{booking.public_id}",
        now,
        kind="performer_no_show",
        booking=booking.public_id,
        performer=booking.performer_id,
    )
    count = await session.scalar(
        select(func.count())
        .select_from(BookingEvent)
        .join(Booking, Booking.id == BookingEvent.booking_id)
        .where(
            Booking.performer_id == booking.performer_id,
            BookingEvent.to_status == Status.NO_SHOW_PERFORMER.value,
            BookingEvent.at > now - timing.pause_window,
        )
    )
    if int(count or 0) < timing.pause_after_no_shows:
        return
    performer = await session.get(Performer, booking.performer_id)
    if performer is not None and await performers.pause(session, performer, now):
        await refunds.alert_admins(
            session,
            f"no_show_pause:{performer.id}:{booking.public_id}",
            now,
            kind="repeated_no_shows",
            performer=performer.id,
            no_shows=int(count or 0),
        )


async def release_presence(session: AsyncSession, performer_id: int, now: datetime) -> None:
    """After a call, a busy performer with no other live call is online again (and idles out
    by the usual rule)."""
    live = await session.scalar(
        select(func.count())
        .select_from(Booking)
        .where(Booking.performer_id == performer_id, Booking.status == Status.LIVE.value)
    )
    if live:
        return
    await session.execute(
        update(Performer)
        .where(Performer.id == performer_id, Performer.presence == Presence.BUSY.value)
        .values(presence=Presence.ONLINE.value, presence_changed_at=now, last_active_at=now)
    )
