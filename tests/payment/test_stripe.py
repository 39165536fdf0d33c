"""Stripe specifics: the checkout request, out-of-order events, refunds and checkout expiry."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from urllib.parse import parse_qs

import httpx
import pytest
import pytest_asyncio
import respx
from sqlalchemy import select

from pnplive.booking.models import Booking, SlotCell
from pnplive.booking.states import Status
from pnplive.kit.actor import Actor
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.payment import refunds, service
from pnplive.payment.errors import ProviderError
from pnplive.payment.models import LedgerEntry, Payment, PaymentStatus, Refund, RefundStatus
from pnplive.payment.providers.stripe import verify_signature
from tests.payment import support
from tests.payment.signers import StripeSigner, session_object, stripe_event, stripe_sign

pytestmark = pytest.mark.asyncio
PROVIDERS = support.all_providers()
SIGNER = StripeSigner()
API = support.STRIPE_API


@pytest_asyncio.fixture
async def fake_stripe() -> AsyncIterator[respx.Router]:
    with respx.mock(assert_all_called=False) as router:
        SIGNER.mock_checkout(router)
        yield router


async def open_stripe(db: Database, clock: FrozenClock, **kw: object) -> tuple[Payment, str]:
    setup = await support.pending_booking(db, clock, **kw)  # type: ignore[arg-type]
    p = await service.start_checkout(
        db,
        setup.booking_id,
        providers=PROVIDERS,
        clock=clock,
        public_base_url="http://testserver",
        provider="stripe",
    )
    return p, setup.booking_id


async def send(db: Database, clock: FrozenClock, body: bytes) -> list[str]:
    result = await service.process_webhook(
        db, "stripe", body, stripe_sign(body, clock.now()), providers=PROVIDERS, clock=clock
    )
    return [r.outcome for r in result.results]


async def ledger(db: Database) -> list[tuple[str, int, int, int]]:
    async with db.transaction() as s:
        rows = (await s.scalars(select(LedgerEntry).order_by(LedgerEntry.id))).all()
        return [(e.kind, e.amount, e.commission, e.performer_amount) for e in rows]


def charge_refunded(p: Payment, refunded: int, event_id: str | None = None) -> bytes:
    return stripe_event(
        "charge.refunded",
        {
            "id": "ch_1",
            "object": "charge",
            "amount": p.amount,
            "amount_refunded": refunded,
            "currency": p.currency.lower(),
            "payment_intent": "pi_test_1",
            "metadata": {"payment_id": p.public_id},
            "refunded": refunded == p.amount,
        },
        event_id,
    )


async def test_checkout_session_request_carries_our_ids_and_an_idempotency_key(
    db: Database, clock: FrozenClock, fake_stripe: respx.Router
) -> None:
    p, booking_id = await open_stripe(db, clock)
    call = fake_stripe.calls.last
    assert call.request.headers["Idempotency-Key"] == f"pnplive-checkout-{p.public_id}"
    assert call.request.headers["Authorization"] == "Bearer sk_test_123"
    form = parse_qs(call.request.content.decode())
    assert form["mode"] == ["payment"]
    assert form["line_items[0][price_data][unit_amount]"] == [str(p.amount)]
    assert form["line_items[0][price_data][currency]"] == ["usd"]
    assert form["client_reference_id"] == [p.public_id]
    assert form["metadata[payment_id]"] == [p.public_id]
    assert form["metadata[booking_id]"] == [booking_id]
    assert form["payment_intent_data[metadata][payment_id]"] == [p.public_id]
    expires = int(form["expires_at"][0])
    # Stripe wants at least 30 minutes; our booking deadline is 10 minutes away.
    assert expires == int((clock.now() + timedelta(minutes=31)).timestamp())
    assert p.checkout_url == "https://checkout.stripe.com/c/pay/cs_test"
    # Asking again while that checkout is open gives the same one, without calling Stripe.
    again = await service.start_checkout(
        db,
        booking_id,
        providers=PROVIDERS,
        clock=clock,
        public_base_url="http://testserver",
        provider="stripe",
    )
    assert again.public_id == p.public_id
    assert len(fake_stripe.calls) == 1


async def test_stripe_outage_fails_the_attempt_and_changes_no_booking(
    db: Database, clock: FrozenClock
) -> None:
    setup = await support.pending_booking(db, clock)
    with respx.mock() as router:
        router.post(f"{API}/v1/checkout/sessions").mock(
            return_value=httpx.Response(500, json={"error": {"message": "down"}})
        )
        with pytest.raises(ProviderError) as caught:
            await service.start_checkout(
                db,
                setup.booking_id,
                providers=PROVIDERS,
                clock=clock,
                public_base_url="http://testserver",
                provider="stripe",
            )
    assert caught.value.status == 502 and caught.value.retryable
    async with db.transaction() as s:
        (p,) = (await s.scalars(select(Payment))).all()
    assert p.status == PaymentStatus.FAILED and p.last_error
    assert (await support.booking(db, setup.booking_id)).status == Status.PENDING_PAYMENT


async def test_our_verifier_accepts_stripes_header_with_several_signatures(
    clock: FrozenClock,
) -> None:
    body = b'{"id": "evt_1"}'
    header = stripe_sign(body, clock.now())["Stripe-Signature"]
    t, v1 = header.split(",")
    secret = support.SECRETS["stripe_webhook_secret"]
    verify_signature(body, f"{t},v1=deadbeef,{v1}", secret, clock.now(), 300)
    verify_signature(body, header, secret, clock.now() + timedelta(seconds=299), 300)


async def test_refund_reported_before_completion_ends_like_in_order(
    db: Database, clock: FrozenClock, fake_stripe: respx.Router
) -> None:
    # In order: completion, then a full refund made in the Stripe dashboard.
    p1, b1 = await open_stripe(db, clock, hour=10)
    done = stripe_event("checkout.session.completed", session_object(p1))
    assert await send(db, clock, done) == ["confirmed"]
    assert await send(db, clock, charge_refunded(p1, p1.amount)) == ["refunded_at_provider"]
    # Out of order: the refund report first, the completion after it.
    p2, b2 = await open_stripe(db, clock, hour=14)
    assert await send(db, clock, charge_refunded(p2, p2.amount)) == ["refunded_at_provider"]
    late = stripe_event("checkout.session.completed", session_object(p2))
    assert await send(db, clock, late) == ["already_paid"]

    for pid, bid in ((p1, b1), (p2, b2)):
        booking = await support.booking(db, bid)
        assert booking.status == Status.REFUNDED
        paid = await support.payment(db, pid.public_id)
        assert paid.status == PaymentStatus.PAID
        (refund,) = await support.refunds_of(db, bid)
        assert (refund.status, refund.amount, refund.requested_by) == (
            "succeeded",
            pid.amount,
            "provider",
        )
    amount, commission = p1.amount, p1.amount * 3000 // 10000
    assert (
        await ledger(db)
        == [
            ("payment", amount, commission, amount - commission),
            ("refund", amount, commission, amount - commission),
        ]
        * 2
    )
    async with db.transaction() as s:
        assert (await s.scalars(select(SlotCell))).all() == []


async def test_completion_twice_and_expiry_after_completion_change_nothing(
    db: Database, clock: FrozenClock, fake_stripe: respx.Router
) -> None:
    p, booking_id = await open_stripe(db, clock)
    assert await send(db, clock, stripe_event("checkout.session.completed", session_object(p))) == [
        "confirmed"
    ]
    before = await support.snapshot(db)
    again = stripe_event("checkout.session.completed", session_object(p))  # another event id
    assert await send(db, clock, again) == ["already_paid"]
    expired = stripe_event("checkout.session.expired", session_object(p, status="expired"))
    assert await send(db, clock, expired) == ["ignored"]
    failed = stripe_event("checkout.session.async_payment_failed", session_object(p))
    assert await send(db, clock, failed) == ["ignored"]
    after = await support.snapshot(db)
    assert after["webhook_events"] == before["webhook_events"] + 3
    del after["webhook_events"], before["webhook_events"]
    assert after == before
    assert (await support.booking(db, booking_id)).status == Status.CONFIRMED


async def test_delayed_payment_is_pending_until_it_succeeds(
    db: Database, clock: FrozenClock, fake_stripe: respx.Router
) -> None:
    p, booking_id = await open_stripe(db, clock)
    unpaid = session_object(p, payment_status="unpaid")
    assert await send(db, clock, stripe_event("checkout.session.completed", unpaid)) == ["pending"]
    assert (await support.booking(db, booking_id)).status == Status.PENDING_PAYMENT
    ok = stripe_event("checkout.session.async_payment_succeeded", session_object(p))
    assert await send(db, clock, ok) == ["confirmed"]
    assert (await support.booking(db, booking_id)).status == Status.CONFIRMED


async def test_unrelated_event_types_are_acknowledged_and_ignored(
    db: Database, clock: FrozenClock
) -> None:
    body = stripe_event("customer.created", {"id": "cus_1", "object": "customer"})
    assert await send(db, clock, body) == ["ignored"]
    assert await send(db, clock, body) == ["duplicate"]


async def test_refund_goes_to_stripe_once_with_our_idempotency_key(
    db: Database, clock: FrozenClock, fake_stripe: respx.Router
) -> None:
    p, booking_id = await open_stripe(db, clock, days=3)
    await send(db, clock, stripe_event("checkout.session.completed", session_object(p)))
    async with db.transaction() as s:
        b = await s.scalar(select(Booking).where(Booking.public_id == booking_id))
        assert b is not None
        done = await refunds.cancel_booking(
            s, b, by=Actor.admin(), now=clock.now(), rules=support.RULES, reason="ill"
        )
        assert done.refund is not None
        refund_id, key = done.refund.public_id, done.refund.idempotency_key
    assert [j.key for j in await support.jobs(db, "refund")] == [refund_id]

    calls: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            return httpx.Response(500, json={"error": {"message": "try later"}})
        return httpx.Response(
            200, json={"id": "re_stripe_1", "object": "refund", "status": "succeeded"}
        )

    fake_stripe.post(f"{API}/v1/refunds").mock(side_effect=answer)
    flaky = support.all_providers(http_retries=0)
    with pytest.raises(ProviderError):
        await refunds.execute_refund(db, refund_id, providers=flaky, clock=clock)
    (r,) = await support.refunds_of(db, booking_id)
    assert r.status == RefundStatus.PENDING and r.last_error and r.attempts == 1
    assert await ledger(db) == [("payment", p.amount, 1800, 4200)]

    run = await refunds.execute_refund(db, refund_id, providers=flaky, clock=clock)
    assert run.status == "succeeded"
    run = await refunds.execute_refund(db, refund_id, providers=flaky, clock=clock)
    assert run.status == "succeeded"
    assert len(calls) == 2
    assert {c.headers["Idempotency-Key"] for c in calls} == {key}
    form = parse_qs(calls[-1].content.decode())
    assert form["payment_intent"] == ["pi_test_1"] and form["amount"] == [str(p.amount)]
    assert (await support.booking(db, booking_id)).status == Status.REFUNDED
    assert await ledger(db) == [("payment", 6000, 1800, 4200), ("refund", 6000, 1800, 4200)]
    # Stripe's own report of that refund afterwards adds nothing.
    assert await send(db, clock, charge_refunded(p, p.amount)) == ["refund_recorded"]
    assert len(await ledger(db)) == 2


async def test_refund_failing_later_at_stripe_is_reversed_and_flagged(
    db: Database, clock: FrozenClock, fake_stripe: respx.Router
) -> None:
    p, booking_id = await open_stripe(db, clock, days=3)
    await send(db, clock, stripe_event("checkout.session.completed", session_object(p)))
    async with db.transaction() as s:
        payment = await service.get_payment(s, p.public_id)
        r = await refunds.request_refund(
            s,
            payment,
            amount=1000,
            reason="goodwill",
            requested_by="admin",
            actor_id=1,
            now=clock.now(),
        )
        refund_id = r.public_id
    fake_stripe.post(f"{API}/v1/refunds").mock(
        return_value=httpx.Response(
            200, json={"id": "re_pending", "object": "refund", "status": "pending"}
        )
    )
    assert (
        await refunds.execute_refund(db, refund_id, providers=PROVIDERS, clock=clock)
    ).status == ("submitted")
    failed = stripe_event(
        "refund.updated",
        {
            "id": "re_pending",
            "object": "refund",
            "status": "failed",
            "amount": 1000,
            "currency": "usd",
            "payment_intent": "pi_test_1",
            "metadata": {"refund_id": refund_id},
        },
    )
    assert await send(db, clock, failed) == ["refund_failed"]
    (r2,) = await support.refunds_of(db, booking_id)
    assert r2.status == RefundStatus.FAILED
    assert await ledger(db) == [
        ("payment", 6000, 1800, 4200),
        ("refund", 1000, 300, 700),
        ("refund", -1000, -300, -700),
    ]
    assert [j.payload["kind"] for j in await support.jobs(db, "admin_alert")] == ["refund_failed"]
    assert (await support.booking(db, booking_id)).status == Status.CONFIRMED


async def test_expiry_frees_the_slot_and_expires_the_stripe_session(
    db: Database, clock: FrozenClock, fake_stripe: respx.Router
) -> None:
    p, booking_id = await open_stripe(db, clock)
    expire = fake_stripe.post(f"{API}/v1/checkout/sessions/{p.checkout_id}/expire").mock(
        return_value=httpx.Response(
            200, json={"id": p.checkout_id, "object": "checkout.session", "status": "expired"}
        )
    )
    clock.advance(minutes=9)
    async with db.transaction() as s:
        assert await service.expire_unpaid(s, clock.now()) == []
    clock.advance(minutes=1)
    async with db.transaction() as s:
        assert await service.expire_unpaid(s, clock.now()) == [booking_id]
    assert (await support.booking(db, booking_id)).status == Status.EXPIRED
    async with db.transaction() as s:
        assert (await s.scalars(select(SlotCell))).all() == []
    (job,) = await support.jobs(db, "close_booking_checkouts")
    assert job.key == booking_id
    assert await service.close_booking_checkouts(db, booking_id, providers=PROVIDERS, clock=clock)
    assert expire.call_count == 1
    assert expire.calls.last.request.headers["Idempotency-Key"] == f"pnplive-expire-{p.public_id}"
    assert (await support.payment(db, p.public_id)).status == PaymentStatus.EXPIRED
    # Run again (job retried): nothing more is asked of Stripe.
    assert not await service.execute_checkout_expiry(
        db, p.public_id, providers=PROVIDERS, clock=clock
    )
    assert expire.call_count == 1


async def test_expiring_a_session_that_already_completed_leaves_it_to_the_webhook(
    db: Database, clock: FrozenClock, fake_stripe: respx.Router
) -> None:
    p, booking_id = await open_stripe(db, clock)
    fake_stripe.post(f"{API}/v1/checkout/sessions/{p.checkout_id}/expire").mock(
        return_value=httpx.Response(
            400,
            json={
                "error": {
                    "type": "invalid_request_error",
                    "message": "Only Checkout Sessions with a status of open can be expired.",
                }
            },
        )
    )
    clock.advance(minutes=11)
    async with db.transaction() as s:
        await service.expire_unpaid(s, clock.now())
    assert not await service.execute_checkout_expiry(
        db, p.public_id, providers=PROVIDERS, clock=clock
    )
    assert (await support.payment(db, p.public_id)).status == PaymentStatus.OPEN
    # The completion then arrives late; the slot is still free, so the booking is confirmed.
    done = stripe_event("checkout.session.completed", session_object(p))
    assert await send(db, clock, done) == ["confirmed"]
    assert (await support.booking(db, booking_id)).status == Status.CONFIRMED
    assert json.loads(done)["type"] == "checkout.session.completed"
    async with db.transaction() as s:
        assert len((await s.scalars(select(Refund))).all()) == 0


async def test_refund_without_our_reference_waits_for_the_completion(
    db: Database, clock: FrozenClock, fake_stripe: respx.Router
) -> None:
    from pnplive.payment.errors import EventNotReady

    p, booking_id = await open_stripe(db, clock)
    bare = json.loads(charge_refunded(p, p.amount))
    bare["data"]["object"]["metadata"] = {}
    body = json.dumps(bare).encode()
    before = await support.snapshot(db)
    with pytest.raises(EventNotReady) as caught:
        await send(db, clock, body)
    assert caught.value.status == 409
    assert await support.snapshot(db) == before  # not even the inbox row: the retry will apply
    assert await send(db, clock, stripe_event("checkout.session.completed", session_object(p))) == [
        "confirmed"
    ]
    assert await send(db, clock, body) == ["refunded_at_provider"]
    assert (await support.booking(db, booking_id)).status == Status.REFUNDED
