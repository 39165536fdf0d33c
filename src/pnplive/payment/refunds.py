"""Refunds (F-PAY-5): owed in the transaction that decides them, executed by a job.

``request_refund`` writes a ``refunds`` row and a ``refund`` job (key = the refund's public id) in
the caller's transaction. ``execute_refund`` is what the worker runs for that job: it asks the
provider with an idempotency key derived from our refund id (so a retry never refunds twice),
then writes the ledger entry and, once nothing paid remains, moves the booking to ``refunded``.
Providers without a refund API leave the refund ``manual_required`` and alert the admins.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.booking import service as bookings
from pnplive.booking.access import Party
from pnplive.booking.models import Booking
from pnplive.booking.rules import BookingRules
from pnplive.booking.service import Cancellation
from pnplive.booking.states import Status, can_transition
from pnplive.kit.actor import Actor
from pnplive.kit.clock import Clock
from pnplive.kit.db import Database
from pnplive.kit.jobs import enqueue
from pnplive.payment import ledger
from pnplive.payment.errors import (
    ProviderError,
    RefundNotAllowed,
    RefundNotFound,
    RefundUnsupported,
)
from pnplive.payment.models import (
    LIVE_REFUND_STATUSES,
    Payment,
    PaymentStatus,
    Refund,
    RefundStatus,
)
from pnplive.payment.providers.base import RefundRequest
from pnplive.payment.providers.registry import Providers
from pnplive.user.models import User

REFUND_JOB = "refund"
ADMIN_ALERT_JOB = "admin_alert"


async def alert_admins(session: AsyncSession, key: str, now: datetime, **payload: Any) -> None:
    """An admin alert (F-NTF-3) through the jobs outbox, once per key."""
    await enqueue(session, ADMIN_ALERT_JOB, key[:128], due_at=now, now=now, payload=payload)


async def live_refunded(session: AsyncSession, payment_id: int) -> int:
    total = await session.scalar(
        select(func.coalesce(func.sum(Refund.amount), 0)).where(
            Refund.payment_id == payment_id,
            Refund.status.in_([s.value for s in LIVE_REFUND_STATUSES]),
        )
    )
    return int(total or 0)


async def lock_payment(session: AsyncSession, payment_id: int) -> Payment:
    payment = await session.scalar(
        select(Payment)
        .where(Payment.id == payment_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert payment is not None
    return payment


async def lock_booking(session: AsyncSession, booking_id: int) -> Booking:
    booking = await session.scalar(
        select(Booking)
        .where(Booking.id == booking_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert booking is not None
    return booking


async def request_refund(
    session: AsyncSession,
    payment: Payment,
    *,
    amount: int | None,
    reason: str,
    requested_by: str,
    actor_id: int | None,
    now: datetime,
) -> Refund:
    """Owe a refund of ``amount`` (default: all that is left) on ``payment``; job enqueued."""
    payment = await lock_payment(session, payment.id)
    if payment.status not in (PaymentStatus.PAID, PaymentStatus.FLAGGED):
        raise RefundNotAllowed("only a received payment can be refunded", payment=payment.public_id)
    paid = payment.paid_amount if payment.paid_amount is not None else payment.amount
    left = paid - await live_refunded(session, payment.id)
    amount = left if amount is None else amount
    if amount <= 0 or amount > left:
        raise RefundNotAllowed(
            "nothing left to refund" if left <= 0 else f"at most {left} can be refunded",
            refundable=left,
        )
    public_id = "re_" + secrets.token_hex(12)
    refund = Refund(
        public_id=public_id,
        idempotency_key=f"pnplive-refund-{public_id}",
        payment_id=payment.id,
        booking_id=payment.booking_id,
        provider=payment.provider,
        amount=amount,
        currency=payment.paid_currency or payment.currency,
        reason=reason[:256],
        status=RefundStatus.PENDING.value,
        requested_by=requested_by,
        actor_id=actor_id,
        attempts=0,
        created_at=now,
        updated_at=now,
    )
    session.add(refund)
    await session.flush()
    await enqueue(
        session, REFUND_JOB, public_id, due_at=now, now=now, payload={"refund": public_id}
    )
    return refund


async def refundable_payment(session: AsyncSession, booking: Booking) -> Payment | None:
    """The payment that paid ``booking``, else the latest received one with money left."""
    payments = (
        await session.scalars(
            select(Payment)
            .where(
                Payment.booking_id == booking.id,
                Payment.status.in_([PaymentStatus.PAID.value, PaymentStatus.FLAGGED.value]),
            )
            .order_by(Payment.applied.desc(), Payment.id.desc())
        )
    ).all()
    for p in payments:
        paid = p.paid_amount if p.paid_amount is not None else p.amount
        if paid - await live_refunded(session, p.id) > 0:
            return p
    return None


async def refund_booking(
    session: AsyncSession,
    booking: Booking,
    *,
    amount: int | None,
    reason: str,
    requested_by: str,
    actor_id: int | None,
    now: datetime,
) -> Refund:
    payment = await refundable_payment(session, booking)
    if payment is None:
        raise RefundNotAllowed("nothing was paid for this booking, or all of it is refunded")
    return await request_refund(
        session,
        payment,
        amount=amount,
        reason=reason,
        requested_by=requested_by,
        actor_id=actor_id,
        now=now,
    )


@dataclass(frozen=True, slots=True)
class CancelResult:
    cancellation: Cancellation
    refund: Refund | None


async def refund_cancellation(
    session: AsyncSession,
    cancellation: Cancellation,
    *,
    now: datetime,
) -> Refund | None:
    """Owe what ``booking.service.cancel`` said the policy refunds (nothing if nothing paid).

    For callers that cancel through the booking service themselves."""
    by = cancellation.by
    if not cancellation.was_paid or cancellation.refund.amount <= 0:
        return None
    payment = await refundable_payment(session, cancellation.booking)
    if payment is None:
        return None  # confirmed without money through us (or already refunded): nothing owed
    # The policy says how much of the price comes back in all; what was refunded before (a
    # manual partial refund, say) counts towards it and is never owed twice.
    paid = payment.paid_amount if payment.paid_amount is not None else payment.amount
    refunded = await live_refunded(session, payment.id)
    owed = min(cancellation.refund.amount - refunded, paid - refunded)
    if owed <= 0:
        return None
    return await refund_booking(
        session,
        cancellation.booking,
        amount=owed,
        reason=f"cancelled by {by}: {cancellation.refund.reason}",
        requested_by="system" if by is Party.MEMBER else by.value,
        actor_id=cancellation.actor_id,
        now=now,
    )


async def cancel_booking(
    session: AsyncSession,
    booking: Booking,
    *,
    by: Actor,
    now: datetime,
    rules: BookingRules,
    reason: str = "",
) -> CancelResult:
    """Cancel (F-BK-5) and owe the refund the policy gives (full for performer/admin).

    ``by`` must be allowed to cancel this booking (``booking/access.py``)."""
    cancellation = await bookings.cancel(
        session, booking, by=by, now=now, rules=rules, reason=reason
    )
    refund = await refund_cancellation(session, cancellation, now=now)
    return CancelResult(cancellation, refund)


async def refund_performer_no_show(
    session: AsyncSession, booking: Booking, now: datetime
) -> Refund:
    """Performer no-show (F-SAF-2): everything paid goes back (the worker calls this)."""
    if booking.status != Status.NO_SHOW_PERFORMER:
        raise RefundNotAllowed("the booking is not a performer no-show", status=booking.status)
    return await refund_booking(
        session,
        booking,
        amount=None,
        reason="performer did not show up",
        requested_by="system",
        actor_id=None,
        now=now,
    )


async def settle_booking(session: AsyncSession, booking: Booking, now: datetime) -> None:
    """Once nothing paid for a booking remains, it is ``refunded`` (where the machine allows)."""
    if await ledger.booking_net_paid(session, booking.id) > 0:
        return
    booking = await lock_booking(session, booking.id)
    status = Status(booking.status)
    if status is Status.CONFIRMED:
        await bookings.transition(
            session,
            booking,
            Status.CANCELLED,
            actor="system",
            now=now,
            reason="payment refunded at the provider",
        )
        status = Status.CANCELLED
    if can_transition(status, Status.REFUNDED):
        await bookings.transition(
            session, booking, Status.REFUNDED, actor="system", now=now, reason="refunded"
        )


async def complete_refund(
    session: AsyncSession,
    refund: Refund,
    *,
    provider_refund_id: str | None,
    status: RefundStatus,
    now: datetime,
) -> None:
    booking = await lock_booking(session, refund.booking_id)  # booking, then payment
    payment = await lock_payment(session, refund.payment_id)
    refund.status = status.value
    refund.provider_refund_id = provider_refund_id or refund.provider_refund_id
    refund.updated_at = now
    refund.completed_at = now
    refund.last_error = None
    await ledger.record_refund(session, refund, payment, booking, now)
    await settle_booking(session, booking, now)
    await enqueue(
        session,
        "refund_issued",
        refund.public_id,
        due_at=now,
        now=now,
        payload={"refund": refund.public_id, "booking": booking.public_id},
    )


@dataclass(frozen=True, slots=True)
class RefundRun:
    refund_id: str
    status: str
    error: str | None = None


async def execute_refund(
    db: Database, refund_id: str, *, providers: Providers, clock: Clock
) -> RefundRun:
    """Run one owed refund at its provider (the ``refund`` job). Safe to run again.

    A retryable provider failure is recorded and raised again, so the job is retried later with
    the same idempotency key; a final failure or a provider without refunds alerts the admins.
    """
    async with db.transaction() as s:
        refund = await s.scalar(
            select(Refund).where(Refund.public_id == refund_id).with_for_update()
        )
        if refund is None:
            raise RefundNotFound("no such refund", refund=refund_id)
        if refund.status != RefundStatus.PENDING:
            return RefundRun(refund_id, refund.status)
        payment = await s.get(Payment, refund.payment_id)
        booking = await s.get(Booking, refund.booking_id)
        assert payment is not None and booking is not None
        payer = payment.payer_ref
        if payer is None:
            user = await s.get(User, booking.user_id)
            payer = str(user.telegram_id) if user is not None else None
        request = RefundRequest(
            refund_id=refund.public_id,
            idempotency_key=refund.idempotency_key,
            payment_id=payment.public_id,
            checkout_id=payment.checkout_id,
            transaction_id=payment.transaction_id,
            amount=refund.amount,
            currency=refund.currency,
            paid_amount=payment.paid_amount if payment.paid_amount is not None else payment.amount,
            payer_ref=payer,
            reason=refund.reason,
        )
        refund.attempts += 1
        refund.updated_at = clock.now()
    provider = providers.get(refund.provider)
    try:
        result = await provider.refund(request)
    except RefundUnsupported as exc:
        return await _refund_stuck(db, refund_id, RefundStatus.MANUAL_REQUIRED, exc.message, clock)
    except ProviderError as exc:
        if not exc.retryable:
            return await _refund_stuck(db, refund_id, RefundStatus.FAILED, exc.message, clock)
        async with db.transaction() as s:
            r = await s.scalar(select(Refund).where(Refund.public_id == refund_id))
            if r is not None:
                r.last_error = exc.message[:2000]
                r.updated_at = clock.now()
        raise
    async with db.transaction() as s:
        r = await s.scalar(
            select(Refund)
            .where(Refund.public_id == refund_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        assert r is not None
        if r.status != RefundStatus.PENDING:
            return RefundRun(refund_id, r.status)
        status = RefundStatus.SUCCEEDED if result.status == "succeeded" else RefundStatus.SUBMITTED
        await complete_refund(
            s, r, provider_refund_id=result.provider_refund_id, status=status, now=clock.now()
        )
        return RefundRun(refund_id, r.status)


async def give_up_refund(db: Database, refund_id: str, error: str, clock: Clock) -> RefundRun:
    """The refund job ran out of retries: the refund is ``failed``, admins are alerted, and an
    admin can ask for it again (``retry_refund``) with the same idempotency key."""
    return await _refund_stuck(
        db, refund_id, RefundStatus.FAILED, f"gave up after retries: {error}", clock
    )


async def retry_refund(
    session: AsyncSession, refund_id: str, *, admin_id: int | None, now: datetime
) -> Refund:
    """Ask a failed refund of the provider again. The idempotency key stays the same, so the
    provider never pays it twice."""
    refund = await session.scalar(
        select(Refund).where(Refund.public_id == refund_id).with_for_update()
    )
    if refund is None:
        raise RefundNotFound("no such refund", refund=refund_id)
    if refund.status != RefundStatus.FAILED:
        raise RefundNotAllowed(f"only a failed refund is retried; this one is {refund.status}")
    refund.status = RefundStatus.PENDING.value
    refund.actor_id = admin_id if admin_id is not None else refund.actor_id
    refund.updated_at = now
    await session.flush()
    # A new job row (the earlier ones are kept as the record of their attempts), keyed by the
    # attempts made so far: two retries can never share a key and silently enqueue nothing.
    key = f"{refund.public_id}:retry:{refund.attempts}"
    await enqueue(session, REFUND_JOB, key, due_at=now, now=now, payload={"refund": refund_id})
    return refund


async def _refund_stuck(
    db: Database, refund_id: str, status: RefundStatus, message: str, clock: Clock
) -> RefundRun:
    now = clock.now()
    async with db.transaction() as s:
        r = await s.scalar(
            select(Refund)
            .where(Refund.public_id == refund_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        assert r is not None
        if r.status != RefundStatus.PENDING:
            return RefundRun(refund_id, r.status)
        r.status = status.value
        r.last_error = message[:2000]
        r.updated_at = now
        await alert_admins(
            s,
            f"refund:{refund_id}:{status.value}",
            now,
            kind="refund_" + status.value,
            refund=refund_id,
            provider=r.provider,
            amount=r.amount,
            currency=r.currency,
            error=message[:500],
        )
        return RefundRun(refund_id, r.status, message)


async def mark_refund_done(
    session: AsyncSession, refund_id: str, *, admin_id: int | None, reference: str, now: datetime
) -> Refund:
    """An admin refunded by hand (provider without a refund API): record it as done."""
    refund = await session.scalar(
        select(Refund).where(Refund.public_id == refund_id).with_for_update()
    )
    if refund is None:
        raise RefundNotFound("no such refund", refund=refund_id)
    if refund.status not in (RefundStatus.MANUAL_REQUIRED, RefundStatus.FAILED):
        raise RefundNotAllowed(f"a {refund.status} refund cannot be marked done by hand")
    refund.actor_id = admin_id
    await complete_refund(
        session,
        refund,
        provider_refund_id=reference or f"manual:{refund.public_id}",
        status=RefundStatus.SUCCEEDED,
        now=now,
    )
    return refund


async def booking_and_payment(session: AsyncSession, refund: Refund) -> tuple[Booking, Payment]:
    booking = await session.get(Booking, refund.booking_id)
    payment = await session.get(Payment, refund.payment_id)
    assert booking is not None and payment is not None  # foreign keys guarantee them
    return booking, payment
