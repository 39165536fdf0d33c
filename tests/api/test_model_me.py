"""Performer self-service (F-SLF-1/2): profile, schedule, blocked and extra time, presence,
own bookings and conflicts."""

from __future__ import annotations

import httpx
import pytest

from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from tests.api.support import World, iso, tomorrow_at

pytestmark = pytest.mark.asyncio


async def test_profile_edit_keeps_lifecycle_with_admins(
    world: World, client: httpx.AsyncClient
) -> None:
    h = world.headers("performer")
    me = (await client.get("/api/model/me", headers=h)).json()
    assert me["id"] == world.p.id and me["timezone"] == "Europe/Madrid"
    r = await client.put(
        "/api/model/me",
        json={"bio": "New bio", "price_per_minute": 350, "tags": ["talk"]},
        headers=h,
    )
    assert r.status_code == 200
    assert (r.json()["bio"], r.json()["price_per_minute"]["amount"]) == ("New bio", 350)
    # A price change never touches an existing booking (F-PRF-4).
    b = await client.get(f"/api/bookings/{world.b.public_id}", headers=h)
    assert b.json()["price"]["amount"] == 300 * 30
    for bad in (
        {"status": "inactive"},
        {"visibility": "hidden"},
        {"bio": "x" * 501},
        {"timezone": "Mars/Olympus"},
        {"nope": 1},
    ):
        r = await client.put("/api/model/me", json=bad, headers=h)
        assert r.status_code == 422, bad
    assert (await client.get("/api/model/me", headers=h)).json()["status"] == "active"


async def test_profile_texts_are_moderated_and_a_refusal_changes_nothing(
    world: World, client: httpx.AsyncClient
) -> None:
    h = world.headers("performer")
    before = (await client.get("/api/model/me", headers=h)).json()
    for field, text in (
        ("bio", "Pay me directly on whatsapp +57 300 123 4567"),
        ("display_name", "Luna wa.me/573001234567"),
    ):
        r = await client.put("/api/model/me", json={field: text}, headers=h)
        err = r.json()["error"]
        assert (r.status_code, err["code"]) == (422, "profile_text_refused"), text
        assert err["details"]["field"] == field and err["details"]["categories"]
    assert (await client.get("/api/model/me", headers=h)).json() == before
    # Ordinary names and bios pass, short names included.
    fine = {"display_name": "Luna", "bio": "Night owl, good listener."}
    ok = await client.put("/api/model/me", json=fine, headers=h)
    assert ok.status_code == 200, ok.text


async def test_schedule_changes_report_conflicts_and_drop_nothing(
    world: World, client: httpx.AsyncClient, db: Database, clock: FrozenClock
) -> None:
    h = world.headers("performer")
    sched = (await client.get("/api/model/me/availability", headers=h)).json()
    assert len(sched["weekly"]) == 7 and sched["weekly"][0] == {
        "weekday": 0,
        "start": "09:00",
        "end": "21:00",
    }
    # Mornings only: the confirmed booking (day 2, 14:00 UTC = 15:00 Madrid) is now a conflict.
    r = await client.post(
        "/api/model/me/availability",
        json={"weekly": [{"weekday": d, "start": "08:00", "end": "12:00"} for d in range(7)]},
        headers=h,
    )
    assert r.status_code == 200
    assert [c["id"] for c in r.json()["conflicts"]] == [world.b.public_id]
    assert [c["id"] for c in r.json()["caused"]] == [world.b.public_id]
    # Blocking that day too leaves the same conflict, but this change caused nothing new.
    again = await client.post(
        "/api/model/me/blocked",
        json={
            "start": iso(tomorrow_at(clock, 0, days=2)),
            "end": iso(tomorrow_at(clock, 0, days=3)),
        },
        headers=h,
    )
    assert [c["id"] for c in again.json()["conflicts"]] == [world.b.public_id]
    assert again.json()["caused"] == []
    await client.delete(f"/api/model/me/blocked/{again.json()['item']['id']}", headers=h)
    conflicts = (await client.get("/api/model/me/conflicts", headers=h)).json()
    assert [c["id"] for c in conflicts["items"]] == [world.b.public_id]
    admin = (await client.get("/api/admin/conflicts", headers=world.headers("admin"))).json()
    assert [(c["performer_id"], c["booking"]["id"]) for c in admin["items"]] == [
        (world.p.id, world.b.public_id)
    ]
    # The booking itself is untouched.
    b = await client.get(f"/api/bookings/{world.b.public_id}", headers=h)
    assert b.json()["status"] == "confirmed"
    # Extra time over the booking resolves the conflict; removing it brings it back.
    extra = await client.post(
        "/api/model/me/extra",
        json={
            "start": iso(tomorrow_at(clock, 13, days=2)),
            "end": iso(tomorrow_at(clock, 15, days=2)),
            "note": "one-off",
        },
        headers=h,
    )
    assert extra.status_code == 201 and extra.json()["conflicts"] == []
    xid = extra.json()["item"]["id"]
    gone = await client.delete(f"/api/model/me/extra/{xid}", headers=h)
    assert [c["id"] for c in gone.json()["conflicts"]] == [world.b.public_id]
    assert [c["id"] for c in gone.json()["caused"]] == [world.b.public_id]
    assert (await client.delete(f"/api/model/me/extra/{xid}", headers=h)).status_code == 404


async def test_blocking_time_hides_slots_and_lists_conflicts(
    world: World, client: httpx.AsyncClient, clock: FrozenClock
) -> None:
    h = world.headers("performer")
    day = tomorrow_at(clock, 0, days=2)
    r = await client.post(
        "/api/model/me/blocked",
        json={"start": iso(day), "end": iso(tomorrow_at(clock, 0, days=3)), "note": "holiday"},
        headers=h,
    )
    assert r.status_code == 201
    assert [c["id"] for c in r.json()["conflicts"]] == [world.b.public_id]
    bid = r.json()["item"]["id"]
    slots = await client.get(
        f"/api/models/{world.p.id}/availability?from={day.date()}&to={day.date()}&tz=UTC",
        headers=world.headers("prime"),
    )
    assert slots.json()["days"][0]["slots"] == []
    listed = (await client.get("/api/model/me/availability", headers=h)).json()["blocked"]
    assert [(x["id"], x["note"]) for x in listed] == [(bid, "holiday")]
    bad = await client.post(
        "/api/model/me/blocked",
        json={"start": iso(tomorrow_at(clock, 5)), "end": iso(tomorrow_at(clock, 4))},
        headers=h,
    )
    assert bad.status_code == 422
    r = await client.delete(f"/api/model/me/blocked/{bid}", headers=h)
    assert r.status_code == 200 and r.json()["conflicts"] == []


async def test_presence_and_own_bookings(world: World, client: httpx.AsyncClient) -> None:
    h = world.headers("performer")
    r = await client.post("/api/model/me/status", json={"presence": "offline"}, headers=h)
    assert r.json() == {"presence": "offline", "came_online": False}
    r = await client.post("/api/model/me/status", json={"presence": "online"}, headers=h)
    assert r.json() == {"presence": "online", "came_online": True}
    r = await client.post("/api/model/me/status", json={"presence": "busy"}, headers=h)
    assert r.status_code == 422
    mine = (await client.get("/api/model/me/bookings", headers=h)).json()
    assert [b["id"] for b in mine["items"]] == [world.b.public_id]
    assert mine["items"][0]["local"]["timezone"] == "Europe/Madrid"
    none = await client.get("/api/model/me/bookings?status=cancelled", headers=h)
    assert none.json()["total"] == 0
