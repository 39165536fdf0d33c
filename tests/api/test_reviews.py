"""Reviews and the moderation queue through HTTP."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import update

from pnplive.booking.models import Booking
from pnplive.kit.db import Database
from tests.api.support import World

pytestmark = pytest.mark.asyncio


async def complete(db: Database, w: World) -> None:
    async with db.transaction() as s:
        await s.execute(update(Booking).where(Booking.id == w.b.id).values(status="completed"))


async def test_review_after_the_call_and_see_it_on_the_profile(
    client: httpx.AsyncClient, world: World, db: Database
) -> None:
    url = f"/api/bookings/{world.b.public_id}/review"
    early = await client.post(url, json={"rating": 5}, headers=world.headers("prime"))
    assert (early.status_code, early.json()["error"]["code"]) == (409, "not_reviewable")
    await complete(db, world)
    bad = await client.post(url, json={"rating": 6}, headers=world.headers("prime"))
    assert bad.status_code == 422
    not_mine = await client.post(url, json={"rating": 1}, headers=world.headers("other_prime"))
    assert not_mine.status_code == 404
    ok = await client.post(
        url, json={"rating": 4, "text": "Sweet and funny"}, headers=world.headers("prime")
    )
    assert ok.status_code == 201 and ok.json()["status"] == "published"
    again = await client.post(url, json={"rating": 1}, headers=world.headers("prime"))
    assert (again.status_code, again.json()["error"]["code"]) == (409, "already_reviewed")
    listed = await client.get(f"/api/models/{world.p.id}/reviews", headers=world.headers("free"))
    (item,) = listed.json()["items"]
    assert (item["rating"], item["text"]) == (4, "Sweet and funny")


async def test_a_blocked_review_waits_for_an_admin(
    client: httpx.AsyncClient, world: World, db: Database
) -> None:
    await complete(db, world)
    r = await client.post(
        f"/api/bookings/{world.b.public_id}/review",
        json={"rating": 5, "text": "pay me directly on paypal next time, cheaper"},
        headers=world.headers("prime"),
    )
    assert r.json()["status"] in ("blocked", "held") and r.json()["text"] is None
    listed = await client.get(f"/api/models/{world.p.id}/reviews", headers=world.headers("free"))
    assert listed.json()["items"] == []
    from sqlalchemy import select

    from pnplive.moderation.models import Violation

    async with db.transaction() as s:
        ids = (await s.scalars(select(Violation.id))).all()
    assert ids
    token = await client.post(
        "/api/admin/moderation",
        json={"violation_id": ids[0], "decision": "allow", "reason": "fine"},
        headers=world.headers("admin_token"),
    )
    assert token.status_code == 403  # a decision is signed by an admin member
    for vid in ids:
        d = await client.post(
            "/api/admin/moderation",
            json={"violation_id": vid, "decision": "allow", "reason": "asked about prices only"},
            headers=world.headers("admin"),
        )
        assert d.status_code == 200 and d.json()["final_decision"] == "allow"
    listed = await client.get(f"/api/models/{world.p.id}/reviews", headers=world.headers("free"))
    assert [i["rating"] for i in listed.json()["items"]] == [5]
