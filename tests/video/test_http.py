"""Join links, the call in booking details, and provider webhooks, over HTTP."""

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
from pnplive.video.models import CallActivity, Side
from tests.api.support import World, build_world, client_for, make_settings
from tests.video.support import (
    VIDEO,
    RecordingProvider,
    booking,
    passes,
    run_due,
    signed_event,
    worker,
)

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture
async def provider() -> RecordingProvider:
    return RecordingProvider()


@pytest_asyncio.fixture
async def world(db: Database, clock: FrozenClock, provider: RecordingProvider) -> World:
    w = await build_world(db, clock)
    await run_due(worker(db, clock, provider))  # the confirmed booking's room
    return w


@pytest_asyncio.fixture
async def client(
    db: Database, clock: FrozenClock, provider: RecordingProvider
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(
        make_settings(db.url, public_base_url="http://testserver"),
        db=db,
        clock=clock,
        video=provider,
        video_settings=VIDEO,
    )
    async with client_for(app) as c:
        yield c


async def link(db: Database, world: World, side: Side) -> str:
    return f"/j/{(await passes(db, world.b.public_id))[side].token}"


async def test_before_the_window_the_page_says_when_the_room_opens_in_the_readers_zone(
    db: Database, clock: FrozenClock, world: World, client: httpx.AsyncClient
) -> None:
    r = await client.get(await link(db, world, Side.MEMBER))
    assert r.status_code == 200
    assert 'data-entry="too_early"' in r.text
    opens = world.b.start_at - timedelta(minutes=5)
    # The member lives in New York: 13:55 UTC is 08:55 there in March (EST).
    assert opens.hour == 13 and "08:55 (America/New_York)" in r.text
    assert (await booking(db, world.b.public_id)).status == Status.CONFIRMED.value


async def test_inside_the_window_each_participant_is_sent_to_the_room_with_their_own_token(
    db: Database, clock: FrozenClock, world: World, client: httpx.AsyncClient
) -> None:
    clock.set(world.b.start_at - timedelta(minutes=5))
    r = await client.get(await link(db, world, Side.MEMBER), follow_redirects=False)
    assert r.status_code == 302
    assert r.headers["location"] == (
        f"https://video.test/room-1?as={world.b.public_id}-member&mod=False"
    )
    r = await client.get(await link(db, world, Side.PERFORMER), follow_redirects=False)
    assert r.headers["location"].endswith(f"as={world.b.public_id}-performer&mod=True")
    assert (await booking(db, world.b.public_id)).status == Status.LIVE.value


async def test_after_completion_the_link_is_refused_without_a_redirect(
    db: Database,
    clock: FrozenClock,
    world: World,
    client: httpx.AsyncClient,
    provider: RecordingProvider,
) -> None:
    clock.set(world.b.start_at)
    for side in Side:
        assert (await client.get(await link(db, world, side))).status_code == 302
    clock.set(world.b.end_at + timedelta(minutes=5))
    await run_due(worker(db, clock, provider))
    assert (await booking(db, world.b.public_id)).status == Status.COMPLETED.value
    r = await client.get(await link(db, world, Side.MEMBER), follow_redirects=False)
    assert r.status_code == 410
    assert 'data-entry="over"' in r.text and "location" not in r.headers


async def test_a_forged_link_is_a_404_page(client: httpx.AsyncClient, world: World) -> None:
    for token in ("x" * 43, "", "a/b", "%00" * 3, "y" * 120):
        r = await client.get(f"/j/{token}")
        assert r.status_code == 404, token


async def test_booking_details_show_the_join_link_when_due_and_the_joins_to_the_performer(
    db: Database, clock: FrozenClock, world: World, client: httpx.AsyncClient
) -> None:
    path = f"/api/bookings/{world.b.public_id}"
    before = (await client.get(path, headers=world.headers("prime"))).json()
    assert before["call"]["join_url"] is None and before["call"]["activity"] is None
    clock.set(world.b.start_at - timedelta(minutes=1))
    member = (await client.get(path, headers=world.headers("prime"))).json()
    assert member["call"]["join_url"] == "http://testserver" + await link(db, world, Side.MEMBER)
    await client.get(member["call"]["join_url"].removeprefix("http://testserver"))
    performer = (await client.get(path, headers=world.headers("performer"))).json()
    assert performer["call"]["join_url"].endswith(await link(db, world, Side.PERFORMER))
    assert performer["call"]["state"] == "live"
    assert [(a["side"], a["kind"], a["source"]) for a in performer["call"]["activity"]] == [
        ("member", "joined", "link")
    ]
    admin = (await client.get(path, headers=world.headers("admin"))).json()
    assert admin["call"]["join_url"] is None and len(admin["call"]["activity"]) == 1


async def test_provider_webhooks_record_joins_once_and_forged_ones_change_nothing(
    db: Database, clock: FrozenClock, world: World, client: httpx.AsyncClient
) -> None:
    ts = int(world.b.start_at.timestamp())
    body, headers = signed_event(
        id="e-1", kind="joined", room="room-1", user=f"{world.b.public_id}-performer", ts=ts
    )
    for _ in range(2):
        r = await client.post("/webhooks/video/recording", content=body, headers=headers)
        assert r.status_code == 200
    assert r.json() == {"received": 1, "recorded": 0}
    forged = dict(headers, **{"x-signature": "0" * 64})
    other, _ = signed_event(id="e-2", kind="left", room="room-1", user="x", ts=ts)
    assert (
        await client.post("/webhooks/video/recording", content=other, headers=forged)
    ).status_code == 401
    assert (
        await client.post("/webhooks/video/daily", content=body, headers=headers)
    ).status_code == 404
    async with db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(CallActivity)) == 1
    assert (await booking(db, world.b.public_id)).status == Status.LIVE.value
