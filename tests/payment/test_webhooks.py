"""Every provider's webhooks (F-PAY-2, F-PAY-3): a valid one confirms, a replay changes nothing,
and a tampered, wrongly signed, stale, unsigned or malformed one is refused with no change."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime

import pytest
import pytest_asyncio
import respx

from pnplive.booking.states import Status
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.payment import service
from pnplive.payment.errors import (
    InvalidSignature,
    MalformedWebhook,
    MissingSignature,
    StaleWebhook,
    WebhookRejected,
)
from pnplive.payment.models import LedgerEntry, Payment, PaymentStatus
from pnplive.payment.providers.registry import Providers
from tests.payment import support
from tests.payment.signers import SIGNERS, Paid, Signed, Signer

pytestmark = pytest.mark.asyncio
PROVIDERS = support.all_providers()
IDS = [s.provider for s in SIGNERS]


@pytest_asyncio.fixture
async def fake_apis() -> AsyncIterator[respx.Router]:
    with respx.mock(assert_all_called=False) as router:
        for signer in SIGNERS:
            signer.mock_checkout(router)
        yield router


async def open_payment(
    db: Database, clock: FrozenClock, signer: Signer, providers: Providers = PROVIDERS
) -> Payment:
    setup = await support.pending_booking(db, clock, currency=signer.currency, price=signer.price)
    return await service.start_checkout(
        db,
        setup.booking_id,
        providers=providers,
        clock=clock,
        public_base_url="http://testserver",
        provider=signer.provider,
    )


async def deliver(db: Database, clock: FrozenClock, provider: str, signed: Signed) -> list[str]:
    body, headers = signed
    result = await service.process_webhook(
        db, provider, body, headers, providers=PROVIDERS, clock=clock
    )
    return [r.outcome for r in result.results]


@pytest.mark.parametrize("signer", SIGNERS, ids=IDS)
async def test_valid_webhook_confirms_and_the_same_event_again_changes_nothing(
    db: Database, clock: FrozenClock, fake_apis: respx.Router, signer: Signer
) -> None:
    p = await open_payment(db, clock, signer)
    assert p.status == PaymentStatus.OPEN
    assert p.checkout_url or p.invoice
    clock.advance(minutes=2)
    signed = signer.paid(p, clock.now())
    assert await deliver(db, clock, signer.provider, signed) == ["confirmed"]
    booking = await support.booking(db, (await _booking_id(db, p)))
    assert booking.status == Status.CONFIRMED
    assert booking.paid_at == clock.now()
    paid = await support.payment(db, p.public_id)
    assert (paid.status, paid.paid_amount, paid.applied) == ("paid", p.amount, True)
    before = await support.snapshot(db)
    assert before["ledger_entries"] == 1
    # The confirmation notices, and the call side opening the room and watching the start.
    assert sorted(j.kind for j in await support.jobs(db)) == ["booking_confirmed", "call_scheduled"]

    clock.advance(seconds=30)
    assert await deliver(db, clock, signer.provider, signed) == ["duplicate"]
    assert await support.snapshot(db) == before


async def _booking_id(db: Database, p: Payment) -> str:
    from pnplive.booking.models import Booking

    async with db.transaction() as s:
        b = await s.get(Booking, p.booking_id)
        assert b is not None
        return b.public_id


Variant = Callable[[Signer, Payment, datetime], Signed | None]
VARIANTS: dict[str, tuple[Variant, type[WebhookRejected], int]] = {
    "tampered body": (lambda s, p, now: s.tamper(s.paid(p, now)), InvalidSignature, 401),
    "wrong secret": (lambda s, p, now: s.wrong_secret(p, now), InvalidSignature, 401),
    "stale timestamp": (lambda s, p, now: s.stale(p, now), StaleWebhook, 401),
    "missing signature": (lambda s, p, now: s.missing(p, now), MissingSignature, 401),
    "malformed body": (lambda s, p, now: s.malformed(now), MalformedWebhook, 400),
}


# Stale timestamps only where the provider signs one (sandbox, Stripe, Wompi).
REFUSALS = [
    pytest.param(signer, variant, id=f"{signer.provider}-{variant}")
    for signer in SIGNERS
    for variant in VARIANTS
    if variant != "stale timestamp" or signer.has_timestamp
]


@pytest.mark.parametrize(("signer", "variant"), REFUSALS)
async def test_refused_webhooks_change_nothing(
    db: Database, clock: FrozenClock, fake_apis: respx.Router, signer: Signer, variant: str
) -> None:
    make, error, status = VARIANTS[variant]
    p = await open_payment(db, clock, signer)
    signed = make(signer, p, clock.now())
    assert signed is not None
    before = await support.snapshot(db)
    with pytest.raises(error) as caught:
        await deliver(db, clock, signer.provider, signed)
    assert caught.value.status == status
    assert caught.value.message
    assert await support.snapshot(db) == before
    # ... and the genuine event still goes through afterwards.
    assert await deliver(db, clock, signer.provider, signer.paid(p, clock.now())) == ["confirmed"]


@pytest.mark.parametrize("signer", SIGNERS, ids=IDS)
async def test_amount_or_currency_mismatch_is_flagged_not_confirmed(
    db: Database, clock: FrozenClock, fake_apis: respx.Router, signer: Signer
) -> None:
    p = await open_payment(db, clock, signer)
    short = signer.paid(p, clock.now(), Paid(amount=p.amount - 100))
    assert await deliver(db, clock, signer.provider, short) == ["flagged"]
    flagged = await support.payment(db, p.public_id)
    assert flagged.status == PaymentStatus.FLAGGED
    assert flagged.flag_reason and str(p.amount) in flagged.flag_reason
    booking = await support.booking(db, await _booking_id(db, p))
    assert booking.status == Status.PENDING_PAYMENT
    alerts = await support.jobs(db, "admin_alert")
    assert len(alerts) == 1 and alerts[0].payload["kind"] == "payment_mismatch"
    # The money that did arrive is on the ledger, so it can be refunded and is never lost.
    async with db.transaction() as s:
        from sqlalchemy import select

        entries = (await s.scalars(select(LedgerEntry))).all()
    assert [(e.kind, e.amount) for e in entries] == [("suspense", p.amount - 100)]


async def test_currency_mismatch_is_flagged(
    db: Database, clock: FrozenClock, fake_apis: respx.Router
) -> None:
    signer = SIGNERS[0]  # the sandbox takes every currency, so the event can name another
    p = await open_payment(db, clock, signer)
    signed = signer.paid(p, clock.now(), Paid(currency="EUR"))
    assert await deliver(db, clock, signer.provider, signed) == ["flagged"]
    flagged = await support.payment(db, p.public_id)
    assert flagged.flag_reason == "paid in EUR, expected USD"
    assert (await support.booking(db, await _booking_id(db, p))).status == Status.PENDING_PAYMENT


async def test_an_event_for_another_providers_payment_is_not_applied(
    db: Database, clock: FrozenClock, fake_apis: respx.Router
) -> None:
    stripe_signer, sandbox_signer = SIGNERS[1], SIGNERS[0]
    p = await open_payment(db, clock, stripe_signer)
    # A sandbox-signed event naming a Stripe payment: genuine sandbox, but not its payment.
    assert await deliver(db, clock, "sandbox", sandbox_signer.paid(p, clock.now())) == [
        "unknown_payment"
    ]
    assert (await support.payment(db, p.public_id)).status == PaymentStatus.OPEN


async def test_concurrent_deliveries_apply_once(
    db: Database, clock: FrozenClock, fake_apis: respx.Router
) -> None:
    import asyncio

    signer = SIGNERS[0]
    p = await open_payment(db, clock, signer)
    same = signer.paid(p, clock.now(), Paid(event_id="sbxevt_same"))
    others = [signer.paid(p, clock.now()) for _ in range(3)]  # "completion" with other ids
    outcomes = await asyncio.gather(
        *(deliver(db, clock, "sandbox", signed) for signed in [same] * 8 + others)
    )
    flat = sorted(o for out in outcomes for o in out)
    assert flat.count("confirmed") == 1
    assert flat.count("duplicate") == 7
    assert flat.count("already_paid") == 3
    snap = await support.snapshot(db)
    assert snap["ledger_entries"] == 1 and snap["refunds"] == 0 and snap["webhook_events"] == 4
