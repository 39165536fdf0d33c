"""One error shape, no internals in responses, request ids on 5xx, rate limits (F-SAF-5/7)."""

from __future__ import annotations

import logging

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from pnplive.api.settings import ApiSettings
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from tests.api.support import World, bearer, build_world, client_for, make_app

pytestmark = pytest.mark.asyncio


def assert_error_shape(r: httpx.Response, status: int, code: str) -> dict[str, object]:
    assert r.status_code == status, r.text
    body = r.json()
    assert list(body) == ["error"]
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    err: dict[str, object] = body["error"]
    return err


async def test_unknown_route_and_wrong_method_use_the_error_shape(
    client: httpx.AsyncClient,
) -> None:
    assert_error_shape(await client.get("/api/nowhere"), 404, "not_found")
    assert_error_shape(await client.delete("/api/models"), 405, "method_not_allowed")


async def test_validation_errors_are_422_with_the_fields(
    world: World, client: httpx.AsyncClient
) -> None:
    r = await client.post(
        "/api/bookings",
        content=b"{not json",
        headers=world.headers("prime")
        | {"Idempotency-Key": "k", "Content-Type": "application/json"},
    )
    assert_error_shape(r, 422, "validation_error")
    r = await client.get("/api/models/abc", headers=world.headers("prime"))
    err = assert_error_shape(r, 422, "validation_error")
    assert err["details"]["errors"][0]["loc"] == ["path", "performer_id"]  # type: ignore[index]
    r = await client.get("/api/models?tz=Mars/Base", headers=world.headers("prime"))
    assert_error_shape(r, 422, "invalid_input")


async def test_unexpected_errors_are_500_with_a_request_id_and_no_internals(
    db: Database, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    world = await build_world(db, clock, with_booking=False)
    app = make_app(db, clock)

    @app.get("/api/_boom")
    async def boom() -> None:
        async with db.transaction() as s:
            await s.execute(text("SELECT * FROM no_such_table_here"))

    async with client_for(app) as client:
        with caplog.at_level(logging.ERROR, logger="pnplive.api"):
            r = await client.get("/api/_boom", headers=bearer(world.tokens["admin_token"]))
    err = assert_error_shape(r, 500, "internal_error")
    rid = r.headers["X-Request-ID"]
    assert err["details"] == {"request_id": rid}
    assert "no_such_table_here" not in r.text and "Traceback" not in r.text
    assert "SELECT" not in r.text
    logged = [rec for rec in caplog.records if rid in rec.getMessage()]
    assert logged and logged[0].exc_info is not None


async def test_every_response_carries_a_request_id(client: httpx.AsyncClient) -> None:
    r = await client.get("/healthz")
    assert len(r.headers["X-Request-ID"]) == 32
    r = await client.get("/healthz", headers={"X-Request-ID": "support-ticket-42"})
    assert r.headers["X-Request-ID"] == "support-ticket-42"
    r = await client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert r.headers["X-Request-ID"] != "bad id with spaces"


async def test_rate_limit_per_member_is_429_with_retry_after(
    db: Database, clock: FrozenClock
) -> None:
    world = await build_world(db, clock, with_booking=False)
    app = make_app(
        db,
        clock,
        api_settings=ApiSettings(rate_limit_per_user="3/minute", rate_limit_per_ip="100/minute"),
    )
    async with client_for(app) as client:
        codes = [
            (await client.get("/api/models", headers=world.headers("prime"))).status_code
            for _ in range(4)
        ]
        other = await client.get("/api/models", headers=world.headers("free"))
    assert codes == [200, 200, 200, 429]
    assert other.status_code == 200  # another member has their own budget
    r429 = None
    async with client_for(app) as client:
        r429 = await client.get("/api/models", headers=world.headers("prime"))
    err = assert_error_shape(r429, 429, "rate_limited")
    assert int(r429.headers["Retry-After"]) >= 1
    assert err["details"]["retry_after"] >= 1  # type: ignore[index,operator]


async def test_rate_limit_per_address(db: Database, clock: FrozenClock) -> None:
    world = await build_world(db, clock, with_booking=False)
    app: FastAPI = make_app(
        db,
        clock,
        api_settings=ApiSettings(rate_limit_per_ip="5/minute", rate_limit_per_user="100/minute"),
    )
    async with client_for(app) as client:
        codes = [
            (await client.get("/api/models", headers=world.headers(role))).status_code
            for role in ("prime", "free", "admin", "performer", "superadmin", "other_prime")
        ]
        anonymous = await client.get("/api/models")
    assert codes == [200] * 5 + [429]
    assert anonymous.status_code == 429  # the address is over its budget, signed in or not


async def test_booking_writes_have_a_tighter_limit(db: Database, clock: FrozenClock) -> None:
    world = await build_world(db, clock, with_booking=False)
    app = make_app(
        db,
        clock,
        api_settings=ApiSettings(
            rate_limit_bookings="2/minute",
            rate_limit_per_ip="100/minute",
            rate_limit_per_user="100/minute",
        ),
    )
    async with client_for(app) as client:
        codes = []
        for i in range(3):
            body = {
                "performer_id": world.p.id,
                "start": f"2027-03-05T1{i}:00:00Z",
                "duration": 30,
                "accept_rules": True,
            }
            r = await client.post(
                "/api/bookings",
                json=body,
                headers=world.headers("prime") | {"Idempotency-Key": f"k{i}"},
            )
            codes.append(r.status_code)
        browse = await client.get("/api/models", headers=world.headers("prime"))
    assert codes == [201, 201, 429]
    assert browse.status_code == 200


async def test_text_no_database_can_store_is_422_and_changes_nothing(
    world: World, client: httpx.AsyncClient
) -> None:
    h = world.headers("performer")
    r = await client.get("/api/models?q=a%00b", headers=h)
    assert_error_shape(r, 422, "invalid_input")
    for raw in (b'{"bio": "a\\u0000b"}', b'{"bio": "\\ud80e lone"}', b'{"\\u0000": 1}'):
        r = await client.put(
            "/api/model/me", content=raw, headers=h | {"Content-Type": "application/json"}
        )
        assert_error_shape(r, 422, "invalid_input")
    me = (await client.get("/api/model/me", headers=h)).json()
    assert me["bio"] == ""
    # A proper surrogate pair is just an emoji.
    r = await client.put(
        "/api/model/me",
        content=b'{"bio": "hi \\ud83d\\ude00"}',
        headers=h | {"Content-Type": "application/json"},
    )
    assert r.status_code == 200 and r.json()["bio"] == "hi 😀"


async def test_photos_can_be_replaced_and_overlong_urls_are_refused(
    world: World, client: httpx.AsyncClient
) -> None:
    h = world.headers("admin_token")
    url = f"/api/admin/models/{world.p.id}"
    first = [{"url": "https://img.example/1.jpg"}, {"url": "https://img.example/2.jpg"}]
    second = [{"url": "https://img.example/3.jpg", "caption": "new"}]
    assert (await client.put(url, json={"photos": first}, headers=h)).status_code == 200
    r = await client.put(url, json={"photos": second}, headers=h)
    assert r.status_code == 200
    assert [p["url"] for p in r.json()["photos"]] == ["https://img.example/3.jpg"]
    long = [{"url": "https://img.example/" + "a" * 600}]
    r = await client.put(url, json={"photos": long}, headers=h)
    assert_error_shape(r, 422, "validation_error")
    r = await client.post(
        "/api/bookings",
        content=b"\xff\xfe",
        headers=world.headers("prime")
        | {"Idempotency-Key": "k", "Content-Type": "application/json"},
    )
    assert r.status_code == 422


REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_reachable() -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_reachable(), reason="no Redis on 127.0.0.1:6379")
async def test_replicas_share_rate_limits_through_redis(db: Database, clock: FrozenClock) -> None:
    import uuid

    from tests.api.support import make_settings

    world = await build_world(db, clock, with_booking=False)
    api_settings = ApiSettings(
        rate_limit_per_user="4/minute",
        rate_limit_per_ip="100/minute",
        rate_limit_prefix=f"test-{uuid.uuid4().hex}",
    )
    settings = make_settings(db.url, redis_url=REDIS_URL)
    one = make_app(db, clock, settings=settings, api_settings=api_settings)
    two = make_app(db, clock, settings=settings, api_settings=api_settings)
    codes = []
    async with client_for(one) as a, client_for(two) as b:
        for c in (a, b, a, b, a):
            codes.append((await c.get("/api/models", headers=world.headers("prime"))).status_code)
    assert codes == [200, 200, 200, 200, 429]
