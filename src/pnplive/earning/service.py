"""Ledger queries (F-PAY-4, F-PAY-7, F-ADM-3): performer earnings and balance, payouts, revenue.

Performer earnings = the performer share of payments minus the performer share of refunds;
balance = earnings − payouts, per currency. Revenue over a period (by entry time): gross
payments, refunds, net, platform commission and performer earnings, per currency, with
``net == commission + performer_earnings`` always.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.booking.models import Booking
from pnplive.earning.models import Payout
from pnplive.kit.locks import lock_performer
from pnplive.kit.money import check_currency
from pnplive.payment.errors import PayoutNotAllowed
from pnplive.payment.models import LedgerEntry, LedgerKind
from pnplive.performer.models import Performer


@dataclass(frozen=True, slots=True)
class Balance:
    currency: str
    earned: int  # performer share of payments
    refunded: int  # performer share of refunds
    earnings: int  # earned − refunded
    paid_out: int
    balance: int  # earnings − paid_out
    pending: int = 0  # earnings of calls still refundable (not yet over, or a performer no-show)
    available: int = 0  # what may be paid out now: earnings of settled calls − paid_out


@dataclass(frozen=True, slots=True)
class RevenueLine:
    currency: str
    payments: int
    payments_count: int
    refunds: int
    refunds_count: int
    net: int
    commission: int
    performer_earnings: int
    payouts: int


# Calls whose money can still go back to the member: their earnings are not payable yet.
OPEN_STATUSES = ("held", "pending_payment", "confirmed", "live", "no_show_performer")


async def balances(session: AsyncSession, performer_id: int) -> list[Balance]:
    """Per currency: earned, refunded, paid out, and how much of it is payable now.

    Earnings become payable when the call is settled (completed, a member no-show, or
    cancelled with whatever the policy kept): before that a no-show or cancellation may still
    give the money back. Suspense (money that confirmed nothing) is never earnings.
    """
    settled = Booking.status.not_in(OPEN_STATUSES)
    rows = (
        await session.execute(
            select(
                LedgerEntry.currency,
                LedgerEntry.kind,
                func.coalesce(settled, True),
                func.coalesce(func.sum(LedgerEntry.performer_amount), 0),
                func.coalesce(func.sum(LedgerEntry.amount), 0),
            )
            .outerjoin(Booking, Booking.id == LedgerEntry.booking_id)
            .where(
                LedgerEntry.performer_id == performer_id,
                LedgerEntry.kind != LedgerKind.SUSPENSE.value,
            )
            .group_by(LedgerEntry.currency, LedgerEntry.kind, settled)
        )
    ).all()
    acc: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for currency, kind, is_settled, share, amount in rows:
        if kind == LedgerKind.PAYOUT:
            acc[currency]["paid_out"] += int(amount)
            continue
        sign = 1 if kind == LedgerKind.PAYMENT.value else -1
        acc[currency][kind] += int(share)
        acc[currency]["settled" if is_settled else "open"] += sign * int(share)
    out = []
    for currency in sorted(acc):
        a = acc[currency]
        earnings = a[LedgerKind.PAYMENT.value] - a[LedgerKind.REFUND.value]
        out.append(
            Balance(
                currency=currency,
                earned=a[LedgerKind.PAYMENT.value],
                refunded=a[LedgerKind.REFUND.value],
                earnings=earnings,
                paid_out=a["paid_out"],
                balance=earnings - a["paid_out"],
                pending=a["open"],
                available=a["settled"] - a["paid_out"],
            )
        )
    return out


async def available_in(session: AsyncSession, performer_id: int, currency: str) -> int:
    for b in await balances(session, performer_id):
        if b.currency == currency:
            return b.available
    return 0


async def balance_in(session: AsyncSession, performer_id: int, currency: str) -> int:
    for b in await balances(session, performer_id):
        if b.currency == currency:
            return b.balance
    return 0


async def entries(
    session: AsyncSession, performer_id: int, limit: int = 100, offset: int = 0
) -> list[LedgerEntry]:
    return list(
        (
            await session.scalars(
                select(LedgerEntry)
                .where(LedgerEntry.performer_id == performer_id)
                .order_by(LedgerEntry.created_at.desc(), LedgerEntry.id.desc())
                .limit(limit)
                .offset(offset)
            )
        ).all()
    )


async def payouts(session: AsyncSession, performer_id: int | None = None) -> list[Payout]:
    q = select(Payout).order_by(Payout.created_at.desc(), Payout.id.desc())
    if performer_id is not None:
        q = q.where(Payout.performer_id == performer_id)
    return list((await session.scalars(q)).all())


async def record_payout(
    session: AsyncSession,
    *,
    performer_id: int,
    amount: int,
    currency: str,
    method: str,
    reference: str = "",
    note: str = "",
    recorded_by: int | None,
    now: datetime,
) -> Payout:
    """An admin paid a performer (F-PAY-7): never more than what is payable in that currency
    (earnings of settled calls, less earlier payouts)."""
    currency = check_currency(currency)
    if amount <= 0:
        raise PayoutNotAllowed("a payout must be a positive amount")
    if await session.get(Performer, performer_id) is None:
        raise PayoutNotAllowed("no such performer", performer=performer_id)
    await lock_performer(session, performer_id)
    available = await available_in(session, performer_id, currency)
    if amount > available:
        raise PayoutNotAllowed(
            f"only {available} {currency} is payable now (earnings of calls that are over)",
            available=available,
            currency=currency,
        )
    payout = Payout(
        public_id="po_" + secrets.token_hex(12),
        performer_id=performer_id,
        amount=amount,
        currency=currency,
        method=method[:32],
        reference=reference[:255],
        note=note,
        recorded_by=recorded_by,
        created_at=now,
    )
    session.add(payout)
    await session.flush()
    session.add(
        LedgerEntry(
            source=f"payout:{payout.id}",
            kind=LedgerKind.PAYOUT.value,
            performer_id=performer_id,
            payout_id=payout.id,
            provider=None,
            provider_ref=reference[:255] or None,
            amount=amount,
            currency=currency,
            commission=0,
            performer_amount=0,
            status="paid",
            memo=f"payout by {method}"[:256],
            created_at=now,
        )
    )
    await session.flush()
    return payout


async def revenue(
    session: AsyncSession, start: datetime | None = None, end: datetime | None = None
) -> list[RevenueLine]:
    q = select(
        LedgerEntry.currency,
        LedgerEntry.kind,
        func.count(),
        func.coalesce(func.sum(LedgerEntry.amount), 0),
        func.coalesce(func.sum(LedgerEntry.commission), 0),
        func.coalesce(func.sum(LedgerEntry.performer_amount), 0),
    ).group_by(LedgerEntry.currency, LedgerEntry.kind)
    if start is not None:
        q = q.where(LedgerEntry.created_at >= start)
    if end is not None:
        q = q.where(LedgerEntry.created_at < end)
    acc: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for currency, kind, count, amount, commission, share in (await session.execute(q)).all():
        acc[currency][kind] = [int(count), int(amount), int(commission), int(share)]
    out = []
    zero = [0, 0, 0, 0]
    for currency in sorted(acc):
        pay = acc[currency].get(LedgerKind.PAYMENT.value, zero)
        ref = acc[currency].get(LedgerKind.REFUND.value, zero)
        pout = acc[currency].get(LedgerKind.PAYOUT.value, zero)
        out.append(
            RevenueLine(
                currency=currency,
                payments=pay[1],
                payments_count=pay[0],
                refunds=ref[1],
                refunds_count=ref[0],
                net=pay[1] - ref[1],
                commission=pay[2] - ref[2],
                performer_earnings=pay[3] - ref[3],
                payouts=pout[1],
            )
        )
    return out


async def booking_public_ids(
    session: AsyncSession, entries: Sequence[LedgerEntry]
) -> dict[int, str]:
    """The public ids of the bookings ``entries`` belong to (one query)."""
    ids = {e.booking_id for e in entries if e.booking_id}
    if not ids:
        return {}
    rows = await session.execute(select(Booking.id, Booking.public_id).where(Booking.id.in_(ids)))
    return {int(i): str(pub) for i, pub in rows.all()}
