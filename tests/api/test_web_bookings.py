"""The admin's booking pages: filters paged in SQL, the detail with its history and money,
cancel with the refund shown, move, refund by hand; forms without CSRF change nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI

from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.user.models import User
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


async def as_admin(client: httpx.AsyncClient, db: Database, clock: FrozenClock) -> None:
    async with db.transaction() as s:
        admin = await make_user(s, clock.now(), role="admin", prime=False)
    await sign_in_user(client, db, clock, admin)


async def test_bookings_are_filtered_and_paged(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    paid = await pay(db, clock)
    other = await support.pending_booking(db, clock, days=3, hour=11)
    await as_admin(client, db, clock)
    every = await client.get("/admin/bookings")
    assert every.status_code == 200
    assert paid in every.text and other.booking_id in every.text
    confirmed = await client.get("/admin/bookings?status=confirmed")
    assert paid in confirmed.text and other.booking_id not in confirmed.text
    by_performer = await client.get(f"/admin/bookings?performer_id={other.performer_id}")
    assert other.booking_id in by_performer.text and paid not in by_performer.text
    tg = (await support.user(db, other.user_id)).telegram_id
    by_member = await client.get(f"/admin/bookings?member={tg}")
    assert other.booking_id in by_member.text and paid not in by_member.text
    async with db.transaction() as s:
        named = await s.get(User, other.user_id)
        assert named is not None
        named.username = "Night_Owl"
    by_name = await client.get("/admin/bookings?member=%40night_owl")
    assert other.booking_id in by_name.text and paid not in by_name.text
    assert 'value="@night_owl"' in by_name.text  # the filter stays in its field
    nobody = await client.get("/admin/bookings?member=999999999")
    assert "No member has this Telegram id" in nobody.text and paid not in nobody.text
    # Days are the admin's local days: the paid call is in two days, the other in three.
    in_three = (clock.now().date() + timedelta(days=3)).isoformat()
    dated = await client.get(f"/admin/bookings?from={in_three}&to={in_three}")
    assert other.booking_id in dated.text and paid not in dated.text
    page2 = await client.get("/admin/bookings?page=2")
    assert page2.status_code == 200 and paid not in page2.text  # two bookings fit on page 1
    spanish = await client.get("/admin/bookings?lang=es")
    assert "Reservas" in spanish.text and "confirmada" in spanish.text
    bad = await client.get("/admin/bookings?status=nonsense")
    assert bad.status_code == 422


async def test_an_admin_cancels_with_the_refund_shown_and_csrf_checked(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    paid = await pay(db, clock)
    await as_admin(client, db, clock)
    page = await client.get(f"/admin/bookings/{paid}")
    assert page.status_code == 200
    assert 'id="refund-amount">$60.00<' in page.text  # an admin cancels with a full refund
    forged = await client.post(
        f"/admin/bookings/{paid}/cancel", data={"csrf": "forged", "reason": "x"}
    )
    assert forged.status_code == 403
    missing = await client.post(f"/admin/bookings/{paid}/cancel", data={"reason": "x"})
    assert missing.status_code == 403
    assert (await support.booking(db, paid)).status == "confirmed"
    assert await support.refunds_of(db, paid) == []
    done = await client.post(
        f"/admin/bookings/{paid}/cancel",
        data={"csrf": csrf_of(page), "reason": "performer ill"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert (await support.booking(db, paid)).status == "cancelled"
    owed = await support.refunds_of(db, paid)
    assert [r.amount for r in owed] == [6000]
    after = await client.get(done.headers["location"])
    assert "The booking is cancelled" in after.text and owed[0].public_id in after.text
    assert "performer ill" in after.text
    again = await client.post(
        f"/admin/bookings/{paid}/cancel", data={"csrf": csrf_of(page), "reason": ""}
    )
    assert again.status_code == 409 and "cannot be cancelled" in again.text


async def test_an_admin_refunds_part_by_hand_and_moves_a_booking(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    paid = await pay(db, clock)
    await as_admin(client, db, clock)
    page = await client.get(f"/admin/bookings/{paid}")
    csrf = csrf_of(page)
    bad = await client.post(f"/admin/bookings/{paid}/refund", data={"csrf": csrf, "amount": "-3"})
    assert bad.status_code == 422 and await support.refunds_of(db, paid) == []
    ok = await client.post(
        f"/admin/bookings/{paid}/refund",
        data={"csrf": csrf, "amount": "12.50", "reason": "late start"},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    assert [r.amount for r in await support.refunds_of(db, paid)] == [1250]
    assert (await support.booking(db, paid)).status == "confirmed"
    before = await support.booking(db, paid)
    new_start = before.start_at.replace(hour=15).strftime("%Y-%m-%dT%H:%M")  # admin's zone: UTC
    nocsrf = await client.post(f"/admin/bookings/{paid}/reschedule", data={"start": new_start})
    assert nocsrf.status_code == 403
    assert (await support.booking(db, paid)).start_at == before.start_at
    moved = await client.post(
        f"/admin/bookings/{paid}/reschedule",
        data={"csrf": csrf, "start": new_start},
        follow_redirects=False,
    )
    assert moved.status_code == 303, moved.text
    after = await support.booking(db, paid)
    assert after.start_at.hour == 15 and after.reschedule_count == 1
    history = await client.get(f"/admin/bookings/{paid}")
    assert "rescheduled from" in history.text


async def test_bookings_a_schedule_no_longer_covers_are_listed_for_the_admin(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    from pnplive.availability.models import BlockedInterval

    paid = await pay(db, clock)
    await as_admin(client, db, clock)
    assert 'id="conflicts"' not in (await client.get("/admin/bookings")).text
    b = await support.booking(db, paid)
    async with db.transaction() as s:
        s.add(BlockedInterval(performer_id=b.performer_id, start_at=b.start_at, end_at=b.end_at))
    page = await client.get("/admin/bookings")
    conflicts = page.text.split('id="conflicts"')[1].split("</section>")[0]
    assert f'data-booking="{paid}"' in conflicts
