"""Browse (F-PRF-5), profile (F-PRF-6), availability (F-AV-3/4), matching (F-AV-7), instant
calls (F-AV-8) through the API."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest

from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.performer.models import Performer
from pnplive.user.models import User
from tests.api.support import bearer, iso, tma, tomorrow_at
from tests.factories import make_performer, make_user

pytestmark = pytest.mark.asyncio


async def catalogue(db: Database, clock: FrozenClock) -> tuple[dict[str, Performer], User]:
    now = clock.now()
    async with db.transaction() as s:
        ps = {
            "luna": await make_performer(
                s,
                now,
                username="luna",
                display_name="Luna",
                tags=["chat", "music"],
                languages=["es", "en"],
                price_per_minute=300,
                currency="EUR",
                bio="Madrid, loves 100% vinyl",
            ),
            "sky": await make_performer(
                s,
                now,
                username="sky",
                display_name="Sky",
                tags=["night", "chat"],
                languages=["en"],
                price_per_minute=250,
                weekly=[(d, "18:00", "23:00") for d in range(7)],
            ),
            "val": await make_performer(
                s,
                now,
                username="val",
                display_name="Valentina",
                tags=["dance"],
                languages=["es"],
                price_per_minute=100,
                weekly=[(3, "14:00", "22:00")],  # Thursdays only
            ),
            "hidden": await make_performer(s, now, username="ghost", visibility="hidden"),
            "paused": await make_performer(s, now, username="napping", status="paused"),
        }
        ps["luna"].rating_sum, ps["luna"].rating_count = 14, 3  # 4.67
        ps["sky"].rating_sum, ps["sky"].rating_count = 5, 1  # 5.0
        ps["sky"].presence = "online"
        member = await make_user(s, now, timezone="America/New_York")
    return ps, member


async def names(client: httpx.AsyncClient, headers: dict[str, str], query: str) -> list[str]:
    r = await client.get(f"/api/models?{query}", headers=headers)
    assert r.status_code == 200, r.text
    return [m["username"] for m in r.json()["items"]]


async def test_browse_filters_and_sorts(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    _ps, member = await catalogue(db, clock)
    h = tma(member.telegram_id, clock.now())
    assert await names(client, h, "") == ["sky", "luna", "val"]  # online first, then rating
    assert await names(client, h, "sort=rating") == ["sky", "luna", "val"]
    assert await names(client, h, "sort=price") == ["val", "sky", "luna"]
    assert await names(client, h, "sort=-price") == ["luna", "sky", "val"]
    assert await names(client, h, "tags=chat") == ["sky", "luna"]
    assert await names(client, h, "tags=chat&tags=music") == ["luna"]
    assert await names(client, h, "language=es") == ["luna", "val"]
    assert await names(client, h, "online=true") == ["sky"]
    assert await names(client, h, "online=false") == ["luna", "val"]
    assert await names(client, h, "price_min=200&price_max=280") == ["sky"]
    assert await names(client, h, "currency=eur") == ["luna"]
    assert await names(client, h, "min_rating=4.8") == ["sky"]
    assert await names(client, h, "q=vinyl") == ["luna"]
    assert await names(client, h, "q=100%25") == ["luna"]  # % is literal, not a wildcard
    assert await names(client, h, "q=_") == []
    # 2027-03-04 is a Thursday: Valentina works then; nobody else is excluded that day.
    assert await names(client, h, "available_on=2027-03-04&sort=price") == ["val", "sky", "luna"]
    assert await names(client, h, "available_on=2027-03-05&sort=price") == ["sky", "luna"]
    card = (await client.get("/api/models?q=sky", headers=h)).json()["items"][0]
    assert card["online"] is True and card["rating"] == 5.0
    assert card["price_per_minute"] == {"amount": 250, "currency": "USD", "formatted": "$2.50"}


async def test_browse_pages(db: Database, clock: FrozenClock, client: httpx.AsyncClient) -> None:
    _ps, member = await catalogue(db, clock)
    h = tma(member.telegram_id, clock.now())
    first = (await client.get("/api/models?limit=2", headers=h)).json()
    second = (await client.get("/api/models?limit=2&offset=2", headers=h)).json()
    assert (first["total"], first["next_offset"], second["next_offset"]) == (3, 2, None)
    assert [m["username"] for m in first["items"] + second["items"]] == ["sky", "luna", "val"]
    capped = (await client.get("/api/models?limit=1000", headers=h)).json()
    assert capped["limit"] == 100


async def test_profile_has_gallery_durations_reviews_and_next_slots(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    async with db.transaction() as s:
        p = await make_performer(
            s,
            clock.now(),
            bio="Hello",
            min_duration=30,
            max_duration=60,
            price_per_minute=200,
            photos=[
                {"url": "https://img.example/a.jpg", "caption": "A"},
                {"url": "https://img.example/b.jpg"},
            ],
        )
        p.rating_sum, p.rating_count = 9, 2
        member = await make_user(s, clock.now(), timezone="Asia/Tokyo")
    r = await client.get(f"/api/models/{p.id}", headers=tma(member.telegram_id, clock.now()))
    assert r.status_code == 200
    prof = r.json()
    assert prof["bio"] == "Hello"
    assert [g["url"] for g in prof["gallery"]] == [
        "https://img.example/a.jpg",
        "https://img.example/b.jpg",
    ]
    assert prof["photo"] == "https://img.example/a.jpg"
    assert [(d["minutes"], d["price"]["amount"]) for d in prof["durations"]] == [
        (30, 6000),
        (45, 9000),
        (60, 12000),
    ]
    assert prof["reviews"] == {"average": 4.5, "count": 2}
    slots = prof["next_slots"]
    assert len(slots) == 6 and prof["viewer_timezone"] == "Asia/Tokyo"
    # Minimum notice is an hour: the first free slot is 10:00 UTC, shown in Tokyo time.
    assert slots[0]["start"] == "2027-03-01T10:00:00Z"
    assert slots[0]["local_start"] == "2027-03-01T19:00:00+09:00"
    assert slots[0]["end"] == "2027-03-01T10:30:00Z"


async def test_hidden_performer_is_404_for_members_but_visible_to_admins(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    ps, member = await catalogue(db, clock)
    async with db.transaction() as s:
        from pnplive.auth import tokens

        _, token = await tokens.create(s, "ops", "admin", clock.now())
    hid = ps["hidden"].id
    r = await client.get(f"/api/models/{hid}", headers=tma(member.telegram_id, clock.now()))
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert (await client.get(f"/api/models/{hid}", headers=bearer(token))).status_code == 200
    r = await client.get("/api/models/999999", headers=bearer(token))
    assert r.status_code == 404


async def test_availability_by_range_duration_and_zone(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    async with db.transaction() as s:
        p = await make_performer(
            s,
            clock.now(),
            timezone="Europe/Madrid",
            buffer_after=15,
            weekly=[(1, "10:00", "12:00")],  # Tuesdays 10-12 Madrid = 09-11 UTC in March
        )
        member = await make_user(s, clock.now(), timezone="America/New_York")
    h = tma(member.telegram_id, clock.now())
    r = await client.get(
        f"/api/models/{p.id}/availability?from=2027-03-02&to=2027-03-03&duration=45", headers=h
    )
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["timezone"] == "America/New_York" and out["duration"] == 45
    assert out["price"]["amount"] == 200 * 45
    assert [d["day"] for d in out["days"]] == ["2027-03-02", "2027-03-03"]
    starts = [x["start"] for x in out["days"][0]["slots"]]
    assert starts == [
        "2027-03-02T09:00:00Z",
        "2027-03-02T09:15:00Z",
        "2027-03-02T09:30:00Z",
        "2027-03-02T09:45:00Z",
        "2027-03-02T10:00:00Z",
        "2027-03-02T10:15:00Z",
    ]
    assert out["days"][0]["slots"][0]["local_start"] == "2027-03-02T04:00:00-05:00"
    assert out["days"][1]["slots"] == []
    # In the performer's own zone and another duration.
    r = await client.get(
        f"/api/models/{p.id}/availability?from=2027-03-02&to=2027-03-02&duration=120"
        "&tz=Europe/Madrid",
        headers=h,
    )
    assert [x["local_start"] for x in r.json()["days"][0]["slots"]] == ["2027-03-02T10:00:00+01:00"]
    # Durations outside the performer's range, bad zones and reversed ranges are refused.
    for q, code in [
        ("duration=20", "invalid_input"),
        ("duration=150", "validation_error"),
        ("tz=Nowhere/Land", "invalid_input"),
        ("from=2027-03-05&to=2027-03-04", "invalid_input"),
    ]:
        r = await client.get(f"/api/models/{p.id}/availability?{q}", headers=h)
        assert r.status_code == 422 and r.json()["error"]["code"] == code, (q, r.text)


async def test_availability_across_a_daylight_saving_change(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    # 2027-03-14 is the spring-forward Sunday in New York: 02:00-03:00 does not exist.
    async with db.transaction() as s:
        p = await make_performer(
            s, clock.now(), timezone="America/New_York", weekly=[(6, "00:00", "04:00")]
        )
        member = await make_user(s, clock.now(), timezone="America/New_York")
    r = await client.get(
        f"/api/models/{p.id}/availability?from=2027-03-14&to=2027-03-14&duration=60",
        headers=tma(member.telegram_id, clock.now()),
    )
    slots = r.json()["days"][0]["slots"]
    local = [x["local_start"][11:16] for x in slots]
    # Three real hours: 60-minute calls start 00:00 .. 01:45 EST (an hour later on the wall
    # clock, 03:00-03:45 EDT, they end) then 03:00 EDT; nothing starts at 02:xx.
    assert local == [
        "00:00",
        "00:15",
        "00:30",
        "00:45",
        "01:00",
        "01:15",
        "01:30",
        "01:45",
        "03:00",
    ]
    assert not any(t.startswith("02:") for t in local)
    for x in slots:
        start = datetime.fromisoformat(x["start"])
        end = datetime.fromisoformat(x["end"])
        assert end - start == timedelta(minutes=60)
    assert len(slots) == (180 - 60) // 15 + 1


async def test_smart_matching_scores_and_explains(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    _ps, member = await catalogue(db, clock)
    h = tma(member.telegram_id, clock.now())
    r = await client.get(
        "/api/match?duration=30&from=2027-03-02&to=2027-03-02&time_from=18:00&time_to=20:00"
        "&tz=UTC&limit=5",
        headers=h,
    )
    assert r.status_code == 200, r.text
    out = r.json()
    items = out["items"]
    assert len(items) == 5
    assert [m["score"] for m in items] == sorted((m["score"] for m in items), reverse=True)
    top = items[0]
    assert top["performer"]["username"] == "sky"  # in the window, 5 stars, online
    assert "inside your 18:00–20:00 window" in top["reasons"]
    assert "online now" in top["reasons"]
    # The reasons are worded for the reader: the member's language, or the one asked for.
    r = await client.get(
        "/api/match?duration=30&from=2027-03-02&to=2027-03-02&time_from=18:00&time_to=20:00"
        "&tz=UTC&limit=1&lang=es",
        headers=h,
    )
    assert r.json()["items"][0]["reasons"][0] == "dentro de tu franja 18:00–20:00"
    assert "en línea ahora" in r.json()["items"][0]["reasons"]
    per = {}
    for m in items:
        per[m["performer"]["username"]] = per.get(m["performer"]["username"], 0) + 1
        local = datetime.fromisoformat(m["slot"]["local_start"])
        assert local.date().isoformat() == "2027-03-02"
    assert max(per.values()) <= 3
    # A price cap leaves only cheaper performers; tags narrow too.
    r = await client.get("/api/match?duration=30&price_max=200&tz=UTC", headers=h)
    assert {m["performer"]["username"] for m in r.json()["items"]} <= {"val"}
    r = await client.get("/api/match?duration=30&tags=music&tz=UTC", headers=h)
    assert {m["performer"]["username"] for m in r.json()["items"]} == {"luna"}
    r = await client.get("/api/match?duration=30&time_from=18:00", headers=h)
    assert r.status_code == 422


async def test_instant_call_with_an_online_performer(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    ps, member = await catalogue(db, clock)
    async with db.transaction() as s:
        member2 = await make_user(s, clock.now())
    clock.advance(seconds=40)
    h = tma(member.telegram_id, clock.now()) | {"Idempotency-Key": "now-1"}
    r = await client.post(
        f"/api/models/{ps['sky'].id}/instant",
        json={"duration": 15, "accept_rules": True},
        headers=h,
    )
    assert r.status_code == 201, r.text
    b = r.json()
    assert b["status"] == "pending_payment"
    start = datetime.fromisoformat(b["start_at"])
    assert clock.now() + timedelta(minutes=2) <= start <= clock.now() + timedelta(minutes=7)
    assert start.minute % 5 == 0 and start.second == 0
    # The performer is now busy for anyone else; an offline performer cannot be called now.
    r = await client.post(
        f"/api/models/{ps['sky'].id}/instant",
        json={"duration": 15, "accept_rules": True},
        headers=tma(member2.telegram_id, clock.now()) | {"Idempotency-Key": "now-2"},
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "performer_busy"
    r = await client.post(
        f"/api/models/{ps['luna'].id}/instant",
        json={"duration": 15, "accept_rules": True},
        headers=tma(member2.telegram_id, clock.now()) | {"Idempotency-Key": "now-3"},
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "performer_not_online"
    # A regular booking over the instant call's time is refused too.
    r = await client.post(
        "/api/bookings",
        json={
            "performer_id": ps["sky"].id,
            "start": iso(tomorrow_at(clock, 19)),
            "duration": 30,
            "accept_rules": True,
        },
        headers=tma(member2.telegram_id, clock.now()) | {"Idempotency-Key": "later"},
    )
    assert r.status_code == 201
