"""Calendar files over HTTP, parsed back with ``icalendar`` (F-UX-5)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
import pytest_asyncio
from icalendar import Calendar

from pnplive.api.app import create_app
from pnplive.booking import service as bookings
from pnplive.booking.states import Status
from pnplive.kit.actor import Actor
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.performer.models import Performer
from tests.api.support import World, build_world, client_for, make_settings
from tests.payment.support import RULES
from tests.video.support import VIDEO, RecordingProvider, run_due, worker

pytestmark = pytest.mark.asyncio
BASE = "http://testserver"


@pytest_asyncio.fixture
async def world(db: Database, clock: FrozenClock) -> World:
    w = await build_world(db, clock)
    await run_due(worker(db, clock, RecordingProvider()))
    return w


@pytest_asyncio.fixture
async def client(db: Database, clock: FrozenClock) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(
        make_settings(db.url, public_base_url=BASE),
        db=db,
        clock=clock,
        video=RecordingProvider(),
        video_settings=VIDEO,
    )
    async with client_for(app) as c:
        yield c


def events_of(data: bytes) -> list[object]:
    return list(Calendar.from_ical(data).walk("VEVENT"))


async def ics(client: httpx.AsyncClient, world: World, role: str) -> httpx.Response:
    return await client.get(
        f"/api/bookings/{world.b.public_id}/calendar.ics", headers=world.headers(role)
    )


async def test_the_booking_file_has_a_stable_uid_utc_times_and_the_readers_own_link(
    world: World, client: httpx.AsyncClient
) -> None:
    r = await ics(client, world, "prime")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    [event] = events_of(r.content)
    assert str(event["UID"]) == f"{world.b.public_id}@pnplive"
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert (start, end) == (world.b.start_at, world.b.end_at)
    assert start.tzinfo is not None and start.utcoffset() == timedelta(0)
    assert event.to_ical().decode().count("Z\r\n") >= 2  # written in UTC
    assert int(event["SEQUENCE"]) == 0 and str(event["STATUS"]) == "CONFIRMED"
    assert str(event["URL"]).startswith(f"{BASE}/j/")
    performer_event = events_of((await ics(client, world, "performer")).content)[0]
    assert str(performer_event["UID"]) == str(event["UID"])
    assert str(performer_event["URL"]) != str(event["URL"])
    admin_event = events_of((await ics(client, world, "admin")).content)[0]
    assert "URL" not in admin_event
    assert (await ics(client, world, "other_prime")).status_code == 403
    assert (await ics(client, world, "anonymous")).status_code == 401


async def test_a_reschedule_bumps_the_sequence_and_a_cancel_marks_it_cancelled(
    db: Database, clock: FrozenClock, world: World, client: httpx.AsyncClient
) -> None:
    async with db.transaction() as s:
        b = await bookings.get_booking(s, world.b.public_id, lock=True)
        p = await s.get(Performer, b.performer_id)
        assert p is not None
        await bookings.reschedule(
            s,
            b,
            p,
            new_start=b.start_at + timedelta(hours=1),
            by=Actor.admin(),
            now=clock.now(),
            rules=RULES,
        )
    [event] = events_of((await ics(client, world, "prime")).content)
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == world.b.start_at + timedelta(hours=1)
    async with db.transaction() as s:
        b = await bookings.get_booking(s, world.b.public_id, lock=True)
        await bookings.transition(s, b, Status.CANCELLED, actor="admin", now=clock.now())
    r = await ics(client, world, "prime")
    assert "METHOD:CANCEL" in r.text
    [event] = events_of(r.content)
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 2
    assert "URL" not in event


async def test_the_performer_feed_lists_their_calls_and_rotating_revokes_the_old_url(
    world: World, client: httpx.AsyncClient
) -> None:
    r = await client.get("/api/models/me/calendar", headers=world.headers("performer"))
    assert r.status_code == 200
    url = r.json()["url"]
    assert url.startswith(f"{BASE}/calendar/") and url.endswith(".ics")
    again = await client.get("/api/models/me/calendar", headers=world.headers("performer"))
    assert again.json()["url"] == url
    feed = await client.get(url.removeprefix(BASE))
    assert feed.status_code == 200
    uids = [str(e["UID"]) for e in events_of(feed.content)]
    assert uids == [f"{world.b.public_id}@pnplive"]
    rotated = await client.post(
        "/api/models/me/calendar/rotate", headers=world.headers("performer")
    )
    new_url = rotated.json()["url"]
    assert new_url != url
    assert (await client.get(url.removeprefix(BASE))).status_code == 404
    assert (await client.get(new_url.removeprefix(BASE))).status_code == 200
    assert (await client.get("/calendar/forged.ics")).status_code == 404
    member = await client.get("/api/models/me/calendar", headers=world.headers("prime"))
    assert member.status_code == 403
