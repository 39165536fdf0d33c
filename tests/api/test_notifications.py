"""Following online alerts and watching broadcasts through HTTP (F-NTF-5)."""

from __future__ import annotations

import httpx
import pytest

from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.notification import broadcast
from tests.api.support import World

pytestmark = pytest.mark.asyncio


async def test_a_member_follows_and_unfollows_a_performer(
    client: httpx.AsyncClient, world: World
) -> None:
    h = world.headers("prime")
    url = f"/api/models/{world.p.id}/follow"
    first = await client.post(url, headers=h)
    again = await client.post(url, headers=h)
    assert first.json() == {"performer_id": world.p.id, "following": True, "changed": True}
    assert again.json()["changed"] is False
    mine = await client.get("/api/me/following", headers=h)
    assert mine.json() == {"performer_ids": [world.p.id]}
    gone = await client.delete(url, headers=h)
    assert gone.json() == {"performer_id": world.p.id, "following": False, "changed": True}
    assert (await client.get("/api/me/following", headers=h)).json() == {"performer_ids": []}


async def test_a_hidden_performer_cannot_be_followed(
    client: httpx.AsyncClient, world: World
) -> None:
    assert world.hidden_performer is not None
    r = await client.post(
        f"/api/models/{world.hidden_performer.id}/follow", headers=world.headers("prime")
    )
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


async def test_admins_see_a_broadcasts_progress(
    client: httpx.AsyncClient, world: World, db: Database, clock: FrozenClock
) -> None:
    for role in ("prime", "free", "other_prime"):
        r = await client.post(f"/api/models/{world.p.id}/follow", headers=world.headers(role))
        assert r.status_code == 200
    async with db.transaction() as s:
        b = await broadcast.start_online(s, world.p.id, clock.now())
    listed = await client.get(
        f"/api/admin/broadcasts?performer_id={world.p.id}", headers=world.headers("admin")
    )
    assert listed.status_code == 200
    (item,) = listed.json()["items"]
    assert item["id"] == b.id
    assert (item["total"], item["pending"], item["sent"], item["status"]) == (3, 3, 0, "sending")
    one = await client.get(f"/api/admin/broadcasts/{b.id}", headers=world.headers("admin_token"))
    assert one.json() == item
