"""The admin web dashboard: sign-in by one-time link or API token, session cookie, CSRF,
analytics drawn from the hand-built week, exports."""

from __future__ import annotations

import io
import re

import httpx
import openpyxl
import pytest

from pnplive.auth import tokens, web
from pnplive.errors import Forbidden
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.user.models import User
from tests.analytics.dataset import build
from tests.factories import make_user

pytestmark = pytest.mark.asyncio
WEEK = "from=2027-03-01&to=2027-03-07&tz=UTC"


async def admin_link(db: Database, clock: FrozenClock, language: str = "en") -> str:
    async with db.transaction() as s:
        admin = await make_user(s, clock.now(), role="admin", language=language)
        return await web.issue_link(s, admin, clock.now())


async def signed_in(client: httpx.AsyncClient, link: str) -> httpx.Response:
    r = await client.get(f"/login/{link}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/admin", r.text
    return r


async def test_a_login_link_signs_in_once_with_a_safe_cookie(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    link = await admin_link(db, clock)
    r = await signed_in(client, link)
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "pnplive_session=" in cookie
    page = await client.get("/admin")
    assert page.status_code == 200 and "<canvas" in page.text
    clock.advance(hours=12, seconds=1)  # sessions last twelve hours
    assert (await client.get("/admin", follow_redirects=False)).status_code == 303
    client.cookies.clear()
    again = await client.get(f"/login/{link}", follow_redirects=False)
    assert again.status_code == 401 and "already used" in again.text


async def test_forged_and_expired_links_are_refused(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    forged = await client.get("/login/" + "x" * 43, follow_redirects=False)
    assert forged.status_code == 401
    link = await admin_link(db, clock)
    clock.advance(minutes=11)
    expired = await client.get(f"/login/{link}", follow_redirects=False)
    assert expired.status_code == 401 and "pnplive_session" not in expired.headers.get(
        "set-cookie", ""
    )


async def test_only_admins_get_links(db: Database, clock: FrozenClock) -> None:
    async with db.transaction() as s:
        member = await make_user(s, clock.now())
        with pytest.raises(Forbidden):
            await web.issue_link(s, member, clock.now())


async def test_without_a_session_the_dashboard_asks_to_sign_in(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    r = await client.get("/admin", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    client.cookies.set("pnplive_session", "not.a.jwt")
    forged = await client.get("/admin", follow_redirects=False)
    assert forged.status_code == 303
    login = await client.get("/login")
    assert login.status_code == 200 and 'name="token"' in login.text


async def test_the_dashboard_draws_the_weeks_figures(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    await build(db)
    await signed_in(client, await admin_link(db, clock))
    page = await client.get(f"/admin?{WEEK}")
    assert page.status_code == 200
    assert "$75.00" in page.text  # USD net of the week
    assert 'id="money-chart"' in page.text and 'id="performers-chart"' in page.text
    data = re.search(r'<script type="application/json" id="charts-data">(.*?)</script>', page.text)
    assert data is not None
    assert '"values": [3, 2]' in data.group(1)
    assert "62.5 %" in page.text  # payment success
    spanish = await client.get(f"/admin?{WEEK}&lang=es")
    assert "Pagos completados" in spanish.text and "75,00" in spanish.text
    assert "/static/vendor/chart.js-4.5.1/chart.umd.min.js" in page.text
    js = await client.get("/static/vendor/chart.js-4.5.1/chart.umd.min.js")
    assert js.status_code == 200 and "Chart.js v4.5.1" in js.text[:200]


async def test_logout_needs_the_forms_csrf_token(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    await signed_in(client, await admin_link(db, clock))
    page = await client.get("/admin")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf is not None
    refused = await client.post("/logout", data={"csrf": "forged"}, follow_redirects=False)
    assert refused.status_code == 403
    assert (await client.get("/admin", follow_redirects=False)).status_code == 200
    out = await client.post("/logout", data={"csrf": csrf.group(1)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert 'pnplive_session=""' in out.headers["set-cookie"]


async def test_admins_sign_in_with_an_api_token_but_integrations_do_not(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    async with db.transaction() as s:
        _, admin_token = await tokens.create(s, "ops", "admin", clock.now())
        _, site_token = await tokens.create(s, "site", "integration", clock.now())
    no = await client.post("/login", data={"token": site_token}, follow_redirects=False)
    assert no.status_code == 401
    ok = await client.post("/login", data={"token": admin_token}, follow_redirects=False)
    assert ok.status_code == 303
    assert (await client.get("/admin")).status_code == 200


async def test_an_admin_who_loses_the_role_loses_the_dashboard(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    async with db.transaction() as s:
        admin = await make_user(s, clock.now(), role="admin")
        link = await web.issue_link(s, admin, clock.now())
    await signed_in(client, link)
    async with db.transaction() as s:
        user = await s.get(User, admin.id)
        assert user is not None
        user.role = "user"
    assert (await client.get("/admin", follow_redirects=False)).status_code == 303


async def test_the_dashboards_excel_export(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    await build(db)
    await signed_in(client, await admin_link(db, clock))
    r = await client.get(f"/admin/exports/bookings.xlsx?{WEEK}")
    assert r.status_code == 200
    rows = list(
        openpyxl.load_workbook(io.BytesIO(r.content))["bookings"].iter_rows(values_only=True)
    )
    assert len(rows) == 7  # header + the week's six bookings
