"""Payments over HTTP: webhooks (raw body, error shape, no change), paying a booking, the sandbox
checkout page end to end, earnings, revenue, payouts and admin refunds."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from sqlalchemy import update

from pnplive.booking.models import Booking
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.payment import refunds
from pnplive.payment.models import Payment
from tests.api.support import World, build_world, client_for, make_app, tomorrow_at
from tests.payment import support
from tests.payment.signers import stripe_event, stripe_sign

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture
async def app(db: Database, clock: FrozenClock) -> FastAPI:
    application = make_app(db, clock)
    application.state.payment_providers = support.all_providers()
    return application


@pytest_asyncio.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app) as c:
        yield c


@pytest_asyncio.fixture
async def world(db: Database, clock: FrozenClock) -> World:
    return await build_world(db, clock)


async def book(client: httpx.AsyncClient, world: World, clock: FrozenClock, key: str) -> str:
    r = await client.post(
        "/api/bookings",
        json={
            "performer_id": world.p.id,
            "start": tomorrow_at(clock, 16).isoformat(),
            "duration": 30,
            "call_type": "video",
            "accept_rules": True,
        },
        headers={**world.headers("other_prime"), "Idempotency-Key": key},
    )
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "pending_payment"
    return str(r.json()["id"])


async def test_end_to_end_through_the_sandbox_checkout_page(
    client: httpx.AsyncClient, world: World, clock: FrozenClock
) -> None:
    booking_id = await book(client, world, clock, "e2e-1")
    member = world.headers("other_prime")
    r = await client.post(
        f"/api/bookings/{booking_id}/pay", json={"provider": "sandbox"}, headers=member
    )
    assert r.status_code == 200, r.text
    checkout = r.json()
    assert checkout["provider"] == "sandbox" and checkout["amount"] == 300 * 30
    assert "sandbox" in checkout["offered"] and "stripe" in checkout["offered"]
    url = checkout["checkout_url"]
    assert url == f"http://testserver/checkout/sandbox/{checkout['payment_id']}"

    page = await client.get(url)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "$90.00" in page.text
    action = re.search(r'action="([^"]+/pay)"', page.text)
    assert action is not None

    clock.advance(minutes=1)
    paid = await client.post(action.group(1))
    assert paid.status_code == 303
    after = await client.get(paid.headers["location"])
    assert "Paid. Your booking is confirmed." in after.text
    assert 'id="pay"' not in after.text  # no second payment from the page

    details = await client.get(f"/api/bookings/{booking_id}", headers=member)
    assert details.json()["status"] == "confirmed"
    again = await client.post(action.group(1))
    assert again.status_code == 422
    assert again.json()["error"]["code"] == "invalid_input"


async def test_decline_then_pay(
    client: httpx.AsyncClient, world: World, clock: FrozenClock
) -> None:
    booking_id = await book(client, world, clock, "e2e-2")
    member = world.headers("other_prime")
    checkout = (
        await client.post(
            f"/api/bookings/{booking_id}/pay", json={"provider": "sandbox"}, headers=member
        )
    ).json()
    pid = checkout["payment_id"]
    declined = await client.post(f"/checkout/sandbox/{pid}/decline")
    page = await client.get(declined.headers["location"])
    assert "Payment declined" in page.text and 'id="pay"' in page.text
    details = await client.get(f"/api/bookings/{booking_id}", headers=member)
    assert details.json()["status"] == "pending_payment"
    await client.post(f"/checkout/sandbox/{pid}/pay")
    details = await client.get(f"/api/bookings/{booking_id}", headers=member)
    assert details.json()["status"] == "confirmed"


async def test_pay_is_refused_for_others_and_for_unknown_providers(
    client: httpx.AsyncClient, world: World, clock: FrozenClock
) -> None:
    booking_id = await book(client, world, clock, "e2e-3")
    r = await client.post(
        f"/api/bookings/{booking_id}/pay", json={}, headers=world.headers("prime")
    )
    assert r.status_code == 404
    r = await client.post(
        f"/api/bookings/{booking_id}/pay",
        json={"provider": "telegram_stars"},
        headers=world.headers("other_prime"),
    )
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "provider_not_offered"
    r = await client.post(
        f"/api/bookings/{world.b.public_id}/pay", json={}, headers=world.headers("prime")
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "booking_not_payable"
    r = await client.post(f"/api/bookings/{booking_id}/pay", json={})
    assert r.status_code == 401


async def test_the_member_sees_how_their_booking_can_be_paid(
    client: httpx.AsyncClient, world: World, clock: FrozenClock
) -> None:
    booking_id = await book(client, world, clock, "e2e-options")
    member = world.headers("other_prime")
    r = await client.get(f"/api/bookings/{booking_id}/pay", headers=member)
    assert r.status_code == 200, r.text
    options = r.json()
    assert options["booking_id"] == booking_id and options["currency"] == "USD"
    # The same providers, in the same order, as a checkout offers (the default first).
    checkout = await client.post(
        f"/api/bookings/{booking_id}/pay", json={"provider": "sandbox"}, headers=member
    )
    assert options["offered"] == checkout.json()["offered"]
    assert options["offered"][0] == "stripe"
    assert "telegram_stars" not in options["offered"]  # Stars take XTR only
    r = await client.get(f"/api/bookings/{booking_id}/pay", headers=world.headers("prime"))
    assert r.status_code == 404  # another member's booking is not there for them
    clock.advance(hours=2)  # past the time to pay
    r = await client.get(f"/api/bookings/{booking_id}/pay", headers=member)
    assert r.status_code == 409 and r.json()["error"]["code"] == "booking_not_payable"


async def stripe_completion(
    client: httpx.AsyncClient, world: World, clock: FrozenClock, db: Database, key: str
) -> tuple[str, Payment, bytes, dict[str, str]]:
    """A booking with an open Stripe checkout, and the signed completion Stripe would send:
    (booking id, payment, body, headers)."""
    from tests.payment.signers import session_object

    booking_id = await book(client, world, clock, key)
    with respx_stripe():
        checkout = (
            await client.post(
                f"/api/bookings/{booking_id}/pay",
                json={"provider": "stripe"},
                headers=world.headers("other_prime"),
            )
        ).json()
    p = await support.payment(db, checkout["payment_id"])
    body = stripe_event("checkout.session.completed", session_object(p))
    headers = {**stripe_sign(body, clock.now()), "Content-Type": "application/json"}
    return booking_id, p, body, headers


async def test_stripe_webhook_over_http_verifies_the_raw_body(
    client: httpx.AsyncClient, world: World, clock: FrozenClock, db: Database
) -> None:
    booking_id, _p, body, headers = await stripe_completion(client, world, clock, db, "e2e-4")
    member = world.headers("other_prime")
    before = await support.snapshot(db)
    # The same JSON re-serialised (spaces removed) no longer matches the signature.
    compact = body.replace(b": ", b":").replace(b", ", b",")
    r = await client.post("/webhooks/stripe", content=compact, headers=headers)
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "invalid_signature"
    r = await client.post(
        "/webhooks/stripe", content=body, headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 401 and r.json()["error"]["code"] == "missing_signature"
    bad = b"{not json"
    r = await client.post("/webhooks/stripe", content=bad, headers=stripe_sign(bad, clock.now()))
    assert r.status_code == 400 and r.json()["error"]["code"] == "malformed_webhook"
    r = await client.post("/webhooks/nope", content=body, headers=headers)
    assert r.status_code == 404
    assert await support.snapshot(db) == before

    r = await client.post("/webhooks/stripe", content=body, headers=headers)
    assert r.status_code == 200 and r.json() == {
        "received": True,
        "duplicate": False,
        "outcomes": ["confirmed"],
    }
    r = await client.post("/webhooks/stripe", content=body, headers=headers)
    assert r.status_code == 200 and r.json()["duplicate"] is True
    assert (await client.get(f"/api/bookings/{booking_id}", headers=member)).json()[
        "status"
    ] == "confirmed"


def respx_stripe():  # type: ignore[no-untyped-def]
    import respx

    from tests.payment.signers import StripeSigner

    router = respx.mock(assert_all_called=False)
    StripeSigner().mock_checkout(router)
    return router


async def test_earnings_payouts_revenue_and_admin_refund(
    client: httpx.AsyncClient, world: World, clock: FrozenClock, db: Database, app: FastAPI
) -> None:
    booking_id = await book(client, world, clock, "e2e-5")
    member = world.headers("other_prime")
    checkout = (
        await client.post(
            f"/api/bookings/{booking_id}/pay", json={"provider": "sandbox"}, headers=member
        )
    ).json()
    await client.post(f"/checkout/sandbox/{checkout['payment_id']}/pay")

    performer = world.headers("performer")
    r = await client.get("/api/model/me/earnings", headers=performer)
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["balances"] == [
        {
            "currency": "USD",
            "earned": 6300,
            "refunded": 0,
            "earnings": 6300,
            "paid_out": 0,
            "balance": 6300,
            "pending": 6300,  # the call is still to come: a no-show would refund it
            "available": 0,
        }
    ]
    assert [(e["kind"], e["amount"], e["booking_id"]) for e in data["entries"]] == [
        ("payment", 9000, booking_id)
    ]
    assert (await client.get("/api/model/me/earnings", headers=member)).status_code == 403

    admin = world.headers("admin_token")
    early = {"performer_id": world.p.id, "amount": 100, "currency": "USD", "method": "bank"}
    r = await client.post("/api/admin/payouts", json=early, headers=admin)
    assert r.status_code == 409 and r.json()["error"]["details"]["available"] == 0
    async with db.transaction() as s:  # the call took place
        await s.execute(
            update(Booking).where(Booking.public_id == booking_id).values(status="completed")
        )
    too_much = {**early, "amount": 6301}
    r = await client.post("/api/admin/payouts", json=too_much, headers=admin)
    assert r.status_code == 409 and r.json()["error"]["details"]["available"] == 6300
    ok = {**too_much, "amount": 5000, "reference": "SEPA-1"}
    r = await client.post("/api/admin/payouts", json=ok, headers=admin)
    assert r.status_code == 201, r.text
    assert (await client.post("/api/admin/payouts", json=ok, headers=performer)).status_code == 403
    r = await client.post("/api/admin/payouts", json={**ok, "currency": "ZZZ"}, headers=admin)
    assert r.status_code == 422

    r = await client.post(
        f"/api/admin/bookings/{booking_id}/refund", json={"reason": "performer ill"}, headers=admin
    )
    assert r.status_code == 201, r.text
    refund = r.json()
    assert (refund["amount"], refund["status"], refund["provider"]) == (9000, "pending", "sandbox")
    r = await client.post(f"/api/admin/bookings/{booking_id}/refund", json={}, headers=admin)
    assert r.status_code == 409  # nothing left to refund
    run = await refunds.execute_refund(
        db, refund["id"], providers=app.state.payment_providers, clock=clock
    )
    assert run.status == "succeeded"
    assert (await client.get(f"/api/bookings/{booking_id}", headers=member)).json()[
        "status"
    ] == "refunded"

    r = await client.get("/api/admin/revenue", headers=admin)
    assert r.status_code == 200
    (line,) = r.json()["lines"]
    assert (line["payments"], line["refunds"], line["net"], line["commission"]) == (
        9000,
        9000,
        0,
        0,
    )
    assert (line["performer_earnings"], line["payouts"]) == (0, 5000)
    r = await client.get("/api/admin/revenue?from=2027-03-01T00:00:00", headers=admin)
    assert r.status_code == 422
    r = await client.get("/api/admin/revenue?from=2030-01-01T00:00:00Z", headers=admin)
    assert r.json()["lines"] == []
    # Paid out more than is now earned: the balance shows it as owed back.
    data = (await client.get("/api/model/me/earnings", headers=performer)).json()
    assert data["balances"][0]["balance"] == -5000
    assert [p["reference"] for p in data["payouts"]] == ["SEPA-1"]


async def test_telegram_pre_checkout_is_answered_in_the_webhook_reply(
    client: httpx.AsyncClient, world: World, clock: FrozenClock, db: Database
) -> None:
    import json

    import respx

    from tests.payment.signers import TG_SECRET, StarsSigner

    setup = await support.pending_booking(db, clock, currency="XTR", price=10)
    from pnplive.payment import service

    with respx.mock(assert_all_called=False) as router:
        StarsSigner().mock_checkout(router)
        p = await service.start_checkout(
            db,
            setup.booking_id,
            providers=support.all_providers(),
            clock=clock,
            public_base_url="http://testserver",
            provider="telegram_stars",
        )

    def query(amount: int) -> bytes:
        return json.dumps(
            {
                "update_id": 10 + amount,
                "pre_checkout_query": {
                    "id": f"pcq{amount}",
                    "from": {"id": 5, "is_bot": False, "first_name": "M"},
                    "currency": "XTR",
                    "total_amount": amount,
                    "invoice_payload": p.public_id,
                },
            }
        ).encode()

    r = await client.post("/webhooks/telegram_stars", content=query(300), headers=TG_SECRET)
    assert r.status_code == 200
    assert r.json() == {
        "method": "answerPreCheckoutQuery",
        "pre_checkout_query_id": "pcq300",
        "ok": True,
    }
    r = await client.post("/webhooks/telegram_stars", content=query(30), headers=TG_SECRET)
    assert r.json()["ok"] is False and r.json()["error_message"]
    r = await client.post("/webhooks/telegram_stars", content=query(300), headers={})
    assert r.status_code == 401


async def _paid_through_the_sandbox(
    client: httpx.AsyncClient, world: World, clock: FrozenClock, key: str
) -> str:
    booking_id = await book(client, world, clock, key)
    member = world.headers("other_prime")
    checkout = (
        await client.post(
            f"/api/bookings/{booking_id}/pay", json={"provider": "sandbox"}, headers=member
        )
    ).json()
    page = await client.get(checkout["checkout_url"])
    action = re.search(r'action="([^"]+/pay)"', page.text)
    assert action is not None
    assert (await client.post(action.group(1))).status_code == 303
    return booking_id


@pytest.mark.parametrize(
    ("who", "path", "expected_amount"),
    [
        ("other_prime", "/api/bookings/{id}/cancel", 9000),  # > 24 h before: full refund
        ("admin", "/api/admin/bookings/{id}/cancel", 9000),
    ],
)
async def test_cancelling_a_paid_booking_over_http_owes_its_refund(
    client: httpx.AsyncClient,
    world: World,
    clock: FrozenClock,
    db: Database,
    who: str,
    path: str,
    expected_amount: int,
) -> None:
    booking_id = await _paid_through_the_sandbox(client, world, clock, f"cancel-{who}")
    r = await client.post(
        path.format(id=booking_id), json={"reason": "plans changed"}, headers=world.headers(who)
    )
    assert r.status_code == 200, r.text
    assert r.json()["refund"]["amount"]["amount"] == expected_amount
    (refund,) = await support.refunds_of(db, booking_id)
    assert refund.amount == expected_amount
    assert [j.key for j in await support.jobs(db, "refund")] == [refund.public_id]


async def test_a_provider_outage_answers_502_and_the_booking_stays_payable(
    client: httpx.AsyncClient, world: World, clock: FrozenClock, db: Database
) -> None:
    import respx

    from pnplive.payment.models import Payment, PaymentStatus

    booking_id = await book(client, world, clock, "outage-1")
    member = world.headers("other_prime")
    with respx.mock(assert_all_called=False) as router:
        router.post(url__regex=r".*/v1/checkout/sessions$").mock(
            return_value=httpx.Response(500, json={"error": {"message": "down"}})
        )
        r = await client.post(
            f"/api/bookings/{booking_id}/pay", json={"provider": "stripe"}, headers=member
        )
    assert r.status_code == 502, r.text
    assert set(r.json()["error"]) == {"code", "message", "details"}
    async with db.transaction() as s:
        from sqlalchemy import select

        (attempt,) = (await s.scalars(select(Payment))).all()
    assert attempt.status == PaymentStatus.FAILED
    assert (await support.booking(db, booking_id)).status == "pending_payment"
    # The member can pay another way at once.
    again = await client.post(
        f"/api/bookings/{booking_id}/pay", json={"provider": "sandbox"}, headers=member
    )
    assert again.status_code == 200, again.text


WEBHOOK_BUDGET = 16  # statements to verify and apply a payment's completion (20 before)


async def test_a_payment_webhook_is_applied_in_few_statements(
    client: httpx.AsyncClient, world: World, clock: FrozenClock, db: Database
) -> None:
    from tests.api.test_statement_counts import counting

    booking_id, p, body, headers = await stripe_completion(client, world, clock, db, "count-1")
    member = world.headers("other_prime")
    with counting(db) as c:
        r = await client.post("/webhooks/stripe", content=body, headers=headers)
    assert r.status_code == 200 and r.json()["outcomes"] == ["confirmed"], r.text
    assert 0 < len(c.statements) <= WEBHOOK_BUDGET, c.statements
    # The inbox row says what happened, and to which payment.
    from sqlalchemy import select

    from pnplive.payment.models import WebhookEvent

    async with db.reading() as s:
        [inbox] = (await s.scalars(select(WebhookEvent))).all()
    assert (inbox.outcome, inbox.payment_id) == ("confirmed", p.id)
    details = await client.get(f"/api/bookings/{booking_id}", headers=member)
    assert details.json()["status"] == "confirmed"
