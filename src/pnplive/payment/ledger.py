"""Writing the ledger (F-PAY-4, F-PAY-6): one entry per money movement, written once.

Each payment or refund entry splits its amount into platform commission and performer share at
the booking's stored rate, so ``amount == commission + performer_amount`` on every entry. A
refund's commission is taken cumulatively (commission of everything refunded so far minus
commission of what had been refunded before), so refunding a payment in parts or at once returns
exactly the commission that was taken.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.booking.models import Booking
from pnplive.booking.pricing import split
from pnplive.payment.models import LedgerEntry, LedgerKind, Payment, PaymentStatus, Refund


async def _exists(session: AsyncSession, source: str) -> bool:
    return (
        await session.scalar(select(LedgerEntry.id).where(LedgerEntry.source == source))
    ) is not None


async def record_payment(
    session: AsyncSession, payment: Payment, booking: Booking, now: datetime, memo: str = ""
) -> LedgerEntry | None:
    source = f"payment:{payment.id}"
    if await _exists(session, source):
        return None
    amount = payment.paid_amount if payment.paid_amount is not None else payment.amount
    if payment.status == PaymentStatus.FLAGGED:
        return await _suspense(session, source, payment, booking, amount, now, memo)
    parts = split(amount, booking.commission_bps)
    entry = LedgerEntry(
        source=source,
        kind=LedgerKind.PAYMENT.value,
        booking_id=booking.id,
        performer_id=booking.performer_id,
        payment_id=payment.id,
        provider=payment.provider,
        provider_ref=payment.transaction_id,
        amount=amount,
        currency=payment.paid_currency or payment.currency,
        commission_bps=booking.commission_bps,
        commission=parts.commission,
        performer_amount=parts.performer,
        status=payment.status,
        memo=memo[:256],
        created_at=now,
    )
    session.add(entry)
    await session.flush()
    return entry


async def _suspense(
    session: AsyncSession,
    source: str,
    payment: Payment,
    booking: Booking,
    amount: int,
    now: datetime,
    memo: str,
    refund: Refund | None = None,
) -> LedgerEntry:
    """Money in (``amount`` > 0) or back out (< 0) of suspense: no commission, no earnings."""
    entry = LedgerEntry(
        source=source,
        kind=LedgerKind.SUSPENSE.value,
        booking_id=booking.id,
        performer_id=booking.performer_id,
        payment_id=payment.id,
        refund_id=refund.id if refund is not None else None,
        provider=payment.provider,
        provider_ref=payment.transaction_id,
        amount=amount,
        currency=payment.paid_currency or payment.currency,
        commission_bps=None,
        commission=0,
        performer_amount=0,
        status=payment.status,
        memo=memo[:256],
        created_at=now,
    )
    session.add(entry)
    await session.flush()
    return entry


async def refunded_in_ledger(session: AsyncSession, payment_id: int) -> int:
    total = await session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
            LedgerEntry.payment_id == payment_id, LedgerEntry.kind == LedgerKind.REFUND.value
        )
    )
    return int(total or 0)


async def record_refund(
    session: AsyncSession,
    refund: Refund,
    payment: Payment,
    booking: Booking,
    now: datetime,
    *,
    amount: int | None = None,
    source: str | None = None,
    memo: str = "",
) -> LedgerEntry | None:
    """A refund leaving (``amount`` > 0) or a failed refund coming back (``amount`` < 0)."""
    source = source or f"refund:{refund.id}"
    if await _exists(session, source):
        return None
    amount = refund.amount if amount is None else amount
    if payment.status == PaymentStatus.FLAGGED and not payment.applied:
        # Money that confirmed nothing goes back out of suspense, not out of earnings.
        return await _suspense(
            session, source, payment, booking, -amount, now, memo or refund.reason, refund
        )
    before = await refunded_in_ledger(session, payment.id)
    bps = booking.commission_bps
    commission = split(before + amount, bps).commission - split(before, bps).commission
    entry = LedgerEntry(
        source=source,
        kind=LedgerKind.REFUND.value,
        booking_id=booking.id,
        performer_id=booking.performer_id,
        payment_id=payment.id,
        refund_id=refund.id,
        provider=refund.provider,
        provider_ref=refund.provider_refund_id,
        amount=amount,
        currency=payment.paid_currency or payment.currency,
        commission_bps=bps,
        commission=commission,
        performer_amount=amount - commission,
        status=refund.status,
        memo=(memo or refund.reason)[:256],
        created_at=now,
    )
    session.add(entry)
    await session.flush()
    return entry


async def booking_net_paid(session: AsyncSession, booking_id: int) -> int:
    """Money received for a booking minus money returned, per the ledger."""
    total = await session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
            LedgerEntry.booking_id == booking_id, LedgerEntry.kind == LedgerKind.PAYMENT.value
        )
    )
    back = await session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
            LedgerEntry.booking_id == booking_id, LedgerEntry.kind == LedgerKind.REFUND.value
        )
    )
    return int(total or 0) - int(back or 0)
