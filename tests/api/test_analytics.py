"""Analytics and exports through HTTP, on the hand-built week (tests/analytics/dataset.py)."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal

import httpx
import openpyxl
import pytest

from pnplive.auth import tokens
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from tests.analytics.dataset import WEEK_START, Week, build
from tests.api.support import bearer

pytestmark = pytest.mark.asyncio
WEEK = "from=2027-03-01&to=2027-03-07&tz=UTC"


async def admin_headers(db: Database, clock: FrozenClock) -> dict[str, str]:
    async with db.transaction() as s:
        _, plain = await tokens.create(s, "ops", "admin", clock.now())
    return bearer(plain)


async def test_every_figure_for_the_week(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    week: Week = await build(db)
    h = await admin_headers(db, clock)
    r = await client.get(f"/api/admin/analytics?{WEEK}", headers=h)
    assert r.status_code == 200, r.text
    body = r.json()
    usd = next(m for m in body["money"] if m["currency"] == "USD")
    assert usd["net"] == {"amount": 7500, "currency": "USD", "formatted": "$75.00"}
    assert usd["commission"]["amount"] == 2250
    assert body["payment_success"] == {"numerator": 5, "denominator": 8, "percent": "62.5"}
    assert body["refund_rate"]["percent"] == "20.0"
    assert body["performer_no_shows"]["percent"] == "25.0"
    assert [p["bookings"] for p in body["bookings_per_performer"]] == [3, 2]
    assert body["busiest_hours"]["grid"][0][9] == 1  # Monday 09:00 UTC
    one = await client.get(f"/api/admin/analytics?{WEEK}&performer_id={week.a.id}", headers=h)
    assert one.json()["utilisation"] == {"numerator": 135, "denominator": 240, "percent": "56.3"}


async def test_the_days_are_the_viewers(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    await build(db)
    h = await admin_headers(db, clock)
    # Bogotá's 2027-03-01 starts at 05:00 UTC: the 09:00 and 10:00 UTC calls are in, and the
    # heat map puts them at 04:00 and 05:00 local.
    r = await client.get(
        "/api/admin/analytics?from=2027-03-01&to=2027-03-01&tz=America/Bogota", headers=h
    )
    body = r.json()
    assert body["start"].startswith("2027-03-01T05:00")
    assert body["busiest_hours"]["grid"][0][4] == 1 and body["busiest_hours"]["grid"][0][5] == 1


async def test_a_range_backwards_or_too_long_is_refused(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    h = await admin_headers(db, clock)
    back = await client.get("/api/admin/analytics?from=2027-03-07&to=2027-03-01", headers=h)
    long = await client.get("/api/admin/analytics?from=2025-01-01&to=2027-03-01", headers=h)
    assert back.status_code == 422 and long.status_code == 422


async def test_bookings_export_in_excel_has_typed_cells(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    await build(db)
    h = await admin_headers(db, clock)
    r = await client.get(f"/api/admin/exports/bookings.xlsx?{WEEK}", headers=h)
    assert r.status_code == 200
    assert "attachment" in r.headers["content-disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    rows = list(wb["bookings"].iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    assert header[:2] == ("booking", "status") and "start (UTC)" in header
    assert len(data) == 6  # every booking starting that week, paid or not
    first = dict(zip(header, data[0], strict=True))
    assert first["start (UTC)"] == datetime(2027, 3, 1, 9, 0)
    assert isinstance(first["amount"], (int, float)) and first["amount"] == 30
    assert first["currency"] == "USD" and first["minutes"] == 30


async def test_payments_export_in_csv(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    await build(db)
    h = await admin_headers(db, clock)
    r = await client.get(f"/api/admin/exports/payments.csv?{WEEK}", headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    text = r.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 9  # the next week's payment is left out
    statuses = sorted(row["status"] for row in rows)
    assert statuses.count("paid") == 5
    assert {Decimal(row["amount"]) for row in rows} >= {Decimal("30.00"), Decimal("20.00")}
    assert rows[0]["created at (UTC)"].startswith(WEEK_START.date().isoformat())
