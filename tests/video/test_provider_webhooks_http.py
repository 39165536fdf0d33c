"""JaaS and Daily webhooks over HTTP, signed as the providers sign them: joins recorded once,
duplicates ignored, forged ones refused with 4xx and nothing changed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import func, select

from pnplive.api.app import create_app
from pnplive.booking.states import Status
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.video.models import CallActivity
from pnplive.video.providers import registry
from pnplive.video.settings import VideoSettings
from pnplive.worker.app import build_runner
from tests.api.support import World, build_world, client_for, make_settings
from tests.fakes.daily_api import API_KEY as DAILY_KEY
from tests.fakes.daily_api import FakeDailyApi
from tests.video.providers.support import private_pem, rsa_key
from tests.video.signers import (
    DAILY_SECRET,
    JAAS_APP_ID,
    JAAS_KEY_ID,
    JAAS_SECRET,
    daily_event,
    daily_sign,
    daily_signed,
    jaas_event,
    jaas_sign,
    jaas_signed,
)
from tests.video.support import booking, room

pytestmark = pytest.mark.asyncio


def jaas_settings() -> VideoSettings:
    return VideoSettings(
        _env_file=None,  # type: ignore[call-arg]
        video_provider="jaas",
        jaas_app_id=JAAS_APP_ID,
        jaas_key_id=JAAS_KEY_ID,
        jaas_private_key=private_pem(rsa_key()),
        jaas_webhook_secret=JAAS_SECRET,
    )


@pytest_asyncio.fixture
async def daily_api() -> AsyncIterator[FakeDailyApi]:
    fake = FakeDailyApi()
    await fake.start()
    yield fake
    await fake.stop()


async def stack(
    db: Database, clock: FrozenClock, settings: VideoSettings
) -> tuple[World, httpx.AsyncClient]:
    world = await build_world(db, clock)
    provider = registry.build(settings)
    for _ in range(3):
        await build_runner(db, clock, video=provider, video_settings=settings).tick()
    app = create_app(
        make_settings(db.url), db=db, clock=clock, video=provider, video_settings=settings
    )
    return world, client_for(app)


async def activity_count(db: Database) -> int:
    async with db.transaction() as s:
        return int(await s.scalar(select(func.count()).select_from(CallActivity)) or 0)


async def test_jaas_joins_are_recorded_once_and_forgeries_change_nothing(
    db: Database, clock: FrozenClock
) -> None:
    world, client = await stack(db, clock, jaas_settings())
    r = await room(db, world.b.public_id)
    assert r is not None and r.provider == "jaas"
    clock.set(world.b.start_at - timedelta(minutes=1))
    member = f"{world.b.public_id}-member"
    event = jaas_event("PARTICIPANT_JOINED", r.room_name, at=clock.now(), user_id=member)
    headers, body = jaas_signed(event, clock.now())
    async with client:
        forged = jaas_sign(body, int(clock.now().timestamp()), secret="not-the-secret")
        refused = await client.post("/webhooks/video/jaas", content=body, headers=forged)
        assert refused.status_code == 401
        assert await activity_count(db) == 0
        assert (await booking(db, world.b.public_id)).status == Status.CONFIRMED.value
        for expected in (1, 0):
            ok = await client.post("/webhooks/video/jaas", content=body, headers=headers)
            assert ok.status_code == 200 and ok.json()["recorded"] == expected
        stale = jaas_sign(body, int((clock.now() - timedelta(hours=1)).timestamp()))
        assert (
            await client.post("/webhooks/video/jaas", content=body, headers=stale)
        ).status_code == 401
    assert await activity_count(db) == 1
    assert (await booking(db, world.b.public_id)).status == Status.LIVE.value


async def test_daily_joins_and_leaves_are_recorded_and_forgeries_refused(
    db: Database, clock: FrozenClock, daily_api: FakeDailyApi
) -> None:
    settings = VideoSettings(
        _env_file=None,  # type: ignore[call-arg]
        video_provider="daily",
        daily_api_key=DAILY_KEY,
        daily_api_base=daily_api.base_url,
        daily_webhook_secret=DAILY_SECRET,
        http_retry_backoff_seconds=0,
    )
    world, client = await stack(db, clock, settings)
    r = await room(db, world.b.public_id)
    assert r is not None and r.provider == "daily"
    clock.set(world.b.start_at)
    performer = f"{world.b.public_id}-performer"
    joined = daily_event("participant.joined", r.room_name, at=clock.now(), user_id=performer)
    left = daily_event("participant.left", r.room_name, at=clock.now(), user_id=performer)
    async with client:
        h, b = daily_signed(joined, clock.now())
        forged = daily_sign(b, int(clock.now().timestamp()), secret="AAAAAAAAAAAAAAAAAAAAAA==")
        assert (
            await client.post("/webhooks/video/daily", content=b, headers=forged)
        ).status_code == 401
        assert await activity_count(db) == 0
        for expected in (1, 0):
            ok = await client.post("/webhooks/video/daily", content=b, headers=h)
            assert ok.json()["recorded"] == expected
        h2, b2 = daily_signed(left, clock.now())
        assert (await client.post("/webhooks/video/daily", content=b2, headers=h2)).json()[
            "recorded"
        ] == 1
        bad = await client.post(
            "/webhooks/video/daily",
            content=b"{",
            headers=daily_sign(b"{", int(clock.now().timestamp())),
        )
        assert bad.status_code == 400
    assert await activity_count(db) == 2
    assert (await booking(db, world.b.public_id)).status == Status.LIVE.value
