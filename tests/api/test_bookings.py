"""POST /api/bookings and the booking endpoints: flow, idempotency, access rules, cancel,
reschedule, my bookings."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from pnplive.availability import editing
from pnplive.booking import service as bookings
from pnplive.booking.idempotency import IdempotencyKey
from pnplive.booking.models import Booking, SlotCell
from pnplive.booking.rules import BookingRules
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.performer.models import Performer
from pnplive.user.models import User
from tests.api.support import (
    client_for,
    iso,
    make_app,
    make_settings,
    tma,
    tomorrow_at,
)
from tests.factories import make_performer, make_user

pytestmark = pytest.mark.asyncio


async def setup(db: Database, clock: FrozenClock, **user_fields: object) -> tuple[Performer, User]:
    async with db.transaction() as s:
        p = await make_performer(
            s, clock.now(), price_per_minute=250, buffer_before=5, buffer_after=10
        )
        u = await make_user(s, clock.now(), timezone="Europe/Madrid", **user_fields)  # type: ignore[arg-type]
    return p, u


def body(p: Performer, clock: FrozenClock, hour: int = 10, **extra: object) -> dict[str, object]:
    out: dict[str, object] = {
        "performer_id": p.id,
        "start": iso(tomorrow_at(clock, hour)),
        "duration": 30,
        "call_type": "video",
        "accept_rules": True,
    }
    out.update(extra)
    return out


async def post(
    client: httpx.AsyncClient,
    clock: FrozenClock,
    user: User,
    payload: dict[str, object],
    key: str | None = "k-1",
) -> httpx.Response:
    headers = tma(user.telegram_id, clock.now())
    if key is not None:
        headers["Idempotency-Key"] = key
    return await client.post("/api/bookings", json=payload, headers=headers)


async def count(db: Database, model: type) -> int:
    async with db.transaction() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def test_booking_is_created_pending_payment_with_deadline_and_local_times(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    p, u = await setup(db, clock)
    r = await post(client, clock, u, body(p, clock, start="2027-03-02T11:00:00+01:00"))
    assert r.status_code == 201, r.text
    b = r.json()
    assert b["status"] == "pending_payment"
    assert b["start_at"] == "2027-03-02T10:00:00Z"
    assert b["end_at"] == "2027-03-02T10:30:00Z"
    assert b["local"] == {
        "timezone": "Europe/Madrid",
        "start": "2027-03-02T11:00:00+01:00",
        "end": "2027-03-02T11:30:00+01:00",
    }
    assert b["price"] == {"amount": 7500, "currency": "USD", "formatted": "$75.00"}
    assert b["payment_deadline"] == iso(clock.now() + timedelta(minutes=10))
    assert b["hold_expires_at"] is None and b["rules_accepted"] is True
    assert b["performer"]["id"] == p.id
    # It is really there, with its cells.
    got = await client.get(f"/api/bookings/{b['id']}", headers=tma(u.telegram_id, clock.now()))
    assert got.status_code == 200 and got.json()["status"] == "pending_payment"
    assert await count(db, SlotCell) == (5 + 30 + 10) // 5


async def test_without_accepting_rules_the_hold_waits_for_confirm(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    p, u = await setup(db, clock)
    r = await post(client, clock, u, body(p, clock, accept_rules=False))
    assert r.status_code == 201
    held = r.json()
    assert held["status"] == "held"
    assert held["hold_expires_at"] == iso(clock.now() + timedelta(minutes=10))
    headers = tma(u.telegram_id, clock.now())
    bad = await client.post(
        f"/api/bookings/{held['id']}/confirm", json={"accept_rules": False}, headers=headers
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "validation_error"
    clock.advance(minutes=3)
    ok = await client.post(
        f"/api/bookings/{held['id']}/confirm", json={"accept_rules": True}, headers=headers
    )
    assert ok.status_code == 200
    assert ok.json()["status"] == "pending_payment"
    assert ok.json()["payment_deadline"] == iso(clock.now() + timedelta(minutes=10))


async def test_an_expired_hold_cannot_be_confirmed(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    p, u = await setup(db, clock)
    held = (await post(client, clock, u, body(p, clock, accept_rules=False))).json()
    clock.advance(minutes=11)
    r = await client.post(
        f"/api/bookings/{held['id']}/confirm",
        json={"accept_rules": True},
        headers=tma(u.telegram_id, clock.now()),
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "slot_taken"


async def test_taken_slot_is_409_and_not_offered_time_is_422(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    p, u = await setup(db, clock)
    async with db.transaction() as s:
        other = await make_user(s, clock.now())
    assert (await post(client, clock, u, body(p, clock))).status_code == 201
    # Overlaps through the buffers only: the first occupies to 10:40, this one from 10:25.
    r = await post(client, clock, other, body(p, clock, start=iso(tomorrow_at(clock, 10, 30))))
    assert r.status_code == 409 and r.json()["error"]["code"] == "slot_taken"
    for start, problem in [
        (tomorrow_at(clock, 10, 5), "off_grid"),
        (clock.now() + timedelta(minutes=30), "too_soon"),
        (tomorrow_at(clock, 22), "outside_availability"),
        (clock.now() + timedelta(days=20), "beyond_horizon"),
    ]:
        r = await post(client, clock, other, body(p, clock, start=iso(start)), key=problem)
        assert r.status_code == 422, r.text
        err = r.json()["error"]
        assert err["code"] == "slot_unavailable" and err["details"]["problem"] == problem
    r = await post(client, clock, other, body(p, clock, hour=15, duration=135), key="long")
    assert r.status_code == 422 and r.json()["error"]["code"] == "validation_error"
    assert await count(db, Booking) == 1


async def test_unknown_performer_is_404(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    p, u = await setup(db, clock)
    r = await post(client, clock, u, body(p, clock, performer_id=p.id + 1000))
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


# --- idempotency -----------------------------------------------------------------------------


async def test_same_key_same_body_gives_the_same_booking_once(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    p, u = await setup(db, clock)
    first = await post(client, clock, u, body(p, clock), key="abc")
    clock.advance(seconds=20)
    again = await post(client, clock, u, body(p, clock), key="abc")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert await count(db, Booking) == 1
    # Same body, another way of writing the same instant: still the same request.
    same = body(p, clock) | {"start": "2027-03-02T05:00:00-05:00"}
    third = await post(client, clock, u, same, key="abc")
    assert third.json()["id"] == first.json()["id"]


async def test_same_key_other_body_is_422_and_changes_nothing(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    p, u = await setup(db, clock)
    first = await post(client, clock, u, body(p, clock), key="abc")
    r = await post(client, clock, u, body(p, clock, hour=12), key="abc")
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "idempotency_key_reused"
    async with db.transaction() as s:
        rows = (await s.scalars(select(Booking))).all()
    assert [(b.public_id, b.status) for b in rows] == [(first.json()["id"], "pending_payment")]


async def test_keys_belong_to_their_member(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    p, u = await setup(db, clock)
    async with db.transaction() as s:
        other = await make_user(s, clock.now())
    a = await post(client, clock, u, body(p, clock), key="same")
    b = await post(client, clock, other, body(p, clock, hour=12), key="same")
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"]


async def test_a_failed_request_does_not_burn_its_key(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    p, u = await setup(db, clock)
    async with db.transaction() as s:
        other = await make_user(s, clock.now())
    taken = await post(client, clock, other, body(p, clock), key="x")
    assert taken.status_code == 201
    r = await post(client, clock, u, body(p, clock), key="retry")
    assert r.status_code == 409
    assert await count(db, IdempotencyKey) == 1
    # The other member cancels; the same retry now succeeds.
    cancel = await client.post(
        f"/api/bookings/{taken.json()['id']}/cancel",
        json={},
        headers=tma(other.telegram_id, clock.now()),
    )
    assert cancel.status_code == 200
    r = await post(client, clock, u, body(p, clock), key="retry")
    assert r.status_code == 201


async def test_an_expired_key_is_a_new_key(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    p, u = await setup(db, clock)
    first = await post(client, clock, u, body(p, clock), key="old")
    assert first.status_code == 201
    clock.advance(hours=25)  # keys are kept for 24 hours
    again = await post(client, clock, u, body(p, clock, hour=12), key="old")
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert again.json()["id"] != first.json()["id"]
    assert await count(db, IdempotencyKey) == 1
    replay = await post(client, clock, u, body(p, clock, hour=12), key="old")
    assert replay.json()["id"] == again.json()["id"]


async def test_missing_or_oversized_key_is_422(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    p, u = await setup(db, clock)
    r = await post(client, clock, u, body(p, clock), key=None)
    assert r.status_code == 422 and r.json()["error"]["code"] == "validation_error"
    r = await post(client, clock, u, body(p, clock), key="k" * 256)
    assert r.status_code == 422
    assert await count(db, Booking) == 0


async def test_concurrent_requests_with_one_key_make_one_booking(
    db: Database, clock: FrozenClock, app: FastAPI
) -> None:
    p, u = await setup(db, clock)
    async with client_for(app) as client:
        results = await asyncio.gather(
            *(post(client, clock, u, body(p, clock), key="burst") for _ in range(10))
        )
    assert {r.status_code for r in results} == {201}, [r.text for r in results]
    assert len({r.json()["id"] for r in results}) == 1
    assert await count(db, Booking) == 1


# --- access rules (F-ACC-1), each with its own code ---------------------------------------------


@pytest.mark.parametrize(
    ("user_fields", "code"),
    [
        ({"verified": False}, "age_not_verified"),
        ({"terms": False}, "terms_not_accepted"),
        ({"prime": False}, "prime_required"),
        ({"restricted_reason": "abuse", "restricted_at": None}, "user_restricted"),
    ],
)
async def test_each_failing_member_rule_has_its_code(
    db: Database,
    clock: FrozenClock,
    client: httpx.AsyncClient,
    user_fields: dict[str, object],
    code: str,
) -> None:
    if "restricted_at" in user_fields:
        user_fields = dict(user_fields, restricted_at=clock.now())
    p, u = await setup(db, clock, **user_fields)
    r = await post(client, clock, u, body(p, clock))
    assert r.status_code == 403
    err = r.json()["error"]
    assert err["code"] == code and err["message"]
    assert await count(db, Booking) == 0


async def test_performer_rules_have_their_codes(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    p, u = await setup(db, clock)
    async with db.transaction() as s:
        paused = await make_performer(s, clock.now(), status="paused")
        empty = await make_performer(s, clock.now())
        await editing.set_weekly(s, empty, [], clock.now())
        member = await make_user(s, clock.now())
        await make_performer(s, clock.now(), user_telegram_id=member.telegram_id)
    for target, code, who in [
        (paused, "performer_unavailable", u),
        (empty, "no_availability", u),
        (p, "performers_cannot_book", member),
    ]:
        r = await post(client, clock, who, body(target, clock), key=code)
        assert r.status_code == 403 and r.json()["error"]["code"] == code, r.text


async def test_pay_per_call_lets_free_members_book(db: Database, clock: FrozenClock) -> None:
    p, u = await setup(db, clock, prime=False)
    app = make_app(db, clock, settings=make_settings(db.url, pay_per_call_enabled=True))
    async with client_for(app) as client:
        r = await post(client, clock, u, body(p, clock))
    assert r.status_code == 201


# --- cancel, reschedule, my bookings -----------------------------------------------------------


async def paid_booking(db: Database, clock: FrozenClock, p: Performer, u: User, hours: int) -> str:
    rules = BookingRules()
    async with db.transaction() as s:
        user = await s.get(User, u.id)
        perf = await s.get(Performer, p.id)
        assert user is not None and perf is not None
        start = clock.now().replace(minute=0) + timedelta(hours=hours)
        b = await bookings.place_hold(
            s, user=user, performer=perf, start_at=start, duration=30, now=clock.now(), rules=rules
        )
        await bookings.confirm_hold(s, b, now=clock.now(), rules=rules, actor_id=user.id)
        await bookings.apply_payment(s, b, now=clock.now())
        return b.public_id


@pytest.mark.parametrize(("hours", "refund", "bps"), [(30, 7500, 10000), (5, 3750, 5000)])
async def test_member_cancellation_refunds_per_policy(
    db: Database,
    clock: FrozenClock,
    client: httpx.AsyncClient,
    hours: int,
    refund: int,
    bps: int,
) -> None:
    p, u = await setup(db, clock)
    bid = await paid_booking(db, clock, p, u, hours)
    r = await client.post(
        f"/api/bookings/{bid}/cancel",
        json={"reason": "cannot make it"},
        headers=tma(u.telegram_id, clock.now()),
    )
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["booking"]["status"] == "cancelled" and out["booking"]["cancelled_by"] == "user"
    assert out["was_paid"] is True
    assert out["refund"]["amount"]["amount"] == refund and out["refund"]["refund_bps"] == bps
    assert await count(db, SlotCell) == 0


async def test_member_cannot_cancel_after_the_cutoff_but_performer_can(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    async with db.transaction() as s:
        member = await make_user(s, clock.now())
        p = await make_performer(
            s, clock.now(), user_telegram_id=member.telegram_id, price_per_minute=250
        )
        u = await make_user(s, clock.now())
    bid = await paid_booking(db, clock, p, u, 2)
    clock.advance(minutes=30)
    r = await client.post(
        f"/api/bookings/{bid}/cancel", json={}, headers=tma(u.telegram_id, clock.now())
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "cancel_not_allowed"
    r = await client.post(
        f"/api/bookings/{bid}/cancel", json={}, headers=tma(member.telegram_id, clock.now())
    )
    assert r.status_code == 200
    assert r.json()["refund"]["amount"]["amount"] == 7500
    assert r.json()["booking"]["local"]["timezone"] == "UTC"


async def test_reschedule_moves_the_booking_and_keeps_the_price(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    p, u = await setup(db, clock)
    bid = await paid_booking(db, clock, p, u, 30)
    headers = tma(u.telegram_id, clock.now())
    new_start = tomorrow_at(clock, 17, days=2)
    r = await client.post(
        f"/api/bookings/{bid}/reschedule", json={"start": iso(new_start)}, headers=headers
    )
    assert r.status_code == 200, r.text
    assert r.json()["start_at"] == iso(new_start) and r.json()["reschedule_count"] == 1
    assert r.json()["price"]["amount"] == 7500
    r = await client.post(
        f"/api/bookings/{bid}/reschedule",
        json={"start": iso(tomorrow_at(clock, 23, days=2))},
        headers=headers,
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "slot_unavailable"


async def test_my_bookings_lists_upcoming_and_past_with_paging(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    p, u = await setup(db, clock)
    ids = [await paid_booking(db, clock, p, u, h) for h in (27, 51, 75)]
    headers = tma(u.telegram_id, clock.now())
    r = await client.get("/api/bookings/my?limit=2", headers=headers)
    page = r.json()
    assert [b["id"] for b in page["items"]] == ids[:2]
    assert (page["total"], page["next_offset"]) == (3, 2)
    assert page["items"][0]["local"]["timezone"] == "Europe/Madrid"
    r = await client.get("/api/bookings/my?limit=2&offset=2", headers=headers)
    assert [b["id"] for b in r.json()["items"]] == ids[2:] and r.json()["next_offset"] is None
    clock.advance(days=3)
    r = await client.get("/api/bookings/my?when=past", headers=tma(u.telegram_id, clock.now()))
    assert [b["id"] for b in r.json()["items"]] == [ids[1], ids[0]]
    r = await client.get(
        "/api/bookings/my?when=all&status=cancelled", headers=tma(u.telegram_id, clock.now())
    )
    assert r.json()["total"] == 0


async def test_a_start_without_an_offset_is_refused_as_ambiguous(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    p, u = await setup(db, clock)
    r = await post(client, clock, u, body(p, clock, start="2027-03-02T10:00:00"))
    assert r.status_code == 422 and r.json()["error"]["code"] == "validation_error"
    assert r.json()["error"]["details"]["errors"][0]["loc"] == ["body", "start"]
    assert await count(db, Booking) == 0
