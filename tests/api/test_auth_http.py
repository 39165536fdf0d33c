"""Authentication through HTTP: initData (members, performers) and API tokens."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qsl, urlencode

import httpx
import pytest
from sqlalchemy import select

from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.user.models import User
from tests.api.support import (
    BOT_TOKEN,
    OTHER_BOT_TOKEN,
    SUPERADMIN_TG,
    bearer,
    build_world,
    client_for,
    make_app,
    make_settings,
    tma,
)

pytestmark = pytest.mark.asyncio


async def test_first_sight_registers_the_member_in_their_language(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    r = await client.get(
        "/api/bookings/my",
        headers=tma(555, clock.now(), language_code="es-CO", username="nuevo"),
    )
    # Registered, but not yet verified: the feature stays hidden.
    assert r.status_code == 403 and r.json()["error"]["code"] == "age_not_verified"
    async with db.transaction() as s:
        user = await s.scalar(select(User).where(User.telegram_id == 555))
    assert user is not None
    assert (user.language, user.username, user.role) == ("es", "nuevo", "user")


async def test_configured_superadmin_is_superadmin_on_first_sight(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    r = await client.get("/api/admin/roles", headers=tma(SUPERADMIN_TG, clock.now()))
    assert r.status_code == 200
    assert [m["telegram_id"] for m in r.json()["items"]] == [SUPERADMIN_TG]


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        ("tamper", "invalid_init_data"),
        ("wrong_bot", "invalid_init_data"),
        ("expired", "init_data_expired"),
        ("garbage", "invalid_init_data"),
        ("no_scheme", "unauthenticated"),
        ("empty", "unauthenticated"),
    ],
)
async def test_bad_init_data_is_401(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient, mutate: str, code: str
) -> None:
    world = await build_world(db, clock, with_booking=False)
    tg = world.users["prime"].telegram_id
    header = tma(tg, clock.now())["Authorization"]
    if mutate == "tamper":
        fields = dict(parse_qsl(header.removeprefix("tma ")))
        fields["user"] = fields["user"].replace(str(tg), str(world.users["admin"].telegram_id))
        header = "tma " + urlencode(fields)
    elif mutate == "wrong_bot":
        header = tma(tg, clock.now(), bot_token=OTHER_BOT_TOKEN)["Authorization"]
    elif mutate == "expired":
        header = tma(tg, clock.now(), age=timedelta(hours=24, seconds=1))["Authorization"]
    elif mutate == "garbage":
        header = "tma %%%"
    elif mutate == "no_scheme":
        header = header.removeprefix("tma ")
    elif mutate == "empty":
        header = "tma "
    r = await client.get("/api/models", headers={"Authorization": header})
    assert r.status_code == 401
    assert r.json()["error"]["code"] == code
    assert "WWW-Authenticate" in r.headers


async def test_init_data_freshness_follows_the_setting(db: Database, clock: FrozenClock) -> None:
    world = await build_world(db, clock, with_booking=False)
    app = make_app(db, clock, settings=make_settings(db.url, init_data_max_age_seconds=600))
    tg = world.users["prime"].telegram_id
    async with client_for(app) as client:
        ok = await client.get("/api/models", headers=tma(tg, clock.now(), age=timedelta(minutes=9)))
        old = await client.get(
            "/api/models", headers=tma(tg, clock.now(), age=timedelta(minutes=11))
        )
    assert ok.status_code == 200
    assert old.status_code == 401 and old.json()["error"]["code"] == "init_data_expired"


async def test_without_a_bot_token_production_has_no_mini_app_sign_in(
    db: Database, clock: FrozenClock
) -> None:
    settings = make_settings(db.url, bot_token=None, env="production", secret_key="s" * 40)
    async with client_for(make_app(db, clock, settings=settings)) as client:
        r = await client.get("/api/models", headers=tma(1, clock.now(), bot_token=BOT_TOKEN))
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated"


async def test_without_a_bot_token_development_signs_in_with_its_own_token(
    db: Database, clock: FrozenClock
) -> None:
    settings = make_settings(db.url, bot_token=None)
    dev_token = settings.effective_bot_token
    assert dev_token is not None and dev_token != BOT_TOKEN
    async with client_for(make_app(db, clock, settings=settings)) as client:
        other = await client.get("/api/me", headers=tma(1, clock.now(), bot_token=BOT_TOKEN))
        ours = await client.get("/api/me", headers=tma(1, clock.now(), bot_token=dev_token))
    assert other.status_code == 401 and other.json()["error"]["code"] == "invalid_init_data"
    assert ours.status_code == 200


async def test_revoked_or_unknown_token_is_401(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    world = await build_world(db, clock, with_booking=False)
    token = world.tokens["admin_token"]
    assert (await client.get("/api/admin/models", headers=bearer(token))).status_code == 200
    from pnplive.auth import tokens

    async with db.transaction() as s:
        await tokens.revoke(s, "ops", clock.now())
    r = await client.get("/api/admin/models", headers=bearer(token))
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_token"
    r = await client.get("/api/admin/models", headers=bearer("pnp_made_up"))
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_token"
