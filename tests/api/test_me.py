"""How a new member gets in, through HTTP: age, terms, PRIME, then booking (F-ACC-1..3)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from tests.api.support import (
    World,
    client_for,
    iso,
    make_app,
    make_settings,
    tma,
    tomorrow_at,
)

pytestmark = pytest.mark.asyncio
NEWCOMER = 555_001


def booking_body(w: World, hour: int = 11) -> dict[str, Any]:
    return {
        "performer_id": w.p.id,
        "start": iso(tomorrow_at(w.clock, hour)),
        "duration": 30,
        "accept_rules": True,
    }


async def book(client: httpx.AsyncClient, w: World, key: str, hour: int = 11) -> httpx.Response:
    headers = {**tma(NEWCOMER, w.clock.now()), "Idempotency-Key": key}
    return await client.post("/api/bookings", json=booking_body(w, hour), headers=headers)


async def test_a_new_member_passes_every_gate_in_order(
    client: httpx.AsyncClient, world: World
) -> None:
    me = tma(NEWCOMER, world.clock.now(), language_code="es")
    first = (await client.get("/api/me", headers=me)).json()
    assert first["role"] == "unverified"
    assert first["missing"] == ["age_confirmation", "terms"]
    assert first["language"] == "es" and first["terms_version"] == "1"

    refused = await book(client, world, "k1")
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "age_not_verified")

    r = await client.post("/api/me/age-confirmation", json={"confirm": True}, headers=me)
    assert r.json()["missing"] == ["terms"] and r.json()["age_verified"] is True
    refused = await book(client, world, "k2")
    assert refused.json()["error"]["code"] == "terms_not_accepted"

    old = await client.post("/api/me/terms", json={"version": "0"}, headers=me)
    assert (old.status_code, old.json()["error"]["code"]) == (409, "terms_outdated")
    r = await client.post("/api/me/terms", json={"version": "1"}, headers=me)
    assert r.json()["missing"] == [] and r.json()["role"] == "free"
    refused = await book(client, world, "k3")
    assert refused.json()["error"]["code"] == "prime_required"

    member_id = r.json()["id"]
    grant = await client.post(
        f"/api/admin/users/{member_id}/prime",
        json={"reason": "paid the community"},
        headers=world.headers("admin"),
    )
    assert grant.status_code == 200 and grant.json()["is_prime"] is True
    assert (await book(client, world, "k4")).status_code == 201


async def test_a_restricted_member_is_told_why_and_lifting_opens_booking_again(
    client: httpx.AsyncClient, world: World
) -> None:
    prime = world.users["prime"]
    admin = world.headers("admin")
    r = await client.post(
        f"/api/admin/users/{prime.id}/restriction",
        json={"reason": "asked for payment outside the platform"},
        headers=admin,
    )
    assert r.json()["restricted"] is True
    refused = await client.post(
        "/api/bookings",
        json={**booking_body(world, 15)},
        headers={**world.headers("prime"), "Idempotency-Key": "r1"},
    )
    err = refused.json()["error"]
    assert (refused.status_code, err["code"]) == (403, "user_restricted")
    assert err["details"]["reason"] == "asked for payment outside the platform"
    assert "outside the platform" in err["message"]
    me = (await client.get("/api/me", headers=world.headers("prime"))).json()
    assert me["restricted"] and me["restricted_reason"] == "asked for payment outside the platform"

    await client.delete(f"/api/admin/users/{prime.id}/restriction", headers=admin)
    ok = await client.post(
        "/api/bookings",
        json={**booking_body(world, 15)},
        headers={**world.headers("prime"), "Idempotency-Key": "r2"},
    )
    assert ok.status_code == 201
    detail = (await client.get(f"/api/admin/users/{prime.id}", headers=admin)).json()
    actions = [e["action"] for e in detail["history"]]
    assert actions[:2] == ["restriction_lifted", "restricted"]


async def test_new_terms_must_be_accepted_again(db: Database, clock: FrozenClock) -> None:
    app: FastAPI = make_app(db, clock, make_settings(db.url, terms_version="2027-03"))
    async with client_for(app) as client:
        me = tma(NEWCOMER, clock.now())
        await client.post("/api/me/age-confirmation", json={"confirm": True}, headers=me)
        await client.post("/api/me/terms", json={"version": "2027-03"}, headers=me)
        assert (await client.get("/api/me", headers=me)).json()["role"] == "free"
    newer = make_app(db, clock, make_settings(db.url, terms_version="2027-09"))
    async with client_for(newer) as client:
        again = (await client.get("/api/me", headers=me)).json()
        assert again["role"] == "unverified" and again["missing"] == ["terms"]


async def test_members_set_their_zone_and_language(client: httpx.AsyncClient, world: World) -> None:
    h = world.headers("free")
    r = await client.put(
        "/api/me", json={"timezone": "America/Bogota", "language": "es"}, headers=h
    )
    assert (r.json()["timezone"], r.json()["language"]) == ("America/Bogota", "es")
    bad = await client.put("/api/me", json={"timezone": "Mars/Olympus"}, headers=h)
    assert bad.status_code == 422
    assert (await client.get("/api/me", headers=h)).json()["timezone"] == "America/Bogota"


async def test_the_membership_integration_grants_prime_by_telegram_id(
    client: httpx.AsyncClient, world: World
) -> None:
    h = world.headers("integration_token")
    url = f"/api/integrations/membership/{NEWCOMER}"
    r = await client.put(url, json={"prime": True, "reason": "subscription"}, headers=h)
    assert r.status_code == 200 and r.json()["is_prime"] and r.json()["telegram_id"] == NEWCOMER
    again = await client.put(url, json={"prime": True}, headers=h)
    assert again.json() == r.json()
    members = await client.get(
        f"/api/admin/users?q={NEWCOMER}", headers=world.headers("admin_token")
    )
    (item,) = members.json()["items"]
    detail = await client.get(f"/api/admin/users/{item['id']}", headers=world.headers("admin"))
    assert [e["action"] for e in detail.json()["history"]] == ["prime_granted"]
    assert detail.json()["history"][0]["actor"] == "integration"
    revoked = await client.put(url, json={"prime": False}, headers=h)
    assert revoked.json()["is_prime"] is False
    # The integration token reaches nothing else of the admin side.
    assert (await client.get("/api/admin/users", headers=h)).status_code == 403


async def test_admins_find_members_by_filters(client: httpx.AsyncClient, world: World) -> None:
    admin = world.headers("admin")
    primes = (await client.get("/api/admin/users?prime=true", headers=admin)).json()
    assert {i["telegram_id"] for i in primes["items"]} == {
        world.users[r].telegram_id for r in ("prime", "other_prime")
    }
    performers = (await client.get("/api/admin/users?role=performer", headers=admin)).json()
    assert [i["performer_id"] for i in performers["items"]] == [world.p.id]
    page = (await client.get("/api/admin/users?limit=2&offset=1", headers=admin)).json()
    assert len(page["items"]) == 2 and page["total"] >= 7
