"""What the rest of the product hears about a booking, through the jobs outbox.

The booking domain announces a change as a job written in the transaction of the change
(``booking_cancelled``, ``booking_expired``, ``booking_rescheduled``); the notification side
handles them (notices, moving or removing reminders). The call side hears ``call_scheduled``
when a booking is confirmed or moved (open its room, watch its start) and ``call_over`` when a
booking leaves the confirmed or live states (close its room). This keeps booking from importing
the domains that react to it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.booking.models import Booking
from pnplive.booking.states import Status
from pnplive.kit.jobs import enqueue

CANCELLED_JOB = "booking_cancelled"
EXPIRED_JOB = "booking_expired"
RESCHEDULED_JOB = "booking_rescheduled"
COMPLETED_JOB = "booking_completed"
CALL_SCHEDULED_JOB = "call_scheduled"
CALL_OVER_JOB = "call_over"

# A call is ahead or under way in these states: it has a room.
CALL_STATES = frozenset({Status.CONFIRMED, Status.LIVE})

# A cancellation is news to both sides only once the call was paid for; an unpaid booking that
# lapses while its member was paying is news to the member.
ANNOUNCED: dict[tuple[Status, Status], str] = {
    (Status.CONFIRMED, Status.CANCELLED): CANCELLED_JOB,
    (Status.LIVE, Status.CANCELLED): CANCELLED_JOB,
    (Status.PENDING_PAYMENT, Status.EXPIRED): EXPIRED_JOB,
    (Status.LIVE, Status.COMPLETED): COMPLETED_JOB,
}


async def announce_transition(
    session: AsyncSession, booking: Booking, current: Status, target: Status, now: datetime
) -> None:
    kind = ANNOUNCED.get((current, target))
    if kind is not None:
        await enqueue(
            session,
            kind,
            booking.public_id,
            due_at=now,
            now=now,
            payload={"booking": booking.public_id},
        )
    if target is Status.CONFIRMED:
        await _call_scheduled(session, booking, now)
    elif current in CALL_STATES and target not in CALL_STATES:
        await enqueue(
            session,
            CALL_OVER_JOB,
            booking.public_id,
            due_at=now,
            now=now,
            payload={"booking": booking.public_id},
        )


async def _call_scheduled(session: AsyncSession, booking: Booking, now: datetime) -> None:
    await enqueue(
        session,
        CALL_SCHEDULED_JOB,
        f"{booking.public_id}:{booking.reschedule_count}",
        due_at=now,
        now=now,
        payload={"booking": booking.public_id, "sequence": booking.reschedule_count},
    )


async def announce_reschedule(
    session: AsyncSession, booking: Booking, previous_start: datetime, now: datetime
) -> None:
    await enqueue(
        session,
        RESCHEDULED_JOB,
        f"{booking.public_id}:{booking.reschedule_count}",
        due_at=now,
        now=now,
        payload={"booking": booking.public_id, "previous_start": previous_start.isoformat()},
    )
    await _call_scheduled(session, booking, now)


async def announce(
    session: AsyncSession, kind: str, booking: Booking, now: datetime, **payload: str
) -> None:
    """Any other news about a booking (a proposal made or declined), once per key."""
    key = ":".join([booking.public_id, *payload.values()])
    await enqueue(
        session,
        kind,
        key[:128],
        due_at=now,
        now=now,
        payload={"booking": booking.public_id, **payload},
    )
