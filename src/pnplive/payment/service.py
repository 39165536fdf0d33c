"""Payments: open a checkout for a booking, and apply provider events (F-PAY-2, F-PAY-3).

``handle_event`` runs inside the caller's transaction: inbox insert (conflict → duplicate, nothing
else happens) → payment update → booking ``apply_payment`` → ledger entries → jobs (confirmation
notice, refund, admin alert). Events may come in any order: a refund report before the completion
implies the payment; a second completion, or an expiry after completion, changes nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.booking import service as bookings
from pnplive.booking.errors import BookingNotFound
from pnplive.booking.models import Booking
from pnplive.booking.service import PaymentOutcome
from pnplive.booking.states import Status
from pnplive.kit.clock import Clock
from pnplive.kit.db import Database
from pnplive.kit.jobs import enqueue
from pnplive.kit.locks import lock_performer
from pnplive.payment import ledger
from pnplive.payment.errors import (
    EventNotReady,
    MalformedWebhook,
    NotPayable,
    PaymentNotFound,
    ProviderError,
)
from pnplive.payment.models import (
    LIVE_REFUND_STATUSES,
    OPEN_STATUSES,
    Payment,
    PaymentStatus,
    Refund,
    RefundStatus,
    WebhookEvent,
)
from pnplive.payment.providers.base import (
    Checkout,
    CheckoutRequest,
    EventKind,
    PaymentProvider,
    ProviderEvent,
    event_problem,
)
from pnplive.payment.providers.registry import Providers
from pnplive.payment.refunds import (
    alert_admins,
    complete_refund,
    live_refunded,
    lock_booking,
    lock_payment,
    request_refund,
)

EXPIRE_CHECKOUT_JOB = "expire_checkout"
CONFIRMED_JOB = "booking_confirmed"

# Stablecoins settle 1:1 with the currency they track.
EQUIVALENT = {"USDC": "USD"}


def same_currency(a: str, b: str) -> bool:
    a, b = a.upper(), b.upper()
    return EQUIVALENT.get(a, a) == EQUIVALENT.get(b, b)


def new_payment_id() -> str:
    return "pay_" + secrets.token_hex(12)


# --- checkout ------------------------------------------------------------------------------


def _payable(booking: Booking, now: datetime) -> None:
    status = Status(booking.status)
    if status in (Status.HELD, Status.PENDING_PAYMENT) and (
        booking.expires_at is not None and booking.expires_at <= now
    ):
        raise NotPayable("the time to pay for this booking is up", status="expired")
    if status is not Status.PENDING_PAYMENT:
        raise NotPayable(f"a {status.value} booking cannot be paid", status=status.value)


@dataclass(frozen=True, slots=True)
class PreparedCheckout:
    payment: Payment
    request: CheckoutRequest | None  # None: an open checkout is reused as it is
    provider: PaymentProvider | None


async def _payable_booking(
    session: AsyncSession, booking_id: str, now: datetime, user_id: int | None, *, lock: bool
) -> Booking:
    """The booking if it can be paid now, by ``user_id`` when given (another member's booking
    is not there for them)."""
    booking = await bookings.get_booking(session, booking_id, lock=lock)
    if user_id is not None and booking.user_id != user_id:
        raise BookingNotFound("no such booking", booking=booking_id)
    _payable(booking, now)
    return booking


async def payment_options(
    session: AsyncSession, booking_id: str, *, providers: Providers, now: datetime, user_id: int
) -> tuple[str, list[str]]:
    """The booking's currency and the providers that can take it now; refused as a checkout
    would be."""
    booking = await _payable_booking(session, booking_id, now, user_id, lock=False)
    return booking.currency, providers.offered(booking.currency)


async def prepare_checkout(
    session: AsyncSession,
    booking_id: str,
    *,
    providers: Providers,
    now: datetime,
    public_base_url: str,
    provider: str | None = None,
    user_id: int | None = None,
) -> PreparedCheckout:
    """Check the booking can be paid and write the payment attempt (status ``creating``)."""
    booking = await _payable_booking(session, booking_id, now, user_id, lock=True)
    chosen = providers.choose(booking.currency, provider)
    reuse = await session.scalar(
        select(Payment)
        .where(
            Payment.booking_id == booking.id,
            Payment.provider == chosen.name,
            Payment.status == PaymentStatus.OPEN.value,
            Payment.amount == booking.amount,
        )
        .order_by(Payment.id.desc())
    )
    if reuse is not None and (reuse.expires_at is None or reuse.expires_at > now):
        return PreparedCheckout(reuse, None, None)
    payment = Payment(
        public_id=new_payment_id(),
        booking_id=booking.id,
        provider=chosen.name,
        status=PaymentStatus.CREATING.value,
        amount=booking.amount,
        currency=booking.currency,
        applied=False,
        expires_at=booking.expires_at,
        created_at=now,
        updated_at=now,
    )
    session.add(payment)
    await session.flush()
    base = public_base_url.rstrip("/")
    request = CheckoutRequest(
        payment_id=payment.public_id,
        booking_id=booking.public_id,
        amount=booking.amount,
        currency=booking.currency,
        description=f"Private call, {booking.duration_minutes} min",
        expires_at=booking.expires_at or now + timedelta(minutes=10),
        success_url=f"{base}/checkout/return/{payment.public_id}",
        cancel_url=f"{base}/checkout/return/{payment.public_id}",
        now=now,
    )
    return PreparedCheckout(payment, request, chosen)


async def finish_checkout(
    session: AsyncSession, payment_id: int, checkout: Checkout, now: datetime
) -> Payment:
    p = await session.get(Payment, payment_id)
    assert p is not None
    if p.status == PaymentStatus.CREATING:
        p.status = PaymentStatus.OPEN.value
    p.checkout_id = checkout.checkout_id
    p.checkout_url = checkout.url
    p.invoice = checkout.invoice
    p.expires_at = checkout.expires_at or p.expires_at
    p.updated_at = now
    await session.flush()
    return p


async def start_checkout(
    db: Database,
    booking_id: str,
    *,
    providers: Providers,
    clock: Clock,
    public_base_url: str,
    provider: str | None = None,
    user_id: int | None = None,
) -> Payment:
    """Open (or reuse) a checkout for a ``pending_payment`` booking with a provider offered
    for its currency. The provider is called between two transactions, holding none; a failed
    call leaves the attempt ``failed`` and the booking as it was."""
    async with db.transaction() as s:
        prepared = await prepare_checkout(
            s,
            booking_id,
            providers=providers,
            now=clock.now(),
            public_base_url=public_base_url,
            provider=provider,
            user_id=user_id,
        )
    if prepared.request is None or prepared.provider is None:
        return prepared.payment
    try:
        checkout = await prepared.provider.create_checkout(prepared.request)
    except ProviderError as exc:
        async with db.transaction() as s:
            p = await s.get(Payment, prepared.payment.id)
            assert p is not None
            p.status = PaymentStatus.FAILED.value
            p.last_error = exc.message[:2000]
            p.updated_at = clock.now()
        raise
    async with db.transaction() as s:
        return await finish_checkout(s, prepared.payment.id, checkout, clock.now())


async def get_payment(session: AsyncSession, public_id: str) -> Payment:
    payment = await session.scalar(select(Payment).where(Payment.public_id == public_id))
    if payment is None:
        raise PaymentNotFound("no such payment", payment=public_id)
    return payment


async def pre_checkout(
    session: AsyncSession, payment_id: str, *, currency: str, total_amount: int, now: datetime
) -> tuple[bool, str | None]:
    """Telegram's pre-checkout question: may this invoice still be paid? (answer within 10 s)"""
    payment = await session.scalar(select(Payment).where(Payment.public_id == payment_id))
    if payment is None:
        return False, "This invoice is unknown."
    if currency.upper() != payment.currency or total_amount != payment.amount:
        return False, "The invoice does not match the booking."
    if payment.status not in OPEN_STATUSES:
        return False, "This invoice can no longer be paid."
    booking = await session.get(Booking, payment.booking_id)
    assert booking is not None
    try:
        _payable(booking, now)
    except NotPayable:
        return False, "This booking can no longer be paid. Please choose a time again."
    return True, None


# --- expiry (F-BK-3) -----------------------------------------------------------------------


async def expire_unpaid(session: AsyncSession, now: datetime) -> list[str]:
    """Lapse unpaid bookings whose time is up, freeing their slots; the booking service writes
    the job that closes their checkouts (as for every way out of ``pending_payment``)."""
    return await bookings.expire_due(session, now)


class CheckoutBeingCreated(Exception):
    """A checkout of the booking is still being created at its provider: try again later."""


async def close_booking_checkouts(
    db: Database, booking_id: str, *, providers: Providers, clock: Clock
) -> int:
    """Expire every open checkout of a booking that can no longer be paid (the
    ``close_booking_checkouts`` job, written by the booking service). Returns how many closed.

    An attempt still ``creating`` (its provider is being called) raises after the others are
    done, so the job is retried once that attempt is settled.
    """
    async with db.transaction() as s:
        rows = (
            await s.execute(
                select(Payment.public_id, Payment.status)
                .join(Booking, Booking.id == Payment.booking_id)
                .where(
                    Booking.public_id == booking_id,
                    Payment.status.in_([x.value for x in OPEN_STATUSES]),
                )
                .order_by(Payment.id)
            )
        ).all()
    closed = 0
    for payment_id, status in rows:
        if status != PaymentStatus.CREATING and await execute_checkout_expiry(
            db, payment_id, providers=providers, clock=clock
        ):
            closed += 1
    creating = [pid for pid, status in rows if status == PaymentStatus.CREATING]
    if creating:
        raise CheckoutBeingCreated(f"checkouts still being created: {', '.join(creating)}")
    return closed


async def execute_checkout_expiry(
    db: Database, payment_id: str, *, providers: Providers, clock: Clock
) -> bool:
    """Expire an open checkout at its provider (the ``expire_checkout`` job).

    True when the attempt is now ``expired``. A provider that says the checkout already
    completed leaves the payment alone: its events decide (late payment rule).
    """
    async with db.transaction() as s:
        payment = await get_payment(s, payment_id)
        if payment.status not in OPEN_STATUSES or payment.checkout_id is None:
            return False
        provider, checkout_id = payment.provider, payment.checkout_id
    try:
        await providers.get(provider).expire_checkout(checkout_id, payment_id)
    except ProviderError as exc:
        if exc.retryable:
            raise
        return False
    # Expired at the provider, or the provider cannot expire it (then the pre-checkout and our
    # own page refuse it from now on, and a payment that still gets through is a late payment).
    async with db.transaction() as s:
        payment = await lock_payment(s, (await get_payment(s, payment_id)).id)
        if payment.status in OPEN_STATUSES:
            payment.status = PaymentStatus.EXPIRED.value
            payment.updated_at = clock.now()
            return True
    return False


# --- events --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EventResult:
    outcome: str
    duplicate: bool = False
    payment_id: str | None = None
    booking_id: str | None = None
    refund_id: str | None = None


async def _inbox_insert(session: AsyncSession, event: ProviderEvent, now: datetime) -> int | None:
    values: dict[str, Any] = {
        "provider": event.provider,
        "event_id": event.event_id[:255],
        "type": event.type[:64],
        "kind": event.kind.value,
        "outcome": "",
        "payload": event.data,
        "received_at": now,
    }
    dialect = session.get_bind().dialect.name
    stmt: Any
    if dialect == "postgresql":
        stmt = (
            pg_insert(WebhookEvent)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["provider", "event_id"])
        )
    elif dialect == "sqlite":
        stmt = (
            sqlite_insert(WebhookEvent)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["provider", "event_id"])
        )
    else:  # pragma: no cover
        stmt = insert(WebhookEvent).values(**values)
    result = await session.execute(stmt.returning(WebhookEvent.id))
    return result.scalar_one_or_none()


async def _find_payment(session: AsyncSession, event: ProviderEvent) -> Payment | None:
    q = select(Payment).where(Payment.provider == event.provider)
    if event.payment_ref:
        q = q.where(Payment.public_id == event.payment_ref)
    elif event.checkout_id:
        q = q.where(Payment.checkout_id == event.checkout_id)
    elif event.transaction_id:
        q = q.where(Payment.transaction_id == event.transaction_id)
    else:
        return None
    # Found unlocked: the locks are taken in the one order every writer uses (``_apply``).
    found: Payment | None = await session.scalar(q.order_by(Payment.id.desc()))
    return found


async def handle_event(
    session: AsyncSession, event: ProviderEvent, *, now: datetime
) -> EventResult:
    """Apply one verified provider event, exactly once (inbox), inside the caller's transaction."""
    inbox_id = await _inbox_insert(session, event, now)
    if inbox_id is None:
        return EventResult("duplicate", duplicate=True)
    result = await _apply(session, event, now)
    # The inbox row's outcome and payment, in one statement (no read of the row first).
    values: dict[str, Any] = {"outcome": result.outcome[:64]}
    if result.payment_id:
        values["payment_id"] = (
            select(Payment.id).where(Payment.public_id == result.payment_id).scalar_subquery()
        )
    await session.execute(
        update(WebhookEvent)
        .where(WebhookEvent.id == inbox_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result


async def _apply(session: AsyncSession, event: ProviderEvent, now: datetime) -> EventResult:
    if event.kind is EventKind.IGNORED:
        return EventResult("ignored")
    if event.kind is EventKind.REFUND_FAILED:
        return await _refund_failed(session, event, now)
    payment = await _find_payment(session, event)
    if payment is None and event.kind is EventKind.REFUNDED and not event.payment_ref:
        # Known only by the provider's transaction id, which the completion (not here yet)
        # brings: refuse for now, so the provider retries once we can place it.
        raise EventNotReady(
            "this refund refers to a payment whose completion has not arrived yet; retry later",
            transaction=event.transaction_id,
        )
    if payment is None:
        if event.kind in (EventKind.PAID, EventKind.REFUNDED):
            await alert_admins(
                session,
                f"unknown-payment:{event.provider}:{event.event_id}",
                now,
                kind="payment_for_unknown_checkout",
                provider=event.provider,
                event=event.event_id,
                amount=event.amount,
                currency=event.currency,
            )
        return EventResult("unknown_payment")
    # One lock order for every writer: performer (for the events that may take or give back a
    # booking's time), then the booking row, then the payment row (docs/decisions.md).
    booking_row = await session.get(Booking, payment.booking_id)
    assert booking_row is not None
    if event.kind in (EventKind.PAID, EventKind.REFUNDED):
        await lock_performer(session, booking_row.performer_id)
    booking = await lock_booking(session, booking_row.id)
    payment = await lock_payment(session, payment.id)
    ids: dict[str, Any] = {"payment_id": payment.public_id, "booking_id": booking.public_id}
    if event.kind is EventKind.PAID:
        return await _paid(session, payment, booking, event, now)
    if event.kind is EventKind.PENDING:
        if payment.status in (PaymentStatus.CREATING, PaymentStatus.OPEN):
            payment.status = PaymentStatus.PENDING.value
            payment.transaction_id = event.transaction_id or payment.transaction_id
            payment.updated_at = now
            return EventResult("pending", **ids)
        return EventResult("ignored", **ids)
    if event.kind in (EventKind.FAILED, EventKind.EXPIRED):
        if payment.status in OPEN_STATUSES:
            payment.status = (
                PaymentStatus.FAILED if event.kind is EventKind.FAILED else PaymentStatus.EXPIRED
            ).value
            payment.updated_at = now
            return EventResult(payment.status, **ids)
        return EventResult("ignored", **ids)  # e.g. an expiry after the completion
    if event.kind is EventKind.REFUNDED:
        return await _refunded(session, payment, booking, event, now)
    return EventResult("ignored", **ids)  # pragma: no cover


async def _paid(
    session: AsyncSession,
    payment: Payment,
    booking: Booking,
    event: ProviderEvent,
    now: datetime,
) -> EventResult:
    ids: dict[str, Any] = {"payment_id": payment.public_id, "booking_id": booking.public_id}
    if payment.status in (PaymentStatus.PAID, PaymentStatus.FLAGGED):
        return EventResult("already_paid", **ids)  # the same payment reported twice
    payment.transaction_id = event.transaction_id or payment.transaction_id
    payment.payer_ref = event.payer_ref or payment.payer_ref
    payment.paid_amount = event.amount
    currency = (event.currency or "").upper()
    payment.paid_currency = (
        payment.currency if currency and same_currency(currency, payment.currency) else currency
    ) or None
    payment.paid_at = now
    payment.updated_at = now
    problem = None
    if event.amount is None or not currency:
        problem = "the provider did not say how much was paid"
    elif not same_currency(currency, payment.currency):
        problem = f"paid in {currency}, expected {payment.currency}"
    elif event.amount != payment.amount:
        problem = f"paid {event.amount}, expected {payment.amount} {payment.currency}"
    if problem is not None:
        payment.status = PaymentStatus.FLAGGED.value
        payment.flag_reason = problem
        if payment.paid_amount is None:
            payment.paid_amount = 0
        if payment.paid_currency is None:
            payment.paid_currency = payment.currency
        await ledger.record_payment(session, payment, booking, now, memo=problem)
        await alert_admins(
            session,
            f"payment-flagged:{payment.public_id}",
            now,
            kind="payment_mismatch",
            payment=payment.public_id,
            booking=booking.public_id,
            reason=problem,
        )
        return EventResult("flagged", **ids)
    payment.status = PaymentStatus.PAID.value
    await ledger.record_payment(session, payment, booking, now)
    # The caller (``_apply``) holds the performer's lock and the booking's row, taken in the
    # order a hold takes them, so a late payment re-taking its cells never deadlocks with a
    # hold on the same performer (PostgreSQL).
    outcome = await bookings.apply_payment(
        session, booking, now=now, reason=f"paid via {payment.provider}"
    )
    if outcome is PaymentOutcome.ALREADY_CONFIRMED:
        other = await session.scalar(
            select(Payment.id).where(
                Payment.booking_id == booking.id,
                Payment.applied.is_(True),
                Payment.id != payment.id,
            )
        )
        if other is None:
            payment.applied = True
            return EventResult("already_confirmed", **ids)
        refund = await request_refund(
            session,
            payment,
            amount=None,
            reason="paid twice: this booking was already paid",
            requested_by="system",
            actor_id=None,
            now=now,
        )
        return EventResult("refund_needed", refund_id=refund.public_id, **ids)
    if outcome is PaymentOutcome.REFUND_NEEDED:
        refund = await request_refund(
            session,
            payment,
            amount=None,
            reason=f"paid after the booking became {booking.status}; the time is no longer free"
            if booking.status == Status.EXPIRED
            else f"paid for a {booking.status} booking",
            requested_by="system",
            actor_id=None,
            now=now,
        )
        return EventResult("refund_needed", refund_id=refund.public_id, **ids)
    payment.applied = True
    await enqueue(
        session,
        CONFIRMED_JOB,
        booking.public_id,
        due_at=now,
        now=now,
        payload={"booking": booking.public_id, "payment": payment.public_id},
    )
    return EventResult("confirmed", **ids)


async def _refunded(
    session: AsyncSession,
    payment: Payment,
    booking: Booking,
    event: ProviderEvent,
    now: datetime,
) -> EventResult:
    """The provider reports ``refunded_amount`` returned so far on this payment."""
    ids: dict[str, Any] = {"payment_id": payment.public_id, "booking_id": booking.public_id}
    if payment.status not in (PaymentStatus.PAID, PaymentStatus.FLAGGED):
        # A refund can only follow a payment: the completion event is late or lost.
        await _paid(session, payment, booking, event, now)
        payment = await lock_payment(session, payment.id)
    reported = event.refunded_amount if event.refunded_amount is not None else event.amount
    if reported is None:
        return EventResult("ignored", **ids)
    ours = (
        await session.scalars(
            select(Refund)
            .where(
                Refund.payment_id == payment.id,
                Refund.status.in_([s.value for s in LIVE_REFUND_STATUSES]),
            )
            .order_by(Refund.id)
        )
    ).all()
    covered = 0
    for r in ours:
        if covered + r.amount > reported:
            break
        covered += r.amount
        if r.status in (RefundStatus.SUBMITTED, RefundStatus.MANUAL_REQUIRED):
            await complete_refund(
                session,
                r,
                provider_refund_id=event.provider_refund_id,
                status=RefundStatus.SUCCEEDED,
                now=now,
            )
    delta = reported - await live_refunded(session, payment.id)
    if delta <= 0:
        return EventResult("refund_recorded", **ids)
    paid = payment.paid_amount if payment.paid_amount is not None else payment.amount
    delta = min(delta, paid - await live_refunded(session, payment.id))
    if delta <= 0:
        return EventResult("refund_recorded", **ids)
    public_id = "re_" + secrets.token_hex(12)
    refund = Refund(
        public_id=public_id,
        idempotency_key=f"pnplive-refund-{public_id}",
        payment_id=payment.id,
        booking_id=booking.id,
        provider=payment.provider,
        amount=delta,
        currency=payment.paid_currency or payment.currency,
        reason=f"refunded at {payment.provider}",
        status=RefundStatus.PENDING.value,
        requested_by="provider",
        attempts=0,
        created_at=now,
        updated_at=now,
    )
    session.add(refund)
    await session.flush()
    await complete_refund(
        session,
        refund,
        provider_refund_id=event.provider_refund_id or event.event_id,
        status=RefundStatus.SUCCEEDED,
        now=now,
    )
    return EventResult("refunded_at_provider", refund_id=public_id, **ids)


async def _refund_failed(session: AsyncSession, event: ProviderEvent, now: datetime) -> EventResult:
    q = select(Refund).where(Refund.provider == event.provider)
    if event.refund_ref:
        q = q.where(Refund.public_id == event.refund_ref)
    elif event.provider_refund_id:
        q = q.where(Refund.provider_refund_id == event.provider_refund_id)
    else:
        return EventResult("unknown_refund")
    refund = await session.scalar(q.with_for_update())
    if refund is None:
        return EventResult("unknown_refund")
    if refund.status not in (RefundStatus.SUBMITTED, RefundStatus.SUCCEEDED):
        return EventResult("ignored", refund_id=refund.public_id)
    booking = await lock_booking(session, refund.booking_id)
    payment = await lock_payment(session, refund.payment_id)
    refund.status = RefundStatus.FAILED.value
    refund.last_error = f"the provider reported the refund failed ({event.event_id})"
    refund.updated_at = now
    await ledger.record_refund(
        session,
        refund,
        payment,
        booking,
        now,
        amount=-refund.amount,
        source=f"refund-failed:{refund.id}",
        memo="refund failed at the provider: money not returned",
    )
    await alert_admins(
        session,
        f"refund-failed:{refund.public_id}",
        now,
        kind="refund_failed",
        refund=refund.public_id,
        booking=booking.public_id,
    )
    return EventResult(
        "refund_failed",
        payment_id=payment.public_id,
        booking_id=booking.public_id,
        refund_id=refund.public_id,
    )


# --- the webhook entry point ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WebhookResult:
    results: list[EventResult]
    events: list[ProviderEvent]

    @property
    def duplicate(self) -> bool:
        return all(r.duplicate for r in self.results)


# What a provider's parser raises on a body that is not what the provider sends (missing keys,
# wrong JSON types, infinite or non-numeric amounts, undecodable text): the webhook is refused.
PARSE_ERRORS = (
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    ValueError,
    ArithmeticError,
    UnicodeError,
    RecursionError,
)


def parse_checked(
    provider: PaymentProvider, body: bytes, headers: dict[str, str], now: datetime
) -> list[ProviderEvent]:
    """The provider's events for a webhook, or ``MalformedWebhook`` (400, nothing written)."""
    try:
        events = provider.parse_webhook(body, headers, now)
    except PARSE_ERRORS as exc:
        raise MalformedWebhook("this webhook's body is not what the provider sends") from exc
    for event in events:
        problem = event_problem(event)
        if problem is not None:
            raise MalformedWebhook(f"this webhook's body is not what the provider sends: {problem}")
    return events


async def process_webhook(
    db: Database,
    provider_name: str,
    body: bytes,
    headers: dict[str, str],
    *,
    providers: Providers,
    clock: Clock,
) -> WebhookResult:
    """Verify on the raw body (nothing is written if that fails), then apply every event in one
    transaction with the booking changes and the jobs they cause."""
    provider = providers.get(provider_name)
    now = clock.now()
    events = parse_checked(provider, body, headers, now)

    async def apply_all(s: AsyncSession) -> list[EventResult]:
        return [await handle_event(s, e, now=now) for e in events]

    # A deadlock victim is applied again from the start; the inbox keeps it exactly once.
    results = await db.run(apply_all)
    return WebhookResult(results, events)
