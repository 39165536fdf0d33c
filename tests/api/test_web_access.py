"""Every web dashboard page and form against every role: anonymous, a plain member (even with
a correctly signed session), the booking's performer, another performer, an admin, a
superadmin. Only the right ones see data; a form without its CSRF token changes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from sqlalchemy import func, select

from pnplive.availability.models import BlockedInterval, ExtraAvailability
from pnplive.booking.models import Booking, BookingEvent
from pnplive.calendar.models import CalendarFeed
from pnplive.earning.models import Payout
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.performer.models import Performer
from pnplive.user.models import User, UserEvent
from pnplive.worker.models import Job
from tests.api.support import World, build_world, client_for, make_app, make_settings
from tests.api.web_support import COOKIE, csrf_of, member_session, sign_in_token, sign_in_user
from tests.factories import make_user

pytestmark = pytest.mark.asyncio
ROLES = (
    "anonymous",
    "member",
    "performer",
    "other_performer",
    "admin",
    "admin_token",
    "superadmin",
)


@pytest_asyncio.fixture
async def world(db: Database, clock: FrozenClock) -> World:
    w = await build_world(db, clock)
    async with db.transaction() as s:
        other = await make_user(s, clock.now(), prime=False)
        p = await s.get(Performer, w.other_performer.id if w.other_performer else 0)
        assert p is not None
        p.user_id = other.id
        w.users["other_performer"] = other
        w.users["member"] = w.users["prime"]
    return w


@pytest_asyncio.fixture
async def app(db: Database, clock: FrozenClock) -> FastAPI:
    return make_app(db, clock)


@pytest_asyncio.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app) as c:
        yield c


async def as_role(
    client: httpx.AsyncClient, db: Database, clock: FrozenClock, w: World, role: str
) -> None:
    client.cookies.clear()
    if role == "anonymous":
        return
    if role == "member":
        # A member cannot get a login link; even a correctly signed session shows nothing.
        secret = make_settings(db.url).secret_key
        client.cookies.set(COOKIE, member_session(w.users["member"], clock, secret))
        return
    if role == "admin_token":
        await sign_in_token(client, db, clock)
        return
    await sign_in_user(client, db, clock, w.users[role])


def admin_pages(w: World) -> list[str]:
    return [
        "/admin",
        "/admin/bookings",
        f"/admin/bookings/{w.b.public_id}",
        "/admin/performers",
        f"/admin/performers/{w.p.id}",
        "/admin/money",
        f"/admin/payouts?performer_id={w.p.id}",
        "/admin/jobs",
        "/admin/broadcasts",
        "/admin/exports/bookings.csv?from=2027-03-01&to=2027-03-10",
    ]


def allowed(role: str, path: str) -> bool:
    if path.startswith("/performer"):
        return role in ("performer", "other_performer")
    if path.startswith("/admin/roles"):
        return role == "superadmin"
    return role in ("admin", "admin_token", "superadmin")


@pytest.mark.parametrize("role", ROLES)
async def test_every_page_shows_data_only_to_its_roles(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient, world: World, role: str
) -> None:
    w = world
    await as_role(client, db, clock, w, role)
    booking, performer_name = w.b.public_id, w.p.display_name
    for path in [*admin_pages(w), "/admin/roles", "/performer"]:
        r = await client.get(path, follow_redirects=False)
        if not allowed(role, path):
            assert r.status_code in (303, 403), (role, path, r.status_code)
            if r.status_code == 303:
                assert r.headers["location"] == "/login"
            assert booking not in r.text and performer_name not in r.text, (role, path)
            continue
        assert r.status_code == 200, (role, path, r.status_code, r.text[:300])
        if path == "/performer":
            # Each performer sees their own calls, never the other's.
            assert (booking in r.text) is (role == "performer"), (role, path)
        elif path.startswith(("/admin/bookings", "/admin/exports")):
            assert booking in r.text
    if role in ("anonymous", "member"):
        login = await client.get("/admin/bookings", follow_redirects=True)
        assert login.status_code == 200 and 'name="token"' in login.text  # the sign-in page


async def counts(db: Database) -> dict[str, Any]:
    async with db.transaction() as s:
        out: dict[str, Any] = {}
        for model in (
            BlockedInterval,
            ExtraAvailability,
            BookingEvent,
            Payout,
            UserEvent,
            Performer,
            Job,
        ):
            out[model.__tablename__] = await s.scalar(select(func.count()).select_from(model))
        out["bookings"] = sorted(
            (b.public_id, b.status, b.start_at) for b in (await s.scalars(select(Booking))).all()
        )
        out["feeds"] = sorted(
            (f.performer_id, f.token) for f in await s.scalars(select(CalendarFeed))
        )
        out["roles"] = sorted((u.id, u.role) for u in await s.scalars(select(User)))
        out["performers"] = sorted(
            (p.id, p.display_name, p.status, p.user_id) for p in await s.scalars(select(Performer))
        )
    return out


def forms(w: World) -> list[tuple[str, dict[str, str]]]:
    day = (w.b.start_at).date().isoformat()
    return [
        (f"/admin/bookings/{w.b.public_id}/cancel", {"reason": "x"}),
        (f"/admin/bookings/{w.b.public_id}/reschedule", {"start": f"{day}T16:00"}),
        (f"/admin/bookings/{w.b.public_id}/refund", {"amount": "1"}),
        (
            "/admin/performers",
            {
                "username": "newbie_perf",
                "display_name": "New",
                "price": "2",
                "currency": "USD",
                "hours_from": "09:00",
                "hours_to": "17:00",
            },
        ),
        (f"/admin/performers/{w.p.id}", {"display_name": "Renamed", "price": "3"}),
        (f"/admin/performers/{w.p.id}/deactivate", {}),
        (
            "/admin/payouts",
            {"performer_id": str(w.p.id), "amount": "1", "currency": "USD", "method": "bank"},
        ),
        (
            "/admin/roles",
            {"telegram_id": str(w.users["free"].telegram_id), "role": "admin", "action": "grant"},
        ),
        ("/performer/blocked", {"day": day}),
        ("/performer/extra", {"day": day, "start": "22:00", "end": "23:00"}),
        ("/performer/feed/rotate", {}),
    ]


@pytest.mark.parametrize("role", ROLES)
async def test_no_form_changes_anything_without_its_csrf_token_or_the_right_role(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient, world: World, role: str
) -> None:
    w = world
    await as_role(client, db, clock, w, role)
    home = "/performer" if "performer" in role else "/admin/bookings"
    page = await client.get(home, follow_redirects=False)
    token = csrf_of(page) if page.status_code == 200 else ""
    before = await counts(db)
    for path, data in forms(w):
        missing = await client.post(path, data=data, follow_redirects=False)
        assert missing.status_code in (303, 403), (role, path, missing.status_code)
        forged = await client.post(path, data=data | {"csrf": "forged"}, follow_redirects=False)
        assert forged.status_code in (303, 403), (role, path, forged.status_code)
        if token and not allowed(role, path):
            # Their own valid token does not open another role's form.
            wrong = await client.post(path, data=data | {"csrf": token}, follow_redirects=False)
            assert wrong.status_code in (303, 403), (role, path, wrong.status_code)
    assert await counts(db) == before


async def test_the_forms_work_with_their_token_for_the_right_role(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient, world: World
) -> None:
    """The matrix above is not passing because forms never work: with the token they do."""
    w = world
    await as_role(client, db, clock, w, "admin_token")
    token = csrf_of(await client.get("/admin/bookings"))
    cancel = await client.post(
        f"/admin/bookings/{w.b.public_id}/cancel",
        data={"csrf": token, "reason": "by the ops token"},
        follow_redirects=False,
    )
    assert cancel.status_code == 303
    async with db.transaction() as s:
        b = await s.scalar(select(Booking).where(Booking.public_id == w.b.public_id))
        assert b is not None and b.status == "cancelled" and b.cancelled_by == "admin"
    await as_role(client, db, clock, w, "superadmin")
    token = csrf_of(await client.get("/admin/roles"))
    grant = next(data for path, data in forms(w) if path == "/admin/roles")
    done = await client.post("/admin/roles", data=grant | {"csrf": token}, follow_redirects=False)
    assert done.status_code == 303
    async with db.transaction() as s:
        promoted = await s.get(User, w.users["free"].id)
        assert promoted is not None and promoted.role == "admin"
    await as_role(client, db, clock, w, "performer")
    token = csrf_of(await client.get("/performer"))
    block = next(data for path, data in forms(w) if path == "/performer/blocked")
    r = await client.post("/performer/blocked", data=block | {"csrf": token})
    assert r.status_code == 303
    async with db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(BlockedInterval)) == 1
