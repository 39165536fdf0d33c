"""Incident reports over HTTP (F-SAF-1): a live call ended at once, admins alerted, the booking
flagged; the admins' side: incidents, a user's record and risk, restricting an author."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import select

from pnplive.api.app import create_app
from pnplive.api.settings import ApiSettings
from pnplive.booking.states import Status
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.kit.jobs import Job
from pnplive.moderation import service as moderation
from pnplive.moderation.service import Subject
from pnplive.user.models import User
from pnplive.video import joins
from pnplive.video.models import Side
from pnplive.video.timing import CallTiming
from tests.api.support import World, build_world, client_for, iso, make_settings, tomorrow_at
from tests.video.support import VIDEO, RecordingProvider, booking, passes, run_due, worker

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture
async def provider() -> RecordingProvider:
    return RecordingProvider()


@pytest_asyncio.fixture
async def world(db: Database, clock: FrozenClock, provider: RecordingProvider) -> World:
    w = await build_world(db, clock)
    await run_due(worker(db, clock, provider))  # the confirmed booking's room and links
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


async def go_live(db: Database, clock: FrozenClock, world: World) -> None:
    clock.set(world.b.start_at - timedelta(minutes=2))
    token = (await passes(db, world.b.public_id))[Side.PERFORMER].token
    async with db.transaction() as s:
        await joins.use_link(s, token, clock.now(), CallTiming.of(VIDEO))
    assert (await booking(db, world.b.public_id)).status == Status.LIVE.value


async def alerts(db: Database) -> list[dict[str, object]]:
    async with db.transaction() as s:
        jobs = await s.scalars(select(Job).where(Job.kind == "admin_alert"))
        return [j.payload for j in jobs]


async def test_a_report_ends_a_live_call_at_once_and_alerts_admins(
    db: Database,
    clock: FrozenClock,
    world: World,
    client: httpx.AsyncClient,
    provider: RecordingProvider,
) -> None:
    await go_live(db, clock, world)
    member_link = f"/j/{(await passes(db, world.b.public_id))[Side.MEMBER].token}"
    r = await client.post(
        f"/api/bookings/{world.b.public_id}/incidents",
        json={"category": "harassment", "text": "He kept insulting me. " * 20, "end_call": True},
        headers=world.headers("prime"),
    )
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["call_ended"] is True and out["reported_by"] == "member"
    assert out["reported_user_id"] == world.users["performer"].id
    assert len(out["excerpt"]) <= 120 and out["excerpt"].startswith("He kept insulting me.")

    b = await booking(db, world.b.public_id)
    assert b.status == Status.COMPLETED.value and b.flagged_at == clock.now()
    # Nobody gets back in: both links are revoked, and the provider is asked to end the room.
    assert all(p.revoked_at is not None for p in (await passes(db, world.b.public_id)).values())
    entered = await client.get(member_link, follow_redirects=False)
    assert entered.status_code != 302
    await run_due(worker(db, clock, provider))
    assert provider.closed == ["room-1"]
    incident_alerts = [a for a in await alerts(db) if a.get("kind") == "incident"]
    assert [(a["booking"], a["category"], a["call_ended"]) for a in incident_alerts] == [
        (world.b.public_id, "harassment", "yes")
    ]

    # Admins see it, with the reported performer's raised risk, and close it.
    admin = world.headers("admin")
    listed = (await client.get("/api/admin/incidents?status=open", headers=admin)).json()
    assert [i["id"] for i in listed["items"]] == [out["id"]] and listed["total"] == 1
    record = await client.get(
        f"/api/admin/moderation/users/{world.users['performer'].id}", headers=admin
    )
    assert record.json()["risk"] == {"level": "raised", "reports": 1, "violations": 0}
    assert [i["id"] for i in record.json()["reported_in"]] == [out["id"]]
    done = await client.post(
        f"/api/admin/incidents/{out['id']}/resolution",
        json={"resolution": "Warned the performer; refunded the member by hand."},
        headers=admin,
    )
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    again = await client.post(
        f"/api/admin/incidents/{out['id']}/resolution", json={"resolution": "x"}, headers=admin
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "incident_not_allowed"


async def test_a_report_before_the_call_flags_it_without_ending_anything(
    db: Database, world: World, client: httpx.AsyncClient
) -> None:
    r = await client.post(
        f"/api/bookings/{world.b.public_id}/incidents",
        json={"category": "off_platform", "text": "Asked me to pay by phone", "end_call": True},
        headers=world.headers("performer"),
    )
    assert r.status_code == 201 and r.json()["call_ended"] is False
    assert r.json()["reported_by"] == "performer"
    assert r.json()["reported_user_id"] == world.users["prime"].id
    b = await booking(db, world.b.public_id)
    assert b.status == Status.CONFIRMED.value and b.flagged_at is not None


async def test_bad_reports_are_refused_and_change_nothing(
    db: Database, world: World, client: httpx.AsyncClient
) -> None:
    url = f"/api/bookings/{world.b.public_id}/incidents"
    bad = await client.post(url, json={"category": "bored"}, headers=world.headers("prime"))
    assert bad.status_code == 422
    long = {"category": "other", "text": "x" * 2001}
    assert (await client.post(url, json=long, headers=world.headers("prime"))).status_code == 422
    other = await client.post(url, json={"category": "other"}, headers=world.headers("other_prime"))
    assert other.status_code == 403 and other.json()["error"]["code"] == "not_your_booking"
    assert world.held is not None
    held = await client.post(
        f"/api/bookings/{world.held.public_id}/incidents",
        json={"category": "other"},
        headers=world.headers("other_prime"),
    )
    assert held.status_code == 409 and held.json()["error"]["code"] == "incident_not_allowed"
    assert (await booking(db, world.b.public_id)).flagged_at is None
    assert await alerts(db) == []


async def test_restricting_an_author_from_the_queue_closes_their_booking_access(
    db: Database, clock: FrozenClock, world: World, client: httpx.AsyncClient
) -> None:
    member = world.users["other_prime"]
    async with db.transaction() as s:
        outcome = await moderation.moderate(
            s,
            "you are so stupid",
            Subject("message", "m1"),
            member.id,
            clock.now(),
        )
    assert outcome.violations
    admin = world.headers("admin")
    queue = (await client.get("/api/admin/moderation/flagged", headers=admin)).json()
    mine = [f for f in queue if f["author_user_id"] == member.id]
    assert mine and mine[0]["author_risk"]["violations"] == 1
    r = await client.post(
        f"/api/admin/moderation/{outcome.violations[0].id}/restriction",
        json={"reason": "Insults other members."},
        headers=admin,
    )
    assert r.status_code == 200, r.text
    assert r.json()["violation"]["final_decision"] == "block"
    assert r.json()["restricted_reason"] == "Insults other members."
    detail = await client.get(f"/api/admin/moderation/{outcome.violations[0].id}", headers=admin)
    assert [(o["previous_decision"], o["decision"]) for o in detail.json()["overrides"]] == [
        ("hold", "block")
    ]
    assert detail.json()["author_risk"]["level"] in ("low", "raised")
    # The booking service refuses them now, with the rule's code and the reason.
    hold = await client.post(
        "/api/bookings",
        json={
            "performer_id": world.p.id,
            "start": iso(tomorrow_at(world.clock, 15)),
            "duration": 30,
            "accept_rules": True,
        },
        headers={**world.headers("other_prime"), "Idempotency-Key": "restricted-1"},
    )
    assert hold.status_code == 403 and hold.json()["error"]["code"] == "user_restricted"
    assert hold.json()["error"]["details"]["reason"] == "Insults other members."
    token = await client.post(
        f"/api/admin/moderation/{outcome.violations[0].id}/restriction",
        json={"reason": "x"},
        headers=world.headers("admin_token"),
    )
    assert token.status_code == 403


async def test_a_member_rate_limited_again_and_again_is_restricted(
    db: Database, clock: FrozenClock
) -> None:
    world = await build_world(db, clock, with_booking=False)
    app = create_app(
        make_settings(db.url, abuse_limit=2, abuse_window_minutes=60),
        db=db,
        clock=clock,
        api_settings=ApiSettings(rate_limit_per_user="2/minute", rate_limit_per_ip="1000/minute"),
    )
    prime = world.headers("prime")
    async with client_for(app) as client:
        codes = [(await client.get("/api/models", headers=prime)).status_code for _ in range(4)]
        assert codes == [200, 200, 429, 429]  # one episode
        async with db.transaction() as s:
            fresh = await s.get(User, world.users["prime"].id)
            assert fresh is not None and fresh.restricted_at is None
        clock.advance(seconds=120)  # a second episode, later
        assert (await client.get("/api/models", headers=prime)).status_code == 429
    async with db.transaction() as s:
        member = await s.get(User, world.users["prime"].id)
        assert member is not None and member.restricted_at is not None
        assert "too many requests" in (member.restricted_reason or "")


async def test_messages_over_http_say_what_happened(
    world: World, client: httpx.AsyncClient
) -> None:
    url = f"/api/bookings/{world.b.public_id}/messages"
    chatter = {"text": "¿a qué hora te conectas?"}
    ok = await client.post(url, json=chatter, headers=world.headers("prime"))
    assert ok.status_code == 201
    assert ok.json() == {"status": "sent", "categories": [], "restricted": False}
    blocked = await client.post(
        url, json={"text": "send me your instagram"}, headers=world.headers("performer")
    )
    assert blocked.status_code == 201 and blocked.json()["status"] == "blocked"
    empty = await client.post(url, json={"text": ""}, headers=world.headers("prime"))
    assert empty.status_code == 422
