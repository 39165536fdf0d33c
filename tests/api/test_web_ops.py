"""The admin's pages for running the business: performers created with the wizard's steps,
edited and deactivated; refunds owed by hand recorded; payouts within the balance; failed jobs
retried; broadcasts listed. Bad input is a clear 4xx and changes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from sqlalchemy import func, select

from pnplive.booking import service as bookings
from pnplive.earning.models import Payout
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.kit.jobs import Job, enqueue
from pnplive.notification import broadcast
from pnplive.payment import refunds
from pnplive.payment.models import Refund
from pnplive.performer.models import Performer
from pnplive.worker.runner import Runner, RunnerConfig
from tests.api.support import client_for, make_app
from tests.api.test_admin_money import PROVIDERS, pay
from tests.api.web_support import csrf_of, sign_in_user
from tests.factories import make_performer, make_user
from tests.payment import support

pytestmark = pytest.mark.asyncio
WIZARD = {
    "username": "stella",
    "display_name": "Stella",
    "bio": "Hi",
    "price": "2.50",
    "currency": "EUR",
    "min_duration": "15",
    "max_duration": "60",
    "photo": "https://example.com/stella.jpg",
    "hours_from": "10:00",
    "hours_to": "18:00",
    "timezone": "Europe/Madrid",
}


@pytest_asyncio.fixture
async def client(db: Database, clock: FrozenClock) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = make_app(db, clock)
    app.state.payment_providers = PROVIDERS
    async with client_for(app) as c:
        yield c


async def admin_csrf(client: httpx.AsyncClient, db: Database, clock: FrozenClock) -> str:
    async with db.transaction() as s:
        admin = await make_user(s, clock.now(), role="admin", prime=False)
    await sign_in_user(client, db, clock, admin)
    return csrf_of(await client.get("/admin/performers"))


async def performer_named(db: Database, username: str) -> Performer | None:
    async with db.transaction() as s:
        return await s.scalar(select(Performer).where(Performer.username == username))


async def test_a_performer_is_created_edited_and_deactivated(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    csrf = await admin_csrf(client, db, clock)
    bad = await client.post("/admin/performers", data=WIZARD | {"csrf": csrf, "price": "abc"})
    assert bad.status_code == 422 and await performer_named(db, "stella") is None
    zone = await client.post(
        "/admin/performers", data=WIZARD | {"csrf": csrf, "timezone": "Mars/Base"}
    )
    assert zone.status_code == 422 and "time zone" in zone.text
    made = await client.post(
        "/admin/performers", data=WIZARD | {"csrf": csrf}, follow_redirects=False
    )
    assert made.status_code == 303
    p = await performer_named(db, "stella")
    assert p is not None and p.price_per_minute == 250 and p.currency == "EUR"
    page = await client.get(made.headers["location"])
    assert "The performer is created" in page.text and "stella.jpg" in page.text
    assert 'name="price" value="2.50"' in page.text  # the price as it was typed, in euros
    week = await client.get(f"/api/admin/models/{p.id}/availability")
    assert week.status_code == 401  # the JSON API wants its own credentials, not the cookie
    taken = await client.post("/admin/performers", data=WIZARD | {"csrf": csrf})
    assert taken.status_code == 409
    edit = {
        "csrf": csrf,
        "display_name": "Stella M.",
        "bio": "New bio",
        "price": "3",
        "min_duration": "30",
        "max_duration": "90",
        "buffer_before": "5",
        "buffer_after": "10",
        "timezone": "Europe/Madrid",
        "status": "paused",
        "visibility": "hidden",
        "photos": "https://example.com/a.jpg\nhttps://example.com/b.jpg",
    }
    saved = await client.post(f"/admin/performers/{p.id}", data=edit, follow_redirects=False)
    assert saved.status_code == 303
    p = await performer_named(db, "stella")
    assert p is not None
    assert (p.display_name, p.price_per_minute, p.status, p.visibility, p.buffer_after) == (
        "Stella M.",
        300,
        "paused",
        "hidden",
        10,
    )
    wrong = await client.post(f"/admin/performers/{p.id}", data=edit | {"min_duration": "20"})
    assert wrong.status_code == 422
    gone = await client.post(
        f"/admin/performers/{p.id}/deactivate", data={"csrf": csrf}, follow_redirects=False
    )
    assert gone.status_code == 303
    p = await performer_named(db, "stella")
    assert p is not None and p.status == "inactive"
    listed = await client.get("/admin/performers?q=stell&lang=es")
    assert "Stella M." in listed.text and "Nuevo modelo" in listed.text


async def test_refunds_owed_by_hand_and_payouts(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    paid = await pay(db, clock)
    async with db.transaction() as s:
        b = await bookings.get_booking(s, paid)
        refund = await refunds.refund_booking(
            s,
            b,
            amount=500,
            reason="goodwill",
            requested_by="admin",
            actor_id=None,
            now=clock.now(),
        )
        refund.status = "manual_required"
        refund_id, performer_id = refund.public_id, b.performer_id
    csrf = await admin_csrf(client, db, clock)
    money = await client.get("/admin/money")
    owed = money.text.split('id="owed"')[1].split("</table>")[0]
    assert refund_id in owed and "$5.00" in owed
    done = await client.post(
        f"/admin/refunds/{refund_id}/done",
        data={"csrf": csrf, "reference": "bank 42"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    async with db.transaction() as s:
        r = await s.scalar(select(Refund).where(Refund.public_id == refund_id))
        assert r is not None and r.status == "succeeded"
    again = await client.post(f"/admin/refunds/{refund_id}/done", data={"csrf": csrf})
    assert again.status_code == 409

    payout = {"csrf": csrf, "performer_id": str(performer_id), "currency": "USD", "method": "bank"}
    early = await client.post("/admin/payouts", data=payout | {"amount": "10"})
    assert early.status_code == 409 and "payable" in early.text  # the call is not over yet
    async with db.transaction() as s:
        b = await bookings.get_booking(s, paid)
        b.status = "completed"
    page = await client.get(f"/admin/payouts?performer_id={performer_id}")
    balances = page.text.split('id="balances"')[1].split("</table>")[0]
    assert "$38.50" in balances  # 70 % of $60.00, less 70 % of the $5.00 refunded
    too_much = await client.post("/admin/payouts", data=payout | {"amount": "1000"})
    assert too_much.status_code == 409
    ok = await client.post("/admin/payouts", data=payout | {"amount": "20"}, follow_redirects=False)
    assert ok.status_code == 303
    history = await client.get(ok.headers["location"])
    assert "The payout is recorded" in history.text and "$20.00" in history.text
    async with db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(Payout)) == 1


async def test_failed_jobs_are_retried_and_broadcasts_listed(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    async def broken(payload: dict[str, object]) -> None:
        raise RuntimeError("always")

    async with db.transaction() as s:
        await enqueue(s, "demo", "a", clock.now(), clock.now(), {"n": 1})
    await Runner(db, clock, {"demo": broken}, cfg=RunnerConfig(max_attempts=1)).tick()
    csrf = await admin_csrf(client, db, clock)
    page = await client.get("/admin/jobs")
    assert "RuntimeError: always" in page.text
    async with db.transaction() as s:
        job = await s.scalar(select(Job))
        assert job is not None
        job_id = job.id
    retried = await client.post(
        f"/admin/jobs/{job_id}/retry", data={"csrf": csrf}, follow_redirects=False
    )
    assert retried.status_code == 303
    assert "RuntimeError: always" not in (await client.get("/admin/jobs")).text
    twice = await client.post(f"/admin/jobs/{job_id}/retry", data={"csrf": csrf})
    assert twice.status_code == 409
    async with db.transaction() as s:
        nova = await make_performer(s, clock.now(), display_name="Nova")
        fan = await make_user(s, clock.now())
        await broadcast.subscribe(s, fan, nova, clock.now())
        sent = await broadcast.start_online(s, nova.id, clock.now())
        sent_id = sent.id
    listed = await client.get("/admin/broadcasts")
    row = listed.text.split(f'data-broadcast="{sent_id}"')[1].split("</tr>")[0]
    assert "Nova" in row and "<td>1</td>" in row  # one recipient, pending


async def test_the_weekly_hours_are_edited_and_the_bookings_left_outside_listed(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    paid = await pay(db, clock)  # Wednesday 10:00 UTC; the performer offers 09:00-21:00 daily
    b = await support.booking(db, paid)
    csrf = await admin_csrf(client, db, clock)
    page = await client.get(f"/admin/performers/{b.performer_id}")
    assert 'name="day2" value="09:00-21:00"' in page.text and 'id="conflicts"' not in page.text
    days = {f"day{d}": "09:00-21:00" for d in range(7)}
    bad = await client.post(
        f"/admin/performers/{b.performer_id}/schedule",
        data=days | {"csrf": csrf, "day2": "nine to five"},
    )
    assert bad.status_code == 422
    assert (
        'name="day2" value="09:00-21:00"'
        in (await client.get(f"/admin/performers/{b.performer_id}")).text
    )
    saved = await client.post(
        f"/admin/performers/{b.performer_id}/schedule",
        data=days | {"csrf": csrf, "day2": "12:00-14:00, 18:00-22:00"},
        follow_redirects=True,
    )
    assert "The weekly hours are saved" in saved.text
    assert 'name="day2" value="12:00-14:00, 18:00-22:00"' in saved.text
    conflicts = saved.text.split('id="conflicts"')[1].split("</section>")[0]
    assert paid in conflicts
