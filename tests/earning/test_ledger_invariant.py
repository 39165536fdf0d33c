"""Ledger invariant (F-PAY-4, F-PAY-6): whatever happens, per currency,
sum(payments) − sum(refunds) = platform commission + performer earnings, and the ledger agrees
with the payments and refunds actually made."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from pnplive.booking import service as bookings
from pnplive.booking.models import Booking
from pnplive.booking.rules import BookingRules
from pnplive.earning import service as earning
from pnplive.errors import PnpError
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.payment import refunds, service
from pnplive.payment.errors import PayoutNotAllowed, RefundNotAllowed
from pnplive.payment.models import LedgerEntry, Payment, PaymentStatus, Refund, RefundStatus
from pnplive.performer.models import Performer
from tests.factories import actor_as, make_performer, make_user
from tests.payment import support
from tests.payment.signers import Paid, SandboxSigner

pytestmark = pytest.mark.asyncio
PROVIDERS = support.all_providers()
SIGNER = SandboxSigner()


@dataclass(frozen=True)
class Plan:
    currency: str
    price: int
    minutes: int
    commission_bps: int
    pay: str  # "no" | "exact" | "short" | "twice" | "late" | "late_taken"
    refunds: tuple[int, ...]  # refund requests, in basis points of what was paid
    cancel_by: str | None
    payout_bps: int


plans = st.builds(
    Plan,
    currency=st.sampled_from(["USD", "COP", "XTR"]),
    price=st.integers(1, 5_000),
    minutes=st.sampled_from([15, 30, 45, 60]),
    commission_bps=st.integers(0, 10_000),
    pay=st.sampled_from(["no", "exact", "short", "twice", "late", "late_taken"]),
    refunds=st.lists(st.integers(1, 10_000), max_size=3).map(tuple),
    cancel_by=st.sampled_from([None, "user", "admin", "performer"]),
    payout_bps=st.integers(0, 10_000),
)


async def run_plan(db: Database, clock: FrozenClock, plan: Plan, hour: int) -> None:
    rules = BookingRules(commission_bps=plan.commission_bps)
    now = clock.now()
    async with db.transaction() as s:
        performer = await make_performer(
            s, now, price_per_minute=plan.price, currency=plan.currency
        )
        member = await make_user(s, now)
        b = await bookings.place_hold(
            s,
            user=member,
            performer=performer,
            start_at=support.at(clock, days=2, hour=hour),
            duration=plan.minutes,
            now=now,
            rules=rules,
        )
        await bookings.confirm_hold(s, b, now=now, rules=rules, actor_id=member.id)
        booking_id, performer_id = b.public_id, performer.id
    if plan.pay == "no":
        return
    p = await service.start_checkout(
        db,
        booking_id,
        providers=PROVIDERS,
        clock=clock,
        public_base_url="http://testserver",
        provider="sandbox",
    )
    if plan.pay.startswith("late"):
        async with db.transaction() as s:
            await service.expire_unpaid(s, now + timedelta(minutes=11))
    if plan.pay == "late_taken":
        async with db.transaction() as s:
            rival = await make_user(s, now)
            b = await bookings.get_booking(s, booking_id)
            perf = await s.get(Performer, performer_id)
            assert perf is not None
            await bookings.place_hold(
                s,
                user=rival,
                performer=perf,
                start_at=b.start_at,
                duration=b.duration_minutes,
                now=now + timedelta(minutes=11),
                rules=rules,
            )
    paid = Paid(amount=p.amount - 1 if plan.pay == "short" and p.amount > 1 else None)
    for _ in range(2 if plan.pay == "twice" else 1):
        body, headers = SIGNER.paid(p, clock.now(), paid)
        await service.process_webhook(
            db, "sandbox", body, headers, providers=PROVIDERS, clock=clock
        )
    if plan.cancel_by is not None:
        async with db.transaction() as s:
            b = await bookings.get_booking(s, booking_id)
            try:
                async with s.begin_nested():
                    await refunds.cancel_booking(
                        s, b, by=actor_as(plan.cancel_by, b), now=clock.now(), rules=rules
                    )
            except PnpError as exc:  # a refused cancellation changes nothing
                assert exc.status == 409
    for bps in plan.refunds:
        async with db.transaction() as s:
            pay = await service.get_payment(s, p.public_id)
            paid_amount = pay.paid_amount or 0
            try:
                async with s.begin_nested():
                    await refunds.request_refund(
                        s,
                        pay,
                        amount=max(1, paid_amount * bps // 10_000),
                        reason="property test",
                        requested_by="admin",
                        actor_id=None,
                        now=clock.now(),
                    )
            except RefundNotAllowed:
                pass
    async with db.transaction() as s:
        owed = (
            await s.scalars(select(Refund.public_id).where(Refund.status == RefundStatus.PENDING))
        ).all()
    for refund_id in owed:
        await refunds.execute_refund(db, refund_id, providers=PROVIDERS, clock=clock)
    async with db.transaction() as s:  # the call took place: its earnings become payable
        await s.execute(
            update(Booking)
            .where(Booking.performer_id == performer_id, Booking.status == "confirmed")
            .values(status="completed")
        )
    async with db.transaction() as s:
        for bal in await earning.balances(s, performer_id):
            amount = bal.available * plan.payout_bps // 10_000
            if amount <= 0:
                continue
            await earning.record_payout(
                s,
                performer_id=performer_id,
                amount=amount,
                currency=bal.currency,
                method="bank",
                recorded_by=None,
                now=clock.now(),
            )
            with pytest.raises(PayoutNotAllowed):
                async with s.begin_nested():
                    await earning.record_payout(
                        s,
                        performer_id=performer_id,
                        amount=bal.available - amount + 1,
                        currency=bal.currency,
                        method="bank",
                        recorded_by=None,
                        now=clock.now(),
                    )


async def check_invariants(db: Database) -> None:
    async with db.transaction() as s:
        entries = (await s.scalars(select(LedgerEntry))).all()
        payments = (await s.scalars(select(Payment))).all()
        refund_rows = (await s.scalars(select(Refund))).all()
        performer_ids = (await s.scalars(select(Performer.id))).all()
        revenue = {line.currency: line for line in await earning.revenue(s)}
        balances = [b for pid in performer_ids for b in await earning.balances(s, pid)]

    by_currency: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for e in entries:
        c = by_currency[e.currency]
        if e.kind == "payout":
            c["payouts"] += e.amount
            continue
        if e.kind == "suspense":  # money that confirmed nothing: never commission or earnings
            assert e.commission == e.performer_amount == 0
            c["suspense"] += e.amount
            continue
        assert e.amount == e.commission + e.performer_amount
        sign = 1 if e.kind == "payment" else -1
        c["net"] += sign * e.amount
        c["commission"] += sign * e.commission
        c["performer"] += sign * e.performer_amount
    received: dict[str, int] = defaultdict(int)
    for p in payments:
        if p.status in (PaymentStatus.PAID, PaymentStatus.FLAGGED):
            received[p.paid_currency or p.currency] += p.paid_amount or 0
    returned: dict[str, int] = defaultdict(int)
    for r in refund_rows:
        if r.status in (RefundStatus.SUCCEEDED, RefundStatus.SUBMITTED):
            returned[r.currency] += r.amount
    for currency, c in by_currency.items():
        # The invariant itself.
        assert c["net"] == c["commission"] + c["performer"]
        # The ledger is the money that actually moved (suspense included).
        assert c["net"] + c["suspense"] == received[currency] - returned[currency]
        assert c["suspense"] >= 0
        line = revenue[currency]
        assert (line.net, line.commission, line.performer_earnings, line.payouts) == (
            c["net"],
            c["commission"],
            c["performer"],
            c["payouts"],
        )
        assert sum(b.earnings for b in balances if b.currency == currency) == c["performer"]
        assert 0 <= c["payouts"] <= c["performer"]
    for b in balances:
        assert b.balance == b.earnings - b.paid_out >= 0
        assert b.available + b.pending == b.balance and b.available >= 0
    # Refunding a payment in full gives back exactly the commission taken on it.
    for p in payments:
        mine = [e for e in entries if e.payment_id == p.id and e.kind != "suspense"]
        if mine and sum(e.amount if e.kind == "payment" else -e.amount for e in mine) == 0:
            assert sum(e.commission if e.kind == "payment" else -e.commission for e in mine) == 0


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(plans, min_size=1, max_size=4))
async def test_ledger_balances_for_any_sequence(
    db: Database, clock: FrozenClock, sequence: list[Plan]
) -> None:
    for i, plan in enumerate(sequence):
        await run_plan(db, clock, plan, hour=9 + 2 * i)
    await check_invariants(db)
