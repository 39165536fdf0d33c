"""Admins see the money: payments (flagged too), refunds (owed by hand too), a performer's
ledger (issue 7, defect 11)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI

from pnplive.booking import service as bookings
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.payment import refunds, service
from tests.api.support import bearer, client_for, make_app
from tests.payment import support
from tests.payment.signers import SIGNERS, Paid

pytestmark = pytest.mark.asyncio
PROVIDERS = support.all_providers()
SANDBOX = next(s for s in SIGNERS if s.provider == "sandbox")


@pytest_asyncio.fixture
async def client(db: Database, clock: FrozenClock) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = make_app(db, clock)
    app.state.payment_providers = PROVIDERS
    async with client_for(app) as c:
        yield c


async def pay(db: Database, clock: FrozenClock, amount: int | None = None, hour: int = 10) -> str:
    setup = await support.pending_booking(db, clock, days=2, hour=hour)
    p = await service.start_checkout(
        db,
        setup.booking_id,
        providers=PROVIDERS,
        clock=clock,
        public_base_url="http://testserver",
        provider="sandbox",
    )
    body, headers = SANDBOX.paid(p, clock.now(), Paid(amount=amount))
    await service.process_webhook(db, "sandbox", body, headers, providers=PROVIDERS, clock=clock)
    return setup.booking_id


async def test_admins_list_payments_refunds_and_a_ledger(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    from pnplive.auth import tokens

    good = await pay(db, clock)
    short = await pay(db, clock, amount=100, hour=14)  # paid 1.00 for a 60.00 call
    async with db.transaction() as s:
        _, plain = await tokens.create(s, "ops", "admin", clock.now())
        b = await bookings.get_booking(s, good)
        await refunds.refund_booking(
            s,
            b,
            amount=1500,
            reason="goodwill",
            requested_by="admin",
            actor_id=None,
            now=clock.now(),
        )
    h = bearer(plain)
    flagged = (await client.get("/api/admin/payments?status=flagged", headers=h)).json()
    (item,) = flagged["items"]
    assert item["booking_id"] == short and item["paid"]["formatted"] == "$1.00"
    assert item["amount"]["formatted"] == "$60.00" and item["applied"] is False
    every = (await client.get("/api/admin/payments", headers=h)).json()
    assert every["total"] == 2
    owed = (await client.get("/api/admin/refunds?status=pending", headers=h)).json()
    (r,) = owed["items"]
    assert (r["booking_id"], r["amount"]["amount"], r["requested_by"]) == (good, 1500, "admin")
    perf = (await client.get("/api/admin/payments?performer_id=999999", headers=h)).json()
    assert perf["total"] == 0
    performer_id = (await support.booking(db, good)).performer_id
    ledger = (await client.get(f"/api/admin/models/{performer_id}/ledger", headers=h)).json()
    assert ledger["performer_id"] == performer_id
    assert [e["booking_id"] for e in ledger["entries"] if e["kind"] == "payment"] == [good]
    missing = await client.get("/api/admin/models/999999/ledger", headers=h)
    assert missing.status_code == 404
