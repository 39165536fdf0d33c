"""Business figures over a date range and, optionally, one performer (F-ADM-3).

Each figure is one SQL aggregate (the database does the counting, whatever the number of
bookings); what Python adds is folding a few buckets (the heat map) and the offered time of the
schedules (utilisation), which is computed by the slot engine, not stored.

Definitions, so each figure means one thing:
- *paid bookings*: bookings paid at some point (``paid_at`` set) whose call starts in the range;
- *money*: ledger entries written in the range, per currency: payments, refunds, their net, and
  the commission and performer earnings of that net (F-PAY-6);
- *payment success*: of the checkouts created in the range that finished, the share paid
  (failed, expired and flagged ones count as not);
- *refund rate*: of the paid bookings, the share with a refund owed, sent or made;
- *no-shows*: of the paid calls in the range that ended (completed or a no-show), the share where
  a side never came, by side;
- *utilisation*: booked minutes of the paid bookings over the minutes the schedules offered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, cast, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement

from pnplive.analytics.heatmap import QUARTER_SECONDS, fold
from pnplive.analytics.rates import Rate, average
from pnplive.availability import repository as avail_repo
from pnplive.availability.slots import available
from pnplive.booking.models import Booking
from pnplive.booking.states import Status
from pnplive.payment.models import (
    LIVE_REFUND_STATUSES,
    LedgerEntry,
    LedgerKind,
    Payment,
    PaymentStatus,
    Refund,
)
from pnplive.performer.models import Lifecycle, Performer


@dataclass(frozen=True, slots=True)
class Scope:
    start: datetime  # UTC, inclusive
    end: datetime  # UTC, exclusive
    performer_id: int | None = None


def _paid_bookings(scope: Scope) -> list[ColumnElement[bool]]:
    where = [
        Booking.paid_at.is_not(None),
        Booking.start_at >= scope.start,
        Booking.start_at < scope.end,
    ]
    if scope.performer_id is not None:
        where.append(Booking.performer_id == scope.performer_id)
    return where


@dataclass(frozen=True, slots=True)
class MoneyLine:
    currency: str
    payments: int
    refunds: int
    net: int
    commission: int
    performer_earnings: int


async def money(session: AsyncSession, scope: Scope) -> list[MoneyLine]:
    """Revenue, commission and performer earnings per currency (minor units)."""
    e = LedgerEntry
    refund = e.kind == LedgerKind.REFUND.value
    payment = e.kind == LedgerKind.PAYMENT.value

    def signed(column: InstrumentedAttribute[int]) -> ColumnElement[int]:
        return func.coalesce(
            func.sum(func.coalesce(cast(payment, Integer) * column, 0))
            - func.sum(func.coalesce(cast(refund, Integer) * column, 0)),
            0,
        )

    q = (
        select(
            e.currency,
            func.coalesce(func.sum(cast(payment, Integer) * e.amount), 0),
            func.coalesce(func.sum(cast(refund, Integer) * e.amount), 0),
            signed(e.commission),
            signed(e.performer_amount),
        )
        .where(e.created_at >= scope.start, e.created_at < scope.end, payment | refund)
        .group_by(e.currency)
        .order_by(e.currency)
    )
    if scope.performer_id is not None:
        q = q.where(e.performer_id == scope.performer_id)
    return [
        MoneyLine(cur, int(pay), int(ref), int(pay) - int(ref), int(com), int(share))
        for cur, pay, ref, com, share in (await session.execute(q)).all()
    ]


@dataclass(frozen=True, slots=True)
class PerformerCount:
    performer_id: int
    display_name: str
    bookings: int
    booked_minutes: int


async def bookings_per_performer(session: AsyncSession, scope: Scope) -> list[PerformerCount]:
    q = (
        select(
            Performer.id,
            Performer.display_name,
            func.count(Booking.id),
            func.coalesce(func.sum(Booking.duration_minutes), 0),
        )
        .join(Booking, Booking.performer_id == Performer.id)
        .where(*_paid_bookings(scope))
        .group_by(Performer.id, Performer.display_name)
        .order_by(func.count(Booking.id).desc(), Performer.id)
    )
    return [PerformerCount(i, n, int(c), int(m)) for i, n, c, m in (await session.execute(q)).all()]


@dataclass(frozen=True, slots=True)
class RatingLine:
    performer_id: int
    display_name: str
    reviews: int
    average: Decimal | None


async def ratings(session: AsyncSession, scope: Scope) -> list[RatingLine]:
    q = select(Performer.id, Performer.display_name, Performer.rating_sum, Performer.rating_count)
    if scope.performer_id is not None:
        q = q.where(Performer.id == scope.performer_id)
    rows = (await session.execute(q.order_by(Performer.id))).all()
    return [RatingLine(i, n, int(c), average(int(s), int(c))) for i, n, s, c in rows]


async def busiest_hours(session: AsyncSession, scope: Scope, zone: str) -> list[list[int]]:
    """Paid bookings by local weekday (Monday first) and hour of their start, in ``zone``."""
    epoch: ColumnElement[Any]
    if session.get_bind().dialect.name == "postgresql":
        epoch = func.extract("epoch", Booking.start_at)
    else:
        epoch = cast(func.strftime("%s", Booking.start_at), Integer)
    quarter = cast(func.floor(epoch / QUARTER_SECONDS), Integer).label("quarter")
    q = select(quarter, func.count()).where(*_paid_bookings(scope)).group_by(quarter)
    return fold([(int(k), int(n)) for k, n in (await session.execute(q)).all()], zone)


async def payment_success(session: AsyncSession, scope: Scope) -> Rate:
    finished = [
        PaymentStatus.PAID.value,
        PaymentStatus.FAILED.value,
        PaymentStatus.EXPIRED.value,
        PaymentStatus.FLAGGED.value,
    ]
    q = select(
        func.count(Payment.id),
        func.coalesce(func.sum(cast(Payment.status == PaymentStatus.PAID.value, Integer)), 0),
    ).where(
        Payment.created_at >= scope.start,
        Payment.created_at < scope.end,
        Payment.status.in_(finished),
    )
    if scope.performer_id is not None:
        q = q.join(Booking, Booking.id == Payment.booking_id).where(
            Booking.performer_id == scope.performer_id
        )
    total, paid = (await session.execute(q)).one()
    return Rate(int(paid), int(total))


async def refund_rate(session: AsyncSession, scope: Scope) -> Rate:
    live = [s.value for s in LIVE_REFUND_STATUSES]
    q = (
        select(func.count(distinct(Booking.id)), func.count(distinct(Refund.booking_id)))
        .select_from(Booking)
        .outerjoin(Refund, (Refund.booking_id == Booking.id) & Refund.status.in_(live))
        .where(*_paid_bookings(scope))
    )
    total, refunded = (await session.execute(q)).one()
    return Rate(int(refunded), int(total))


@dataclass(frozen=True, slots=True)
class NoShows:
    performer: Rate
    member: Rate


async def no_shows(session: AsyncSession, scope: Scope) -> NoShows:
    ended = [Status.COMPLETED.value, Status.NO_SHOW_USER.value, Status.NO_SHOW_PERFORMER.value]
    q = (
        select(Booking.status, func.count())
        .where(*_paid_bookings(scope), Booking.status.in_(ended))
        .group_by(Booking.status)
    )
    counts = {status: int(n) for status, n in (await session.execute(q)).all()}
    total = sum(counts.values())
    return NoShows(
        performer=Rate(counts.get(Status.NO_SHOW_PERFORMER.value, 0), total),
        member=Rate(counts.get(Status.NO_SHOW_USER.value, 0), total),
    )


@dataclass(frozen=True, slots=True)
class Utilisation:
    booked_minutes: int
    offered_minutes: int

    @property
    def rate(self) -> Rate:
        return Rate(self.booked_minutes, self.offered_minutes)


async def utilisation(session: AsyncSession, scope: Scope) -> Utilisation:
    """Booked minutes (one aggregate) over the minutes the schedules offered in the range
    (weekly hours plus extra time minus blocked time, by the slot engine, per performer)."""
    booked = await session.scalar(
        select(func.coalesce(func.sum(Booking.duration_minutes), 0)).where(*_paid_bookings(scope))
    )
    q = select(Performer.id, Performer.timezone).where(Performer.status != Lifecycle.INACTIVE)
    if scope.performer_id is not None:
        q = select(Performer.id, Performer.timezone).where(Performer.id == scope.performer_id)
    offered = 0
    for performer_id, zone in (await session.execute(q)).all():
        schedule = await avail_repo.load_schedule(
            session, performer_id, zone, scope.start, scope.end
        )
        offered += sum(
            int((i.end - i.start).total_seconds()) // 60
            for i in available(schedule, scope.start, scope.end)
        )
    return Utilisation(int(booked or 0), offered)
