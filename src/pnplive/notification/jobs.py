"""The notification jobs the worker runs, by kind.

- ``notify``: send one notice to one person (``delivery.deliver``).
- ``booking_confirmed`` (written by the payment side when a payment confirms a booking): the
  confirmation to both sides and their reminders.
- ``refund_issued``: the member's refund notice.
- ``admin_alert``: one ``notify`` job per admin.
- ``booking_cancelled``, ``booking_expired``, ``booking_rescheduled``, ``booking_completed``
  (announced by the booking domain in the transaction of the change): notices to the sides;
  reminders removed or moved.
- ``performer_online`` (written when a performer goes online): start the broadcast to followers.
- ``broadcast``: send a broadcast's pending deliveries, paced (F-NTF-5).

The planning kinds only write ``notify`` jobs, so a retry never sends anything twice.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from pnplive.booking import events, proposals
from pnplive.booking.models import Booking, Proposal
from pnplive.booking.proposals import ProposalState
from pnplive.kit.clock import Clock
from pnplive.kit.db import Database
from pnplive.notification import broadcast, planner
from pnplive.notification.delivery import Extras, deliver
from pnplive.notification.notifier import Notifier
from pnplive.notification.pacing import Pacer
from pnplive.notification.settings import NotificationSettings
from pnplive.payment.models import LIVE_REFUND_STATUSES, Refund
from pnplive.performer import presence

Handler = Callable[[dict[str, Any]], Awaitable[object]]

BOOKING_CONFIRMED = "booking_confirmed"
REFUND_ISSUED = "refund_issued"
ADMIN_ALERT = "admin_alert"
PERFORMER_ONLINE = presence.ONLINE_JOB


def handlers(
    db: Database,
    clock: Clock,
    notifier: Notifier,
    settings: NotificationSettings | None = None,
    extras: Extras | None = None,
) -> dict[str, Handler]:
    cfg = settings or NotificationSettings()
    pacer = Pacer(cfg.broadcast_per_second, cfg.broadcast_per_chat_seconds)

    async def notify(payload: dict[str, Any]) -> object:
        return await deliver(db, notifier, payload, clock, extras)

    async def confirmed(payload: dict[str, Any]) -> object:
        async with db.transaction() as session:
            booking = await _booking(session, str(payload["booking"]))
            if booking is None:
                return "skipped: no such booking"
            await planner.plan_confirmed(session, booking, clock.now(), cfg.reminder_minutes)
        return "planned"

    async def refunded(payload: dict[str, Any]) -> object:
        async with db.transaction() as session:
            refund = await session.scalar(
                select(Refund).where(Refund.public_id == str(payload["refund"]))
            )
            booking = await _booking(session, str(payload["booking"]))
            if refund is None or booking is None:
                return "skipped: no such refund"
            await planner.plan_refunded(
                session, booking, refund.public_id, refund.amount, clock.now()
            )
        return "planned"

    async def alert(payload: dict[str, Any]) -> object:
        # The same alert always fans out under the same keys, so a retry adds nothing.
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:24]
        async with db.transaction() as session:
            count = await planner.fan_out_alert(session, digest, payload, clock.now())
        return f"{count} admins"

    async def cancelled(payload: dict[str, Any]) -> object:
        async with db.transaction() as session:
            booking = await _booking(session, str(payload["booking"]))
            if booking is None:
                return "skipped: no such booking"
            refund = await _refunded_amount(session, booking) if booking.paid_at else None
            await planner.plan_cancelled(session, booking, clock.now(), refund)
        return "planned"

    async def expired(payload: dict[str, Any]) -> object:
        async with db.transaction() as session:
            booking = await _booking(session, str(payload["booking"]))
            if booking is None:
                return "skipped: no such booking"
            await planner.plan_expired(session, booking, clock.now())
        return "planned"

    async def completed(payload: dict[str, Any]) -> object:
        async with db.transaction() as session:
            booking = await _booking(session, str(payload["booking"]))
            if booking is None:
                return "skipped: no such booking"
            await planner.plan_completed(session, booking, clock.now())
        return "planned"

    async def rescheduled(payload: dict[str, Any]) -> object:
        async with db.transaction() as session:
            booking = await _booking(session, str(payload["booking"]))
            if booking is None:
                return "skipped: no such booking"
            previous = datetime.fromisoformat(str(payload["previous_start"]))
            await planner.plan_rescheduled(
                session, booking, previous, clock.now(), cfg.reminder_minutes
            )
        return "planned"

    async def proposal_news(payload: dict[str, Any]) -> object:
        async with db.transaction() as session:
            booking = await _booking(session, str(payload["booking"]))
            proposal = await session.scalar(
                select(Proposal).where(Proposal.public_id == str(payload["proposal"]))
            )
            if booking is None or proposal is None:
                return "skipped: no such proposal"
            if proposal.status == ProposalState.DECLINED.value:
                await planner.plan_proposal_declined(
                    session, booking, proposal.public_id, proposal.new_start, clock.now()
                )
            elif proposal.status == ProposalState.OPEN.value:
                await planner.plan_proposal(
                    session, booking, proposal.public_id, proposal.new_start, clock.now()
                )
            else:
                return f"skipped: proposal {proposal.status}"
        return "planned"

    async def online(payload: dict[str, Any]) -> object:
        async with db.transaction() as session:
            b = await broadcast.start_online(session, int(payload["performer"]), clock.now())
        return f"broadcast {b.id} to {b.total}"

    async def send_broadcast(payload: dict[str, Any]) -> object:
        return await broadcast.run_broadcast(
            db,
            notifier,
            pacer,
            clock,
            int(payload["broadcast"]),
            int(payload.get("part", 0)),
            budget_seconds=cfg.broadcast_run_seconds,
        )

    return {
        planner.NOTIFY_JOB: notify,
        PERFORMER_ONLINE: online,
        broadcast.BROADCAST_JOB: send_broadcast,
        BOOKING_CONFIRMED: confirmed,
        REFUND_ISSUED: refunded,
        ADMIN_ALERT: alert,
        events.CANCELLED_JOB: cancelled,
        events.EXPIRED_JOB: expired,
        events.RESCHEDULED_JOB: rescheduled,
        events.COMPLETED_JOB: completed,
        proposals.PROPOSED_EVENT: proposal_news,
        proposals.DECLINED_EVENT: proposal_news,
    }


async def _refunded_amount(session: Any, booking: Booking) -> int:
    """What the member gets back for ``booking`` (refunds owed, sent or made)."""
    total = await session.scalar(
        select(func.coalesce(func.sum(Refund.amount), 0)).where(
            Refund.booking_id == booking.id,
            Refund.status.in_([s.value for s in LIVE_REFUND_STATUSES]),
        )
    )
    return int(total or 0)


async def _booking(session: Any, public_id: str) -> Booking | None:
    booking: Booking | None = await session.scalar(
        select(Booking).where(Booking.public_id == public_id)
    )
    return booking
