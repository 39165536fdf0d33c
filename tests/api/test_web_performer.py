"""The performer's dashboard: their own week, blocking a day lists the bookings it leaves
uncovered, extra time, earnings, clients, the calendar feed; nothing of another performer's;
forms without CSRF change nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from sqlalchemy import func, select

from pnplive.availability.models import BlockedInterval, ExtraAvailability
from pnplive.calendar.models import CalendarFeed
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.performer.models import Performer
from tests.api.support import client_for, make_app
from tests.api.test_admin_money import PROVIDERS, pay
from tests.api.web_support import csrf_of, sign_in_user
from tests.factories import make_user
from tests.payment import support

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture
async def client(db: Database, clock: FrozenClock) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = make_app(db, clock)
    app.state.payment_providers = PROVIDERS
    async with client_for(app) as c:
        yield c


async def performer_of(db: Database, clock: FrozenClock, booking_id: str) -> Performer:
    """Give the performer of a booking a member account, and return the performer."""
    b = await support.booking(db, booking_id)
    async with db.transaction() as s:
        account = await make_user(s, clock.now(), prime=False, first_name="Luna")
        p = await s.get(Performer, b.performer_id)
        assert p is not None
        p.user_id = account.id
        return p


async def sign_in_as(
    client: httpx.AsyncClient, db: Database, clock: FrozenClock, p: Performer
) -> None:
    async with db.transaction() as s:
        fresh = await s.get(Performer, p.id)
        assert fresh is not None and fresh.user_id is not None
        from pnplive.user.models import User

        user = await s.get(User, fresh.user_id)
        assert user is not None
    await sign_in_user(client, db, clock, user)


async def count(db: Database, model: type[BlockedInterval] | type[ExtraAvailability]) -> int:
    async with db.transaction() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def test_blocking_a_day_lists_the_booking_it_leaves_uncovered(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    paid = await pay(db, clock)  # in two days at 10:00 UTC
    p = await performer_of(db, clock, paid)
    await sign_in_as(client, db, clock, p)
    page = await client.get("/performer")
    assert page.status_code == 200
    assert f'data-booking="{paid}"' in page.text  # on this week's calendar
    assert "Every booked call is inside your hours" in page.text
    day = (clock.now() + timedelta(days=2)).date().isoformat()
    refused = await client.post("/performer/blocked", data={"day": day, "csrf": "nope"})
    assert refused.status_code == 403 and await count(db, BlockedInterval) == 0
    done = await client.post(
        "/performer/blocked",
        data={"day": day, "note": "holiday", "csrf": csrf_of(page)},
        follow_redirects=False,
    )
    assert done.status_code == 303 and await count(db, BlockedInterval) == 1
    after = await client.get(done.headers["location"])
    assert "The day is blocked" in after.text
    conflicts = after.text.split('id="conflicts"')[1].split("</section>")[0]
    assert paid in conflicts and "Your hours no longer cover" in conflicts
    assert "holiday" in after.text
    # Removing the block clears the conflict.
    async with db.transaction() as s:
        block = await s.scalar(select(BlockedInterval))
        assert block is not None
        block_id = block.id
    await client.post(
        f"/performer/blocked/{block_id}/remove",
        data={"csrf": csrf_of(page), "week": day},
        follow_redirects=False,
    )
    assert await count(db, BlockedInterval) == 0
    assert "Every booked call is inside your hours" in (await client.get("/performer")).text
    bad = await client.post("/performer/blocked", data={"day": "tomorrow", "csrf": csrf_of(page)})
    assert bad.status_code == 422 and await count(db, BlockedInterval) == 0


async def test_extra_time_earnings_clients_and_the_feed(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    paid = await pay(db, clock)
    p = await performer_of(db, clock, paid)
    await sign_in_as(client, db, clock, p)
    page = await client.get("/performer?lang=es")
    assert "Reservas fuera de tu horario" in page.text and "Clientes" in page.text
    csrf = csrf_of(page)
    day = (clock.now() + timedelta(days=3)).date().isoformat()
    form = {"day": day, "start": "22:00", "end": "23:30", "note": "late"}
    assert (await client.post("/performer/extra", data=form)).status_code == 403
    assert await count(db, ExtraAvailability) == 0
    added = await client.post("/performer/extra", data=form | {"csrf": csrf}, follow_redirects=True)
    assert added.status_code == 200 and await count(db, ExtraAvailability) == 1
    assert "22:00–23:30" in added.text
    backwards = await client.post(
        "/performer/extra", data=form | {"csrf": csrf, "start": "23:00", "end": "22:00"}
    )
    assert backwards.status_code == 422 and await count(db, ExtraAvailability) == 1
    clients = page.text.split('id="clients"')[1].split("</table>")[0]
    balances = page.text.split('id="balances"')[1].split("</table>")[0]
    assert "42,00" in balances  # the performer's 70 % of the US$60.00 call, in Spanish
    assert clients.count("<tr>") == 2  # header and the one member
    async with db.transaction() as s:
        feed = await s.scalar(select(CalendarFeed).where(CalendarFeed.performer_id == p.id))
        assert feed is not None
        old = feed.token
    assert f"/calendar/{old}.ics" in page.text
    assert (await client.post("/performer/feed/rotate", data={})).status_code == 403
    rotated = await client.post(
        "/performer/feed/rotate", data={"csrf": csrf}, follow_redirects=True
    )
    assert "Your calendar has a new address" in rotated.text
    async with db.transaction() as s:
        feed = await s.scalar(select(CalendarFeed).where(CalendarFeed.performer_id == p.id))
        assert feed is not None and feed.token != old


async def test_a_performer_sees_and_changes_only_their_own(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    mine = await pay(db, clock)
    theirs = await pay(db, clock, hour=14)
    p = await performer_of(db, clock, mine)
    other = await performer_of(db, clock, theirs)
    async with db.transaction() as s:
        start = clock.now() + timedelta(days=2)
        s.add(
            BlockedInterval(
                performer_id=other.id, start_at=start, end_at=start + timedelta(hours=1)
            )
        )
    await sign_in_as(client, db, clock, p)
    page = await client.get("/performer")
    assert mine in page.text and theirs not in page.text
    async with db.transaction() as s:
        foreign = await s.scalar(select(BlockedInterval))
        assert foreign is not None
        foreign_id = foreign.id
    gone = await client.post(
        f"/performer/blocked/{foreign_id}/remove", data={"csrf": csrf_of(page)}
    )
    assert gone.status_code == 404 and await count(db, BlockedInterval) == 1
    admin_page = await client.get("/admin/bookings", follow_redirects=False)
    assert admin_page.status_code == 403
