"""On SQLite, a request that waits on a payment provider does not keep others waiting
(issue 7, defect 9): it leaves the queue of writers once its own work is committed."""

from __future__ import annotations

import asyncio

import pytest

from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.payment.providers.base import Checkout, CheckoutRequest
from pnplive.payment.providers.sandbox import SandboxProvider
from tests.api.support import build_world, client_for, iso, make_app, tomorrow_at
from tests.payment import support

pytestmark = pytest.mark.asyncio


class SlowSandbox(SandboxProvider):
    """The sandbox, slow to open a checkout until released."""

    def __init__(self) -> None:
        s = support.payment_settings()
        super().__init__(s.secret_key, s.public_base_url)
        self.called = asyncio.Event()
        self.release = asyncio.Event()

    async def create_checkout(self, req: CheckoutRequest) -> Checkout:
        self.called.set()
        await self.release.wait()
        return await super().create_checkout(req)


async def test_a_slow_provider_does_not_hold_up_other_requests(
    db: Database, clock: FrozenClock
) -> None:
    if db.dialect != "sqlite":
        pytest.skip("the in-process queue of writers is SQLite's")
    world = await build_world(db, clock)
    app = make_app(db, clock)
    providers = support.all_providers()
    slow = SlowSandbox()
    providers._by_name["sandbox"] = slow  # type: ignore[attr-defined]
    app.state.payment_providers = providers
    member = world.headers("other_prime")
    async with client_for(app) as client:
        created = await client.post(
            "/api/bookings",
            json={
                "performer_id": world.p.id,
                "start": iso(tomorrow_at(clock, 16)),
                "duration": 30,
                "accept_rules": True,
            },
            headers={**member, "Idempotency-Key": "slow-pay"},
        )
        assert created.status_code == 201, created.text
        paying = asyncio.create_task(
            client.post(
                f"/api/bookings/{created.json()['id']}/pay",
                json={"provider": "sandbox"},
                headers=member,
            )
        )
        await asyncio.wait_for(slow.called.wait(), timeout=10)
        # The provider is still busy: an unrelated request (a write too) answers meanwhile.
        browse = await asyncio.wait_for(
            client.get("/api/models", headers=world.headers("free")), timeout=5
        )
        assert browse.status_code == 200
        me = await asyncio.wait_for(
            client.put("/api/me", json={"language": "es"}, headers=world.headers("free")),
            timeout=5,
        )
        assert me.status_code == 200
        assert not paying.done()
        slow.release.set()
        paid = await asyncio.wait_for(paying, timeout=10)
        assert paid.status_code == 200, paid.text
