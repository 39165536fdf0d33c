"""Late payments (F-BK-4): confirmed when the slot is still free, refunded once when it is not."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
import respx
from sqlalchemy import select

from pnplive.booking import service as bookings
from pnplive.booking.models import Booking, SlotCell
from pnplive.booking.states import Status
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.payment import refunds, service
from pnplive.payment.models import LedgerEntry, Payment
from pnplive.performer.models import Performer
from tests.factories import make_user
from tests.payment import support
from tests.payment.signers import (
    SandboxSigner,
    StripeSigner,
    session_object,
    stripe_event,
    stripe_sign,
)

pytestmark = pytest.mark.asyncio
PROVIDERS = support.all_providers()


@pytest_asyncio.fixture
async def fake_stripe() -> AsyncIterator[respx.Router]:
    with respx.mock(assert_all_called=False) as router:
        StripeSigner().mock_checkout(router)
        yield router


async def checkout(
    db: Database, clock: FrozenClock, provider: str
) -> tuple[Payment, support.Setup]:
    setup = await support.pending_booking(db, clock)
    p = await service.start_checkout(
        db,
        setup.booking_id,
        providers=PROVIDERS,
        clock=clock,
        public_base_url="http://testserver",
        provider=provider,
    )
    return p, setup


async def lapse(db: Database, clock: FrozenClock) -> None:
    clock.advance(minutes=11)
    async with db.transaction() as s:
        await service.expire_unpaid(s, clock.now())


async def take_the_slot(db: Database, clock: FrozenClock, setup: support.Setup) -> str:
    """Another member holds the very same time."""
    async with db.transaction() as s:
        other = await make_user(s, clock.now())
        performer = await s.get(Performer, setup.performer_id)
        original = await bookings.get_booking(s, setup.booking_id)
        assert performer is not None
        b = await bookings.place_hold(
            s,
            user=other,
            performer=performer,
            start_at=original.start_at,
            duration=original.duration_minutes,
            now=clock.now(),
            rules=support.RULES,
        )
        return b.public_id


async def test_late_sandbox_payment_with_the_slot_still_free_confirms(
    db: Database, clock: FrozenClock
) -> None:
    p, setup = await checkout(db, clock, "sandbox")
    await lapse(db, clock)
    assert (await support.booking(db, setup.booking_id)).status == Status.EXPIRED
    body, headers = SandboxSigner().paid(p, clock.now())
    result = await service.process_webhook(
        db, "sandbox", body, headers, providers=PROVIDERS, clock=clock
    )
    assert [r.outcome for r in result.results] == ["confirmed"]
    booking = await support.booking(db, setup.booking_id)
    assert booking.status == Status.CONFIRMED and booking.paid_at == clock.now()
    async with db.transaction() as s:
        cells = (await s.scalars(select(SlotCell))).all()
    assert len(cells) == 6 and {c.booking_id for c in cells} == {booking.id}
    assert await support.refunds_of(db, setup.booking_id) == []


async def test_late_payment_on_a_taken_slot_is_refunded_exactly_once(
    db: Database, clock: FrozenClock, fake_stripe: respx.Router
) -> None:
    p, setup = await checkout(db, clock, "stripe")
    await lapse(db, clock)
    rival = await take_the_slot(db, clock, setup)

    done = stripe_event("checkout.session.completed", session_object(p))
    outcomes = []
    for body in (done, done, stripe_event("checkout.session.completed", session_object(p))):
        result = await service.process_webhook(
            db, "stripe", body, stripe_sign(body, clock.now()), providers=PROVIDERS, clock=clock
        )
        outcomes += [r.outcome for r in result.results]
    assert outcomes == ["refund_needed", "duplicate", "already_paid"]

    booking = await support.booking(db, setup.booking_id)
    assert booking.status == Status.EXPIRED
    assert (await support.booking(db, rival)).status == Status.HELD
    (refund,) = await support.refunds_of(db, setup.booking_id)
    assert refund.amount == p.amount and refund.status == "pending"
    assert [j.key for j in await support.jobs(db, "refund")] == [refund.public_id]

    stripe_refunds = fake_stripe.post(f"{support.STRIPE_API}/v1/refunds").mock(
        return_value=httpx.Response(
            200, json={"id": "re_late", "object": "refund", "status": "succeeded"}
        )
    )
    for _ in range(2):  # the job may run twice (at-least-once delivery)
        await refunds.execute_refund(db, refund.public_id, providers=PROVIDERS, clock=clock)
    assert stripe_refunds.call_count == 1
    assert (await support.booking(db, setup.booking_id)).status == Status.REFUNDED
    async with db.transaction() as s:
        entries = (await s.scalars(select(LedgerEntry).order_by(LedgerEntry.id))).all()
    assert [(e.kind, e.amount) for e in entries] == [("payment", 6000), ("refund", 6000)]


async def test_payment_after_the_call_started_is_refunded(db: Database, clock: FrozenClock) -> None:
    p, setup = await checkout(db, clock, "sandbox")
    await lapse(db, clock)
    clock.advance(days=2)  # way past the start
    body, headers = SandboxSigner().paid(p, clock.now())
    result = await service.process_webhook(
        db, "sandbox", body, headers, providers=PROVIDERS, clock=clock
    )
    assert [r.outcome for r in result.results] == ["refund_needed"]
    (refund,) = await support.refunds_of(db, setup.booking_id)
    run = await refunds.execute_refund(db, refund.public_id, providers=PROVIDERS, clock=clock)
    assert run.status == "succeeded"
    assert (await support.booking(db, setup.booking_id)).status == Status.REFUNDED


async def test_a_second_checkout_paid_for_a_confirmed_booking_is_refunded(
    db: Database, clock: FrozenClock
) -> None:
    first, setup = await checkout(db, clock, "sandbox")
    # The member opens a second attempt (e.g. another tab) before paying the first.
    async with db.transaction() as s:
        b = await s.scalar(select(Booking).where(Booking.public_id == setup.booking_id))
        assert b is not None
        s.add(
            Payment(
                public_id="pay_second_attempt",
                booking_id=b.id,
                provider="sandbox",
                status="open",
                amount=b.amount,
                currency=b.currency,
                checkout_id="sbx_pay_second_attempt",
                applied=False,
                created_at=clock.now(),
                updated_at=clock.now(),
            )
        )
    second = await support.payment(db, "pay_second_attempt")
    signer = SandboxSigner()
    outcomes = []
    for p in (first, second):
        body, headers = signer.paid(p, clock.now())
        result = await service.process_webhook(
            db, "sandbox", body, headers, providers=PROVIDERS, clock=clock
        )
        outcomes += [r.outcome for r in result.results]
    assert outcomes == ["confirmed", "refund_needed"]
    (refund,) = await support.refunds_of(db, setup.booking_id)
    assert refund.reason.startswith("paid twice")
    await refunds.execute_refund(db, refund.public_id, providers=PROVIDERS, clock=clock)
    # The booking stays confirmed: it is still paid by the first payment.
    assert (await support.booking(db, setup.booking_id)).status == Status.CONFIRMED
    assert (await support.payment(db, first.public_id)).applied
    assert not (await support.payment(db, second.public_id)).applied
