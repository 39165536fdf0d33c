"""Admin (F-ADM-1/2/5): performers, bookings, roles."""

from __future__ import annotations

import httpx
import pytest

from pnplive.kit.clock import FrozenClock
from tests.api.support import World, iso, tma, tomorrow_at

pytestmark = pytest.mark.asyncio


async def test_create_edit_deactivate_performer(world: World, client: httpx.AsyncClient) -> None:
    h = world.headers("admin_token")
    body = {
        "username": "nova",
        "display_name": "Nova",
        "price_per_minute": 400,
        "currency": "EUR",
        "timezone": "Europe/Berlin",
        "weekly": [{"weekday": 0, "start": "18:00", "end": "02:00"}],
    }
    r = await client.post("/api/admin/models", json=body, headers=h)
    assert r.status_code == 201, r.text
    nova = r.json()
    assert (nova["username"], nova["price_per_minute"]["formatted"]) == ("nova", "€4.00")
    sched = (await client.get(f"/api/admin/models/{nova['id']}/availability", headers=h)).json()
    assert sched["weekly"] == [{"weekday": 0, "start": "18:00", "end": "02:00"}]
    dup = await client.post("/api/admin/models", json=body, headers=h)
    assert dup.status_code == 409
    r = await client.put(
        f"/api/admin/models/{nova['id']}", json={"status": "paused", "bio": "Soon"}, headers=h
    )
    assert (r.json()["status"], r.json()["bio"]) == ("paused", "Soon")
    member = world.headers("prime")
    browse = (await client.get("/api/models", headers=member)).json()
    assert "nova" not in [m["username"] for m in browse["items"]]
    r = await client.delete(f"/api/admin/models/{world.p.id}", headers=h)
    assert (r.json()["status"], r.json()["visibility"]) == ("inactive", "hidden")
    # Deactivated: gone from lists, its bookings kept.
    assert (await client.get(f"/api/models/{world.p.id}", headers=member)).status_code == 404
    b = await client.get(f"/api/admin/bookings/{world.b.public_id}", headers=h)
    assert b.json()["status"] == "confirmed"
    listed = (await client.get("/api/admin/models?status=inactive", headers=h)).json()
    assert [m["id"] for m in listed["items"]] == [world.p.id]


async def test_booking_list_filters_and_detail_history(
    world: World, client: httpx.AsyncClient
) -> None:
    h = world.headers("admin")
    everything = (await client.get("/api/admin/bookings", headers=h)).json()
    assert everything["total"] == 2
    confirmed = (await client.get("/api/admin/bookings?status=confirmed", headers=h)).json()
    assert [b["id"] for b in confirmed["items"]] == [world.b.public_id]
    assert confirmed["items"][0]["history"] is None
    by_performer = await client.get(f"/api/admin/bookings?performer_id={world.p.id}", headers=h)
    assert by_performer.json()["total"] == 1
    tg = world.users["other_prime"].telegram_id
    by_member = await client.get(f"/api/admin/bookings?user_telegram_id={tg}", headers=h)
    assert [b["status"] for b in by_member.json()["items"]] == ["held"]
    assert (await client.get("/api/admin/bookings?user_telegram_id=1", headers=h)).json()[
        "total"
    ] == 0
    detail = (await client.get(f"/api/admin/bookings/{world.b.public_id}", headers=h)).json()
    assert [e["to_status"] for e in detail["history"]] == ["held", "pending_payment", "confirmed"]
    assert detail["commission"]["amount"] + detail["performer_earnings"]["amount"] == 9000
    assert detail["user"]["telegram_id"] == world.users["prime"].telegram_id
    missing = await client.get("/api/admin/bookings/00000000000000ff", headers=h)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "booking_not_found"


async def test_admin_cancel_refunds_in_full_and_reschedule(
    world: World, client: httpx.AsyncClient, clock: FrozenClock
) -> None:
    h = world.headers("admin_token")
    moved = await client.post(
        f"/api/admin/bookings/{world.b.public_id}/reschedule",
        json={"start": iso(tomorrow_at(clock, 18, days=2))},
        headers=h,
    )
    assert moved.status_code == 200
    assert moved.json()["history"][-1]["actor"] == "admin"
    assert moved.json()["history"][-1]["actor_id"] is None  # an API token, not a member
    clock.advance(days=2, hours=8)  # one hour before the call: a member could not cancel now
    r = await client.post(
        f"/api/admin/bookings/{world.b.public_id}/cancel", json={"reason": "ill"}, headers=h
    )
    assert r.status_code == 200
    assert r.json()["refund"]["amount"]["amount"] == 9000
    assert r.json()["booking"]["cancelled_by"] == "admin"
    again = await client.post(f"/api/admin/bookings/{world.b.public_id}/cancel", json={}, headers=h)
    assert again.status_code == 409


async def test_superadmin_grants_and_revokes_roles(
    world: World, client: httpx.AsyncClient, clock: FrozenClock
) -> None:
    h = world.headers("superadmin")
    free = world.users["free"]
    r = await client.post(
        "/api/admin/roles",
        json={"telegram_id": free.telegram_id, "role": "admin", "action": "grant"},
        headers=h,
    )
    assert r.json()["role"] == "admin"
    # The new admin can use the admin API at once.
    assert (
        await client.get("/api/admin/models", headers=tma(free.telegram_id, clock.now()))
    ).status_code == 200
    r = await client.post(
        "/api/admin/roles",
        json={"telegram_id": free.telegram_id, "role": "admin", "action": "revoke"},
        headers=h,
    )
    assert r.json()["role"] == "user"
    # PERFORMER: link to a performer; a second link is a conflict; revoke unlinks.
    other = world.other_performer
    assert other is not None
    grant = {"telegram_id": free.telegram_id, "role": "performer", "action": "grant"}
    r = await client.post("/api/admin/roles", json=grant, headers=h)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_input"
    r = await client.post("/api/admin/roles", json=grant | {"performer_id": other.id}, headers=h)
    assert r.json()["performer_id"] == other.id
    me = await client.get("/api/model/me", headers=tma(free.telegram_id, clock.now()))
    assert me.json()["id"] == other.id
    r = await client.post(
        "/api/admin/roles",
        json=grant | {"telegram_id": world.users["prime"].telegram_id, "performer_id": other.id},
        headers=h,
    )
    assert r.status_code == 409
    roles = (await client.get("/api/admin/roles", headers=h)).json()
    assert {m["telegram_id"] for m in roles["items"]} >= {free.telegram_id}
    r = await client.post("/api/admin/roles", json=grant | {"action": "revoke"}, headers=h)
    assert r.json()["performer_id"] is None
    # Superadmins are managed from configuration, not by each other.
    r = await client.post(
        "/api/admin/roles",
        json={
            "telegram_id": world.users["superadmin"].telegram_id,
            "role": "admin",
            "action": "revoke",
        },
        headers=h,
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "superadmin_is_managed_in_config"
    r = await client.post(
        "/api/admin/roles",
        json={"telegram_id": 42, "role": "admin", "action": "grant"},
        headers=h,
    )
    assert r.status_code == 404
