"""Sending one ``notify`` job: read the facts, render in the recipient's language, send.

No transaction is held while the message travels. A recipient who blocked the bot is marked
unreachable and not retried; a reminder whose call moved, ended or was cancelled is not sent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.booking.models import Booking
from pnplive.booking.states import Status
from pnplive.kit.clock import Clock
from pnplive.kit.db import Database
from pnplive.notification.kinds import TIMED, Notice
from pnplive.notification.messages import CallFacts, OutMessage, Recipient, render, render_alert
from pnplive.notification.notifier import Delivery, Notifier
from pnplive.notification.planner import PERFORMER
from pnplive.performer.models import Performer
from pnplive.user.models import User

# Optional extras a deployment plugs in: the recipient's calendar file and join link, read in
# the delivery's own transaction (booking, recipient user id).
CalendarFor = Callable[[AsyncSession, Booking, int], Awaitable[bytes | None]]
JoinUrlFor = Callable[[AsyncSession, Booking, int], Awaitable[str | None]]


@dataclass(frozen=True, slots=True)
class Extras:
    calendar_for: CalendarFor | None = None
    join_url_for: JoinUrlFor | None = None
    early_join_minutes: int = 5


def member_name(user: User) -> str:
    return user.shown_name


async def deliver(
    db: Database,
    notifier: Notifier,
    payload: dict[str, Any],
    clock: Clock,
    extras: Extras | None = None,
) -> str:
    """Send the notice described by ``payload``; returns what happened."""
    extras = extras or Extras()
    async with db.transaction() as session:
        user = await session.get(User, int(payload["recipient"]))
        if user is None or user.unreachable:
            return "skipped: recipient unreachable"
        chat_id = user.telegram_id
        notice = Notice(payload["notice"])
        if notice is Notice.ALERT:
            message = render_alert(payload.get("facts", {}), user.language)
        else:
            built = await _call_message(session, notice, payload, user, clock.now(), extras)
            if isinstance(built, str):
                return built
            message = built
    outcome = await notifier.send(chat_id, message)
    if outcome is Delivery.UNREACHABLE:
        async with db.transaction() as session:
            await session.execute(update(User).where(User.id == user.id).values(unreachable=True))
        return "unreachable"
    return "sent"


async def _call_message(
    session: Any,
    notice: Notice,
    payload: dict[str, Any],
    user: User,
    now: datetime,
    extras: Extras,
) -> OutMessage | str:
    booking = await session.scalar(select(Booking).where(Booking.public_id == payload["booking"]))
    if booking is None:
        return "skipped: no such booking"
    # A call that went live early (someone joined in the early window) still gets its notices.
    if notice in TIMED and (
        booking.status not in (Status.CONFIRMED.value, Status.LIVE.value)
        or booking.start_at.isoformat() != payload["start"]
    ):
        return "skipped: the call moved or is no longer upcoming"
    performer = await session.get(Performer, booking.performer_id)
    member = await session.get(User, booking.user_id)
    side_performer = payload.get("side") == PERFORMER
    to = Recipient(
        user_id=user.id,
        chat_id=user.telegram_id,
        language=user.language,
        timezone=performer.timezone if side_performer else user.timezone,
        is_performer=side_performer,
    )
    previous = payload.get("previous_start")
    facts = CallFacts(
        booking=booking.public_id,
        performer_name=performer.display_name,
        member_name=member_name(member),
        start=booking.start_at,
        duration=booking.duration_minutes,
        amount=booking.amount,
        currency=booking.currency,
        join_url=(
            await extras.join_url_for(session, booking, user.id) if extras.join_url_for else None
        ),
        previous_start=datetime.fromisoformat(previous) if previous else None,
    )
    calendar = None
    if notice is Notice.CONFIRMED and extras.calendar_for is not None:
        calendar = await extras.calendar_for(session, booking, user.id)
    lead = payload.get("lead_minutes")
    refund = payload.get("refund_amount")
    return render(
        notice,
        facts,
        to,
        lead=timedelta(minutes=int(lead)) if lead is not None else None,
        refund_amount=int(refund) if refund is not None else None,
        early_join_minutes=extras.early_join_minutes,
        calendar=calendar,
        text=payload.get("text"),
        proposed_start=(
            datetime.fromisoformat(payload["new_start"]) if payload.get("new_start") else None
        ),
    )
