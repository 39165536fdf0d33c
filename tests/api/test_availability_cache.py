"""Availability answers served from the per-process cache: byte for byte the engine's answer,
never stale after a write (through this process, another one, or none at all), and cut to the
notice window and the horizon as the clock moves."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI

from pnplive.api import render
from pnplive.api.common import clamp_days, local_today
from pnplive.availability import editing
from pnplive.availability.slots import local_day_bounds
from pnplive.booking.rules import BookingRules
from pnplive.booking.service import slot_rules
from pnplive.catalog.slots import performer_slots
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.performer.models import Performer
from tests.api.support import World, client_for, iso, make_app, tomorrow_at
from tests.api.test_statement_counts import counting

pytestmark = pytest.mark.asyncio


async def get(
    client: httpx.AsyncClient, world: World, *, role: str = "prime", **params: object
) -> httpx.Response:
    query = {"duration": 30, "tz": "UTC", **params}
    r = await client.get(
        f"/api/models/{world.p.id}/availability", params=query, headers=world.headers(role)
    )
    assert r.status_code == 200, r.text
    return r


async def starts(client: httpx.AsyncClient, world: World, **params: object) -> list[str]:
    r = await get(client, world, **params)
    return [slot["start"] for day in r.json()["days"] for slot in day["slots"]]


async def engine_answer(
    db: Database, world: World, rules: BookingRules, now: datetime, zone: str, minutes: int
) -> str:
    """The answer as computed without any cache: the slot engine, then the renderer."""
    tz = ZoneInfo(zone)
    first, last = clamp_days(None, None, local_today(now, tz), rules.horizon_days)
    async with db.transaction() as s:
        p = await s.get(Performer, world.p.id)
        assert p is not None
        lo, hi = local_day_bounds(tz, first).start, local_day_bounds(tz, last).end
        found = await performer_slots(s, p, slot_rules(p, minutes, rules), now, lo, hi)
        price = render.money(p.price_per_minute * minutes, p.currency)
        return render.availability_json(p.id, minutes, tz, price, first, last, found)


async def test_a_cached_answer_is_the_engines_answer_byte_for_byte(
    db: Database, clock: FrozenClock, app: FastAPI, client: httpx.AsyncClient, world: World
) -> None:
    rules: BookingRules = app.state.booking_rules
    for zone in ("America/New_York", "Asia/Kolkata"):
        missed = await get(client, world, tz=zone, duration=45)
        with counting(db) as c:
            hit = await get(client, world, tz=zone, duration=45)
        assert not any("weekly_rules" in q for q in c.statements)  # served from the cache
        expected = await engine_answer(db, world, rules, clock.now(), zone, 45)
        assert missed.content == hit.content == expected.encode()
    # Later, without any write: the same entry, cut to the new notice window and horizon.
    clock.advance(minutes=97)
    with counting(db) as c:
        later = await get(client, world, tz="Asia/Kolkata", duration=45)
    assert not any("weekly_rules" in q for q in c.statements)
    expected = await engine_answer(db, world, rules, clock.now(), "Asia/Kolkata", 45)
    assert later.content == expected.encode()


async def test_the_notice_window_and_horizon_move_with_the_clock(
    clock: FrozenClock, client: httpx.AsyncClient, world: World
) -> None:
    before = await starts(client, world)
    # 09:00 UTC with 60 minutes' notice: 10:00 is the first start (Madrid 11:00).
    assert before[0] == iso(clock.now() + timedelta(hours=1))
    clock.advance(minutes=1)
    after = await starts(client, world)
    assert after[0] == iso(clock.now() + timedelta(minutes=74))  # 10:15
    assert after[-1] > before[-1]  # the horizon moved too: later starts are offered


async def test_writes_through_the_api_change_the_next_answer(
    clock: FrozenClock, client: httpx.AsyncClient, world: World
) -> None:
    target = tomorrow_at(clock, 10)
    assert iso(target) in await starts(client, world)

    payload = {
        "performer_id": world.p.id,
        "start": iso(target),
        "duration": 30,
        "call_type": "video",
        "accept_rules": True,
    }
    headers = {**world.headers("prime"), "Idempotency-Key": "k-1"}
    booked = await client.post("/api/bookings", json=payload, headers=headers)
    assert booked.status_code == 201, booked.text
    assert iso(target) not in await starts(client, world)

    cancel = f"/api/bookings/{booked.json()['id']}/cancel"
    r = await client.post(cancel, json={}, headers=world.headers("prime"))
    assert r.status_code == 200, r.text
    assert iso(target) in await starts(client, world)

    me = world.headers("performer")
    hour = {"start": iso(target), "end": iso(target + timedelta(hours=1))}
    r = await client.post("/api/model/me/blocked", json=hour, headers=me)
    assert r.status_code == 201, r.text
    assert iso(target) not in await starts(client, world)
    r = await client.delete(f"/api/model/me/blocked/{r.json()['item']['id']}", headers=me)
    assert r.status_code == 200, r.text
    assert iso(target) in await starts(client, world)

    late = tomorrow_at(clock, 22)  # 23:00 in Madrid, past the weekly hours
    assert iso(late) not in await starts(client, world)
    r = await client.post(
        "/api/model/me/extra",
        json={"start": iso(late), "end": iso(late + timedelta(hours=1))},
        headers=me,
    )
    assert r.status_code == 201, r.text
    assert iso(late) in await starts(client, world)
    r = await client.delete(f"/api/model/me/extra/{r.json()['item']['id']}", headers=me)
    assert r.status_code == 200, r.text
    assert iso(late) not in await starts(client, world)

    # Tomorrow is a Tuesday: keep Mondays only.
    monday = {"weekly": [{"weekday": 0, "start": "09:00", "end": "21:00"}]}
    r = await client.post("/api/model/me/availability", json=monday, headers=me)
    assert r.status_code == 200, r.text
    assert not [t for t in await starts(client, world) if t.startswith(iso(target)[:10])]


async def test_performer_settings_change_the_next_answer(
    clock: FrozenClock, client: httpx.AsyncClient, world: World
) -> None:
    target = tomorrow_at(clock, 10)
    payload = {
        "performer_id": world.p.id,
        "start": iso(target),
        "duration": 30,
        "call_type": "video",
        "accept_rules": True,
    }
    headers = {**world.headers("prime"), "Idempotency-Key": "k-1"}
    assert (await client.post("/api/bookings", json=payload, headers=headers)).status_code == 201
    next_start = iso(target + timedelta(minutes=30))
    assert next_start in await starts(client, world)
    r = await client.put(
        "/api/model/me", json={"buffer_before": 15}, headers=world.headers("performer")
    )
    assert r.status_code == 200, r.text
    assert next_start not in await starts(client, world)  # its buffer now overlaps the call


async def test_a_lapsed_hold_frees_its_time_without_any_write(
    clock: FrozenClock, app: FastAPI, client: httpx.AsyncClient, world: World
) -> None:
    target = tomorrow_at(clock, 10)
    payload = {
        "performer_id": world.p.id,
        "start": iso(target),
        "duration": 30,
        "call_type": "video",
        "accept_rules": False,
    }
    headers = {**world.headers("prime"), "Idempotency-Key": "k-1"}
    held = await client.post("/api/bookings", json=payload, headers=headers)
    assert held.status_code == 201 and held.json()["status"] == "held", held.text
    assert iso(target) not in await starts(client, world)
    rules: BookingRules = app.state.booking_rules
    clock.advance(minutes=rules.hold_minutes)
    assert iso(target) in await starts(client, world)  # no worker has expired it yet


async def test_two_processes_on_one_database_never_serve_a_stale_answer(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient, world: World
) -> None:
    target = tomorrow_at(clock, 10)
    async with client_for(make_app(db, clock)) as other:
        assert iso(target) in await starts(client, world)
        assert iso(target) in await starts(other, world)  # both caches warm
        payload = {
            "performer_id": world.p.id,
            "start": iso(target),
            "duration": 30,
            "call_type": "video",
            "accept_rules": True,
        }
        headers = {**world.headers("prime"), "Idempotency-Key": "k-1"}
        booked = await client.post("/api/bookings", json=payload, headers=headers)
        assert booked.status_code == 201, booked.text
        assert iso(target) not in await starts(other, world)
        cancel = f"/api/bookings/{booked.json()['id']}/cancel"
        r = await other.post(cancel, json={}, headers=world.headers("prime"))
        assert r.status_code == 200, r.text
        assert iso(target) in await starts(client, world)

        # A write from outside any API process (the bot, the worker, an admin script).
        async with db.transaction() as s:
            p = await s.get(Performer, world.p.id)
            assert p is not None
            await editing.block(s, p, target, target + timedelta(hours=1), "")
        assert iso(target) not in await starts(client, world)
        assert iso(target) not in await starts(other, world)
