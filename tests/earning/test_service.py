"""Earnings, payouts and revenue queries (F-PAY-6, F-PAY-7, F-ADM-3)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from pnplive.booking.models import Booking
from pnplive.earning import service as earning
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.payment import refunds, service
from pnplive.payment.errors import PayoutNotAllowed
from pnplive.payment.models import LedgerEntry, LedgerIsAppendOnly
from tests.factories import actor_as
from tests.payment import support
from tests.payment.signers import SandboxSigner

pytestmark = pytest.mark.asyncio
PROVIDERS = support.all_providers()


async def paid(
    db: Database,
    clock: FrozenClock,
    *,
    currency: str,
    price: int,
    performer_id: int | None = None,
    hour: int = 10,
) -> support.Setup:
    setup = await support.pending_booking(
        db, clock, currency=currency, price=price, performer_id=performer_id, hour=hour
    )
    p = await service.start_checkout(
        db,
        setup.booking_id,
        providers=PROVIDERS,
        clock=clock,
        public_base_url="http://testserver",
        provider="sandbox",
    )
    body, headers = SandboxSigner().paid(p, clock.now())
    await service.process_webhook(db, "sandbox", body, headers, providers=PROVIDERS, clock=clock)
    return setup


async def test_balances_per_currency_payouts_and_revenue_by_period(
    db: Database, clock: FrozenClock
) -> None:
    a = await paid(db, clock, currency="USD", price=100)  # 3000: 900 + 2100
    clock.advance(days=1)
    await paid(db, clock, currency="USD", price=100, performer_id=a.performer_id, hour=15)
    await paid(db, clock, currency="XTR", price=3)  # 90 stars: 27 + 63 (another performer)
    async with db.transaction() as s:
        (usd,) = await earning.balances(s, a.performer_id)
        assert (usd.currency, usd.earned, usd.earnings, usd.balance) == ("USD", 4200, 4200, 4200)
        assert (usd.pending, usd.available) == (4200, 0)  # the calls are still to come
        await s.execute(
            update(Booking).where(Booking.performer_id == a.performer_id).values(status="completed")
        )
        (usd,) = await earning.balances(s, a.performer_id)
        assert (usd.pending, usd.available) == (0, 4200)
        await earning.record_payout(
            s,
            performer_id=a.performer_id,
            amount=4000,
            currency="USD",
            method="bank",
            reference="T-1",
            recorded_by=1,
            now=clock.now(),
        )
        with pytest.raises(PayoutNotAllowed):
            await earning.record_payout(
                s,
                performer_id=a.performer_id,
                amount=201,
                currency="USD",
                method="bank",
                recorded_by=1,
                now=clock.now(),
            )
        with pytest.raises(PayoutNotAllowed):
            await earning.record_payout(
                s,
                performer_id=a.performer_id,
                amount=1,
                currency="XTR",
                method="bank",
                recorded_by=1,
                now=clock.now(),
            )
        (usd,) = await earning.balances(s, a.performer_id)
        assert (usd.paid_out, usd.balance) == (4000, 200)
        assert [p.reference for p in await earning.payouts(s, a.performer_id)] == ["T-1"]

        lines = {line.currency: line for line in await earning.revenue(s)}
        assert (lines["USD"].payments, lines["USD"].commission, lines["USD"].payouts) == (
            6000,
            1800,
            4000,
        )
        assert (lines["XTR"].net, lines["XTR"].commission, lines["XTR"].performer_earnings) == (
            90,
            27,
            63,
        )
        day_one = await earning.revenue(s, support.NOW_START, support.NOW_START + timedelta(days=1))
        assert [(x.currency, x.payments, x.payments_count) for x in day_one] == [("USD", 3000, 1)]


async def test_ledger_entries_cannot_be_changed_or_deleted(
    db: Database, clock: FrozenClock
) -> None:
    await paid(db, clock, currency="USD", price=100)
    with pytest.raises(LedgerIsAppendOnly):
        async with db.transaction() as s:
            entry = await s.scalar(select(LedgerEntry))
            assert entry is not None
            entry.amount = 1
            await s.flush()
    with pytest.raises(LedgerIsAppendOnly):
        async with db.transaction() as s:
            entry = await s.scalar(select(LedgerEntry))
            await s.delete(entry)
            await s.flush()


async def test_refund_cancellation_after_a_plain_booking_cancel(
    db: Database, clock: FrozenClock
) -> None:
    from pnplive.booking import service as bookings

    setup = await paid(db, clock, currency="USD", price=100)
    async with db.transaction() as s:
        b = await bookings.get_booking(s, setup.booking_id)
        done = await bookings.cancel(
            s, b, by=actor_as("performer", b), now=clock.now(), rules=support.RULES
        )
        r = await refunds.refund_cancellation(s, done, now=clock.now())
        assert r is not None and r.amount == 3000
