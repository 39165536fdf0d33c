"""Refunds (F-PAY-5) by policy and by provider, and provider-specific event paths."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import httpx
import pytest
import pytest_asyncio
import respx
from sqlalchemy import select

from pnplive.booking import service as bookings
from pnplive.booking.models import Booking
from pnplive.booking.states import Status
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.payment import refunds, service
from pnplive.payment.errors import RefundNotAllowed
from pnplive.payment.models import LedgerEntry, Payment, PaymentStatus, RefundStatus
from tests.factories import actor_as
from tests.payment import support
from tests.payment.signers import (
    FORM,
    SIGNERS,
    TG_SECRET,
    Signer,
    daimo_auth,
    daimo_event,
    epayco_fields,
    epayco_sign,
    stars_update,
    wompi_event,
    wompi_sign,
)

pytestmark = pytest.mark.asyncio
PROVIDERS = support.all_providers()
BY_NAME = {s.provider: s for s in SIGNERS}


@pytest_asyncio.fixture
async def fake_apis() -> AsyncIterator[respx.Router]:
    with respx.mock(assert_all_called=False) as router:
        for signer in SIGNERS:
            signer.mock_checkout(router)
        yield router


async def paid_booking(
    db: Database, clock: FrozenClock, provider: str, *, days: int = 1, hour: int = 10
) -> tuple[Payment, str]:
    signer: Signer = BY_NAME[provider]
    setup = await support.pending_booking(
        db, clock, currency=signer.currency, price=signer.price, days=days, hour=hour
    )
    p = await service.start_checkout(
        db,
        setup.booking_id,
        providers=PROVIDERS,
        clock=clock,
        public_base_url="http://testserver",
        provider=provider,
    )
    body, headers = signer.paid(p, clock.now())
    result = await service.process_webhook(
        db, provider, body, headers, providers=PROVIDERS, clock=clock
    )
    assert [r.outcome for r in result.results] == ["confirmed"]
    return await support.payment(db, p.public_id), setup.booking_id


async def cancel(db: Database, clock: FrozenClock, booking_id: str, by: str) -> str | None:
    async with db.transaction() as s:
        b = await bookings.get_booking(s, booking_id)
        done = await refunds.cancel_booking(
            s, b, by=actor_as(by, b), now=clock.now(), rules=support.RULES
        )
        return done.refund.public_id if done.refund else None


async def ledger(db: Database) -> list[tuple[str, int, int, int]]:
    async with db.transaction() as s:
        rows = (await s.scalars(select(LedgerEntry).order_by(LedgerEntry.id))).all()
        return [(e.kind, e.amount, e.commission, e.performer_amount) for e in rows]


async def test_member_cancellation_refunds_per_policy_partially(
    db: Database, clock: FrozenClock, fake_apis: respx.Router
) -> None:
    # 4 hours before the start: the default policy refunds 50 %.
    _p, booking_id = await paid_booking(db, clock, "sandbox", days=0, hour=13)
    refund_id = await cancel(db, clock, booking_id, "user")
    assert refund_id is not None
    run = await refunds.execute_refund(db, refund_id, providers=PROVIDERS, clock=clock)
    assert run.status == "succeeded"
    (r,) = await support.refunds_of(db, booking_id)
    assert (r.amount, r.provider_refund_id) == (3000, f"sbxre_{refund_id}")
    # Half came back; the rest stays paid, so the booking stays cancelled (not refunded).
    assert (await support.booking(db, booking_id)).status == Status.CANCELLED
    assert await ledger(db) == [("payment", 6000, 1800, 4200), ("refund", 3000, 900, 2100)]
    assert [j.key for j in await support.jobs(db, "refund_issued")] == [refund_id]


async def test_member_cancellation_too_late_refunds_nothing(
    db: Database, clock: FrozenClock, fake_apis: respx.Router
) -> None:
    _p, booking_id = await paid_booking(db, clock, "sandbox", days=0, hour=13)
    clock.advance(hours=2, minutes=30)  # 1.5 h before: past the 2 h cutoff
    from pnplive.booking.errors import CancelNotAllowed

    with pytest.raises(CancelNotAllowed):
        await cancel(db, clock, booking_id, "user")
    assert await support.refunds_of(db, booking_id) == []


async def test_refund_amount_is_bounded_by_what_was_paid(
    db: Database, clock: FrozenClock, fake_apis: respx.Router
) -> None:
    p, _booking_id = await paid_booking(db, clock, "sandbox")
    async with db.transaction() as s:
        payment = await service.get_payment(s, p.public_id)
        with pytest.raises(RefundNotAllowed):
            await refunds.request_refund(
                s,
                payment,
                amount=6001,
                reason="x",
                requested_by="admin",
                actor_id=1,
                now=clock.now(),
            )
        await refunds.request_refund(
            s, payment, amount=4000, reason="x", requested_by="admin", actor_id=1, now=clock.now()
        )
        with pytest.raises(RefundNotAllowed) as caught:
            await refunds.request_refund(
                s,
                payment,
                amount=2001,
                reason="x",
                requested_by="admin",
                actor_id=1,
                now=clock.now(),
            )
        assert caught.value.details["refundable"] == 2000


async def test_performer_no_show_is_refunded_in_full(
    db: Database, clock: FrozenClock, fake_apis: respx.Router
) -> None:
    _p, booking_id = await paid_booking(db, clock, "sandbox")
    async with db.transaction() as s:
        b = await bookings.get_booking(s, booking_id)
        with pytest.raises(RefundNotAllowed):
            await refunds.refund_performer_no_show(s, b, clock.now())
    async with db.transaction() as s:
        b = await bookings.get_booking(s, booking_id)
        await bookings.transition(s, b, Status.NO_SHOW_PERFORMER, actor="system", now=clock.now())
        r = await refunds.refund_performer_no_show(s, b, clock.now())
        refund_id = r.public_id
    await refunds.execute_refund(db, refund_id, providers=PROVIDERS, clock=clock)
    assert (await support.booking(db, booking_id)).status == Status.REFUNDED


@pytest.mark.parametrize("provider", ["wompi", "epayco", "daimo"])
async def test_providers_without_a_refund_api_leave_it_to_an_admin(
    db: Database, clock: FrozenClock, fake_apis: respx.Router, provider: str
) -> None:
    _p, booking_id = await paid_booking(db, clock, provider)
    refund_id = await cancel(db, clock, booking_id, "performer")
    assert refund_id is not None
    run = await refunds.execute_refund(db, refund_id, providers=PROVIDERS, clock=clock)
    assert run.status == RefundStatus.MANUAL_REQUIRED and run.error
    (alert,) = await support.jobs(db, "admin_alert")
    assert alert.payload["kind"] == "refund_manual_required"
    assert (await support.booking(db, booking_id)).status == Status.CANCELLED
    assert [e[0] for e in await ledger(db)] == ["payment"]
    async with db.transaction() as s:
        await refunds.mark_refund_done(
            s, refund_id, admin_id=1, reference="bank transfer 991", now=clock.now()
        )
    (r,) = await support.refunds_of(db, booking_id)
    assert (r.status, r.provider_refund_id) == ("succeeded", "bank transfer 991")
    assert (await support.booking(db, booking_id)).status == Status.REFUNDED
    assert [e[0] for e in await ledger(db)] == ["payment", "refund"]


async def test_telegram_stars_refund_calls_refund_star_payment(
    db: Database, clock: FrozenClock, fake_apis: respx.Router
) -> None:
    p, booking_id = await paid_booking(db, clock, "telegram_stars")
    assert p.payer_ref == "777000111" and p.transaction_id == "stxCHARGE123"
    refund_id = await cancel(db, clock, booking_id, "admin")
    assert refund_id is not None
    route = fake_apis.post(f"{support.TELEGRAM_API}/bot{support.BOT_TOKEN}/refundStarPayment")
    route.mock(
        side_effect=[
            httpx.Response(502),
            httpx.Response(
                400,
                json={
                    "ok": False,
                    "error_code": 400,
                    "description": "Bad Request: CHARGE_ALREADY_REFUNDED",
                },
            ),
        ]
    )
    # The first answer is lost (502, retried once); the retry finds it already refunded.
    run = await refunds.execute_refund(db, refund_id, providers=PROVIDERS, clock=clock)
    assert run.status == "succeeded"
    assert json.loads(route.calls[0].request.content) == {
        "user_id": 777000111,
        "telegram_payment_charge_id": "stxCHARGE123",
    }
    assert (await support.booking(db, booking_id)).status == Status.REFUNDED


async def test_telegram_stars_partial_refund_needs_an_admin(
    db: Database, clock: FrozenClock, fake_apis: respx.Router
) -> None:
    _p, booking_id = await paid_booking(db, clock, "telegram_stars", days=0, hour=13)
    refund_id = await cancel(db, clock, booking_id, "user")  # 50 %
    assert refund_id is not None
    run = await refunds.execute_refund(db, refund_id, providers=PROVIDERS, clock=clock)
    assert run.status == RefundStatus.MANUAL_REQUIRED


async def test_telegram_pre_checkout_refuses_what_can_no_longer_be_paid(
    db: Database, clock: FrozenClock, fake_apis: respx.Router
) -> None:
    setup = await support.pending_booking(db, clock, currency="XTR", price=10)
    p = await service.start_checkout(
        db,
        setup.booking_id,
        providers=PROVIDERS,
        clock=clock,
        public_base_url="http://testserver",
        provider="telegram_stars",
    )
    assert p.invoice is not None and p.invoice["currency"] == "XTR"
    assert p.invoice["prices"] == [{"label": "Private call, 30 min", "amount": 300}]
    assert p.invoice["payload"] == p.public_id and p.invoice["provider_token"] == ""
    assert p.checkout_url == "https://t.me/$inv"
    async with db.transaction() as s:
        ok = await service.pre_checkout(
            s, p.public_id, currency="XTR", total_amount=300, now=clock.now()
        )
        assert ok == (True, None)
        wrong = await service.pre_checkout(
            s, p.public_id, currency="XTR", total_amount=1, now=clock.now()
        )
        assert wrong[0] is False
        unknown = await service.pre_checkout(
            s, "pay_nope", currency="XTR", total_amount=300, now=clock.now()
        )
        assert unknown[0] is False
    clock.advance(minutes=11)
    async with db.transaction() as s:
        late = await service.pre_checkout(
            s, p.public_id, currency="XTR", total_amount=300, now=clock.now()
        )
    assert late[0] is False and late[1]


async def test_telegram_updates_without_a_payment_are_ignored(
    db: Database, clock: FrozenClock
) -> None:
    body = json.dumps({"update_id": 5, "message": {"message_id": 1, "text": "hi"}}).encode()
    result = await service.process_webhook(
        db, "telegram_stars", body, dict(TG_SECRET), providers=PROVIDERS, clock=clock
    )
    assert [r.outcome for r in result.results] == ["ignored"]


async def test_epayco_pending_then_approved_then_reversed(
    db: Database, clock: FrozenClock, fake_apis: respx.Router
) -> None:
    setup = await support.pending_booking(db, clock, currency="COP", price=200_000)
    p = await service.start_checkout(
        db,
        setup.booking_id,
        providers=PROVIDERS,
        clock=clock,
        public_base_url="http://testserver",
        provider="epayco",
    )
    assert p.invoice == {"kind": "epayco_checkout", "session_id": p.checkout_id, "test": False}
    outcomes = []
    for state in ("3", "1", "6"):
        body = urlencode(epayco_sign(epayco_fields(p, state=state))).encode()
        result = await service.process_webhook(
            db, "epayco", body, FORM, providers=PROVIDERS, clock=clock
        )
        outcomes += [r.outcome for r in result.results]
    assert outcomes == ["pending", "confirmed", "refunded_at_provider"]
    assert (await support.booking(db, setup.booking_id)).status == Status.REFUNDED
    assert [e[:2] for e in await ledger(db)] == [("payment", 6_000_000), ("refund", 6_000_000)]


async def test_epayco_confirmation_by_get_query(
    db: Database, clock: FrozenClock, fake_apis: respx.Router
) -> None:
    setup = await support.pending_booking(db, clock, currency="COP", price=200_000)
    p = await service.start_checkout(
        db,
        setup.booking_id,
        providers=PROVIDERS,
        clock=clock,
        public_base_url="http://testserver",
        provider="epayco",
    )
    query = urlencode(epayco_sign(epayco_fields(p))).encode()
    result = await service.process_webhook(
        db, "epayco", query, {}, providers=PROVIDERS, clock=clock
    )
    assert [r.outcome for r in result.results] == ["confirmed"]


async def test_wompi_checkout_link_and_declined_then_voided(
    db: Database, clock: FrozenClock, fake_apis: respx.Router
) -> None:
    setup = await support.pending_booking(db, clock, currency="COP", price=200_000)
    p = await service.start_checkout(
        db,
        setup.booking_id,
        providers=PROVIDERS,
        clock=clock,
        public_base_url="http://testserver",
        provider="wompi",
    )
    import hashlib
    from urllib.parse import parse_qs, urlsplit

    assert p.checkout_url is not None
    q = {k: v[0] for k, v in parse_qs(urlsplit(p.checkout_url).query).items()}
    assert q["reference"] == p.public_id and q["amount-in-cents"] == "6000000"
    assert q["currency"] == "COP" and q["public-key"] == "pub_test_wompi"
    raw = f"{p.public_id}6000000COP{q['expiration-time']}test_integrity_secret"
    assert q["signature:integrity"] == hashlib.sha256(raw.encode()).hexdigest()
    assert q["expiration-time"] == "2027-03-01T09:10:00.000Z"

    declined = wompi_sign(wompi_event(p, clock.now(), status="DECLINED"))
    result = await service.process_webhook(db, "wompi", *declined, providers=PROVIDERS, clock=clock)
    assert [r.outcome for r in result.results] == ["failed"]
    assert (await support.payment(db, p.public_id)).status == PaymentStatus.FAILED
    assert (await support.booking(db, setup.booking_id)).status == Status.PENDING_PAYMENT


async def test_daimo_checkout_request_and_bounce(
    db: Database, clock: FrozenClock, fake_apis: respx.Router
) -> None:
    setup = await support.pending_booking(db, clock)
    p = await service.start_checkout(
        db,
        setup.booking_id,
        providers=PROVIDERS,
        clock=clock,
        public_base_url="http://testserver",
        provider="daimo",
    )
    request = fake_apis.calls.last.request
    assert request.headers["Api-Key"] == "daimo-key"
    assert request.headers["Idempotency-Key"] == f"pnplive-checkout-{p.public_id}"
    sent = json.loads(request.content)
    assert sent["destination"]["amountUnits"] == "60.00"
    assert sent["externalId"] == p.public_id
    assert sent["refundAddress"] == support.SECRETS["daimo_destination_address"]
    body = daimo_event(p, etype="payment_bounced")
    result = await service.process_webhook(
        db, "daimo", body, daimo_auth(), providers=PROVIDERS, clock=clock
    )
    assert [r.outcome for r in result.results] == ["failed"]
    assert (await support.booking(db, setup.booking_id)).status == Status.PENDING_PAYMENT


async def test_paid_stars_update_via_the_bot_path_is_the_same_event(
    db: Database, clock: FrozenClock, fake_apis: respx.Router
) -> None:
    """The bot hands successful_payment updates over; the inbox dedupes with the webhook path."""
    from pnplive.payment.providers.telegram_stars import event_from_update

    setup = await support.pending_booking(db, clock, currency="XTR", price=10)
    p = await service.start_checkout(
        db,
        setup.booking_id,
        providers=PROVIDERS,
        clock=clock,
        public_base_url="http://testserver",
        provider="telegram_stars",
    )
    update = stars_update(p)
    async with db.transaction() as s:
        first = await service.handle_event(
            s, event_from_update(json.loads(update)), now=clock.now()
        )
    result = await service.process_webhook(
        db, "telegram_stars", update, dict(TG_SECRET), providers=PROVIDERS, clock=clock
    )
    assert first.outcome == "confirmed"
    assert [r.outcome for r in result.results] == ["duplicate"]
    async with db.transaction() as s:
        assert (await s.scalar(select(Booking.status))) == Status.CONFIRMED


async def test_payment_jobs_run_by_kind(
    db: Database, clock: FrozenClock, fake_apis: respx.Router
) -> None:
    from pnplive.payment import jobs

    _p, booking_id = await paid_booking(db, clock, "sandbox")
    await cancel(db, clock, booking_id, "admin")
    (job,) = await support.jobs(db, jobs.REFUND)
    run = await jobs.run(db, job.kind, job.payload, providers=PROVIDERS, clock=clock)
    assert getattr(run, "status", None) == "succeeded"
    assert (await support.booking(db, booking_id)).status == Status.REFUNDED


async def _refund_part(db: Database, clock: FrozenClock, booking_id: str, amount: int) -> None:
    async with db.transaction() as s:
        b = await bookings.get_booking(s, booking_id)
        await refunds.refund_booking(
            s,
            b,
            amount=amount,
            reason="goodwill",
            requested_by="admin",
            actor_id=None,
            now=clock.now(),
        )


@pytest.mark.parametrize("by", ["admin", "performer", "user"])
async def test_a_partly_refunded_booking_can_still_be_cancelled(
    db: Database, clock: FrozenClock, fake_apis: respx.Router, by: str
) -> None:
    # Paid 6000 (30 min at 200), two days ahead: every policy gives the full price back.
    _p, booking_id = await paid_booking(db, clock, "sandbox", days=2)
    await _refund_part(db, clock, booking_id, 2000)
    refund_id = await cancel(db, clock, booking_id, by)
    assert (await support.booking(db, booking_id)).status == Status.CANCELLED
    owed = {r.public_id: r.amount for r in await support.refunds_of(db, booking_id)}
    assert refund_id is not None and owed[refund_id] == 4000  # what was left, no more
    assert sum(owed.values()) == 6000


async def test_a_fully_refunded_booking_is_cancelled_with_nothing_more_owed(
    db: Database, clock: FrozenClock, fake_apis: respx.Router
) -> None:
    _p, booking_id = await paid_booking(db, clock, "sandbox", days=2)
    await _refund_part(db, clock, booking_id, 6000)
    assert await cancel(db, clock, booking_id, "admin") is None
    assert (await support.booking(db, booking_id)).status in (Status.CANCELLED, Status.REFUNDED)
    assert [r.amount for r in await support.refunds_of(db, booking_id)] == [6000]


async def test_earlier_refunds_count_towards_a_partial_policy_refund(
    db: Database, clock: FrozenClock, fake_apis: respx.Router
) -> None:
    # 4 hours before the start the member's policy gives back half of 6000 in all.
    _p, booking_id = await paid_booking(db, clock, "sandbox", days=0, hour=13)
    await _refund_part(db, clock, booking_id, 2000)
    refund_id = await cancel(db, clock, booking_id, "user")
    owed = {r.public_id: r.amount for r in await support.refunds_of(db, booking_id)}
    assert refund_id is not None and owed[refund_id] == 1000
    assert sum(owed.values()) == 3000
