"""Notices as jobs, written in the transaction of the change that causes them (F-NTF-4).

Each notice is one ``notify`` job per recipient, keyed ``<booking>:<recipient>:<what>`` so the
jobs table's ``UNIQUE(kind, key)`` lets it be enqueued at most once. Reminder keys carry the
booking's reschedule count, so a moved call gets reminders for its new time while the old ones
are deleted; whatever is still missed is caught at send time (a reminder for a time the call no
longer has is not sent).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.booking.models import Booking
from pnplive.kit.jobs import Job, enqueue
from pnplive.notification.kinds import Notice
from pnplive.performer.models import Performer
from pnplive.user.models import Role, User

NOTIFY_JOB = "notify"
MEMBER, PERFORMER = "member", "performer"
KEY_LIMIT = 128


def _key(*parts: object) -> str:
    key = ":".join(str(p) for p in parts)
    if len(key) <= KEY_LIMIT:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"{key[: KEY_LIMIT - 33]}~{digest}"


async def _sides(session: AsyncSession, booking: Booking) -> list[tuple[int, str]]:
    """(user id, side) of the booking's member and, when linked to an account, its performer."""
    out = [(booking.user_id, MEMBER)]
    performer_user = await session.scalar(
        select(Performer.user_id).where(Performer.id == booking.performer_id)
    )
    if performer_user is not None:
        out.append((performer_user, PERFORMER))
    return out


async def _notify(
    session: AsyncSession,
    key: str,
    *,
    notice: Notice,
    recipient: int,
    due_at: datetime,
    now: datetime,
    **payload: object,
) -> None:
    body: dict[str, object] = {"notice": notice.value, "recipient": recipient, **payload}
    await enqueue(session, NOTIFY_JOB, key, due_at=due_at, now=now, payload=body)


async def plan_reminders(
    session: AsyncSession, booking: Booking, now: datetime, reminder_minutes: Iterable[int]
) -> None:
    """Reminders before the start and the 'starting now' notice, for both sides (F-NTF-1)."""
    seq = booking.reschedule_count
    start = booking.start_at.isoformat()
    for user_id, side in await _sides(session, booking):
        for minutes in reminder_minutes:
            due = booking.start_at - timedelta(minutes=minutes)
            if due <= now:
                continue
            await _notify(
                session,
                _key(booking.public_id, user_id, f"reminder{minutes}", seq),
                notice=Notice.REMINDER,
                recipient=user_id,
                due_at=due,
                now=now,
                booking=booking.public_id,
                side=side,
                start=start,
                lead_minutes=minutes,
            )
        await _notify(
            session,
            _key(booking.public_id, user_id, "starting", seq),
            notice=Notice.STARTING,
            recipient=user_id,
            due_at=max(booking.start_at, now),
            now=now,
            booking=booking.public_id,
            side=side,
            start=start,
        )


async def drop_timed(session: AsyncSession, booking: Booking) -> None:
    """Delete the reminders and 'starting' notices of ``booking`` not yet sent."""
    prefix = f"{booking.public_id}:%"
    await session.execute(
        delete(Job).where(
            Job.kind == NOTIFY_JOB,
            Job.done_at.is_(None),
            Job.key.like(prefix),
            or_(Job.key.like("%:reminder%"), Job.key.like("%:starting:%")),
        )
    )


async def plan_confirmed(
    session: AsyncSession, booking: Booking, now: datetime, reminder_minutes: Iterable[int]
) -> None:
    """Confirmation to both sides (the member's with the calendar file), then the reminders."""
    for user_id, side in await _sides(session, booking):
        await _notify(
            session,
            _key(booking.public_id, user_id, Notice.CONFIRMED.value),
            notice=Notice.CONFIRMED,
            recipient=user_id,
            due_at=now,
            now=now,
            booking=booking.public_id,
            side=side,
        )
    await plan_reminders(session, booking, now, reminder_minutes)


async def plan_cancelled(
    session: AsyncSession, booking: Booking, now: datetime, refund_amount: int | None
) -> None:
    """Cancellation notice to both sides (the member's says the refund); reminders removed."""
    await drop_timed(session, booking)
    for user_id, side in await _sides(session, booking):
        await _notify(
            session,
            _key(booking.public_id, user_id, Notice.CANCELLED.value),
            notice=Notice.CANCELLED,
            recipient=user_id,
            due_at=now,
            now=now,
            booking=booking.public_id,
            side=side,
            refund_amount=refund_amount,
        )


async def plan_rescheduled(
    session: AsyncSession,
    booking: Booking,
    previous_start: datetime,
    now: datetime,
    reminder_minutes: Iterable[int],
) -> None:
    """The new time to both sides; the reminders move with the call."""
    await drop_timed(session, booking)
    for user_id, side in await _sides(session, booking):
        await _notify(
            session,
            _key(booking.public_id, user_id, Notice.RESCHEDULED.value, booking.reschedule_count),
            notice=Notice.RESCHEDULED,
            recipient=user_id,
            due_at=now,
            now=now,
            booking=booking.public_id,
            side=side,
            previous_start=previous_start.isoformat(),
        )
    await plan_reminders(session, booking, now, reminder_minutes)


async def plan_completed(session: AsyncSession, booking: Booking, now: datetime) -> None:
    """The call is over: both sides hear it, and the member is asked for a review (F-REV-1)."""
    for user_id, side in await _sides(session, booking):
        await _notify(
            session,
            _key(booking.public_id, user_id, Notice.COMPLETED.value),
            notice=Notice.COMPLETED,
            recipient=user_id,
            due_at=now,
            now=now,
            booking=booking.public_id,
            side=side,
        )
    await _notify(
        session,
        _key(booking.public_id, booking.user_id, Notice.FEEDBACK.value),
        notice=Notice.FEEDBACK,
        recipient=booking.user_id,
        due_at=now,
        now=now,
        booking=booking.public_id,
        side=MEMBER,
    )


async def plan_expired(session: AsyncSession, booking: Booking, now: datetime) -> None:
    """The member's unpaid booking lapsed (F-NTF-2)."""
    await _notify(
        session,
        _key(booking.public_id, booking.user_id, Notice.EXPIRED.value),
        notice=Notice.EXPIRED,
        recipient=booking.user_id,
        due_at=now,
        now=now,
        booking=booking.public_id,
        side=MEMBER,
    )


async def plan_refunded(
    session: AsyncSession, booking: Booking, refund_id: str, amount: int, now: datetime
) -> None:
    """A refund reached the member (F-NTF-2)."""
    await _notify(
        session,
        _key("refund", refund_id, booking.user_id),
        notice=Notice.REFUNDED,
        recipient=booking.user_id,
        due_at=now,
        now=now,
        booking=booking.public_id,
        side=MEMBER,
        refund_amount=amount,
    )


async def fan_out_alert(
    session: AsyncSession, key: str, facts: Mapping[str, object], now: datetime
) -> int:
    """One alert job per admin who can be reached (F-NTF-3); returns how many."""
    admins = (
        await session.scalars(
            select(User.id).where(
                User.role.in_([Role.ADMIN.value, Role.SUPERADMIN.value]),
                User.unreachable.is_(False),
            )
        )
    ).all()
    for admin_id in admins:
        await _notify(
            session,
            _key("alert", key, admin_id),
            notice=Notice.ALERT,
            recipient=admin_id,
            due_at=now,
            now=now,
            facts=dict(facts),
        )
    return len(admins)


MESSAGE_KEY = "message"


async def plan_message(
    session: AsyncSession,
    booking: Booking,
    recipient: int,
    to_performer: bool,
    text: str,
    now: datetime,
) -> None:
    """A relayed message, sent now; its text leaves the queue once delivered
    (``purge_messages``)."""
    await _notify(
        session,
        _key(MESSAGE_KEY, booking.public_id, uuid.uuid4().hex),
        notice=Notice.MESSAGE,
        recipient=recipient,
        due_at=now,
        now=now,
        booking=booking.public_id,
        side=PERFORMER if to_performer else MEMBER,
        text=text,
    )


async def purge_messages(session: AsyncSession, now: datetime) -> int:
    """Relayed messages are not kept (F-SAF-6): a delivered one's job is deleted."""
    result = await session.execute(
        delete(Job).where(
            Job.kind == NOTIFY_JOB, Job.key.like(f"{MESSAGE_KEY}:%"), Job.done_at.is_not(None)
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def plan_proposal(
    session: AsyncSession, booking: Booking, proposal: str, new_start: datetime, now: datetime
) -> None:
    """The member hears that the performer asks to move the call (F-BK-6)."""
    await _notify(
        session,
        _key(booking.public_id, booking.user_id, Notice.PROPOSED.value, proposal),
        notice=Notice.PROPOSED,
        recipient=booking.user_id,
        due_at=now,
        now=now,
        booking=booking.public_id,
        side=MEMBER,
        new_start=new_start.isoformat(),
    )


async def plan_proposal_declined(
    session: AsyncSession, booking: Booking, proposal: str, new_start: datetime, now: datetime
) -> None:
    """The performer hears that the member keeps the call's time."""
    for user_id, side in await _sides(session, booking):
        if side != PERFORMER:
            continue
        await _notify(
            session,
            _key(booking.public_id, user_id, Notice.PROPOSAL_DECLINED.value, proposal),
            notice=Notice.PROPOSAL_DECLINED,
            recipient=user_id,
            due_at=now,
            now=now,
            booking=booking.public_id,
            side=side,
            new_start=new_start.isoformat(),
        )
