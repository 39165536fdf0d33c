"""Money for admins to look at (F-ADM-2, F-PAY-4): payments and refunds, filtered and paged in
SQL, each with the public ids people use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.booking.models import Booking
from pnplive.payment.models import Payment, Refund


@dataclass(frozen=True, slots=True)
class MoneyFilters:
    status: str | None = None
    provider: str | None = None
    performer_id: int | None = None
    start: datetime | None = None  # created at or after
    end: datetime | None = None  # created before


@dataclass(frozen=True, slots=True)
class PaymentRow:
    payment: Payment
    booking: str


@dataclass(frozen=True, slots=True)
class RefundRow:
    refund: Refund
    booking: str
    payment: str


def _where(model: type[Payment] | type[Refund], f: MoneyFilters) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if f.status is not None:
        where.append(model.status == f.status)
    if f.provider is not None:
        where.append(model.provider == f.provider)
    if f.performer_id is not None:
        where.append(Booking.performer_id == f.performer_id)
    if f.start is not None:
        where.append(model.created_at >= f.start)
    if f.end is not None:
        where.append(model.created_at < f.end)
    return where


async def payments(
    session: AsyncSession, f: MoneyFilters, *, limit: int, offset: int
) -> tuple[list[PaymentRow], int]:
    """Payments newest first (``status="flagged"``: money that arrived but did not match)."""
    where = _where(Payment, f)
    base = select(Payment, Booking.public_id).join(Booking, Booking.id == Payment.booking_id)
    total = await session.scalar(
        select(func.count(Payment.id)).join(Booking, Booking.id == Payment.booking_id).where(*where)
    )
    rows = await session.execute(
        base.where(*where)
        .order_by(Payment.created_at.desc(), Payment.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [PaymentRow(p, b) for p, b in rows.all()], int(total or 0)


async def refunds(
    session: AsyncSession, f: MoneyFilters, *, limit: int, offset: int
) -> tuple[list[RefundRow], int]:
    """Refunds newest first (``status="manual_required"``: owed by hand, not yet recorded)."""
    where = _where(Refund, f)
    joined = (
        select(Refund, Booking.public_id, Payment.public_id)
        .join(Booking, Booking.id == Refund.booking_id)
        .join(Payment, Payment.id == Refund.payment_id)
    )
    total = await session.scalar(
        select(func.count(Refund.id)).join(Booking, Booking.id == Refund.booking_id).where(*where)
    )
    rows = await session.execute(
        joined.where(*where)
        .order_by(Refund.created_at.desc(), Refund.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [RefundRow(r, b, p) for r, b, p in rows.all()], int(total or 0)


@dataclass(frozen=True, slots=True)
class BookingMoney:
    payments: list[Payment]
    refunds: list[Refund]


async def of_booking(session: AsyncSession, booking_id: int) -> BookingMoney:
    """A booking's payments and refunds, oldest first (the booking detail page)."""
    pays = await session.scalars(
        select(Payment).where(Payment.booking_id == booking_id).order_by(Payment.id)
    )
    refs = await session.scalars(
        select(Refund).where(Refund.booking_id == booking_id).order_by(Refund.id)
    )
    return BookingMoney(list(pays.all()), list(refs.all()))
