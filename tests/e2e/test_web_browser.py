"""The web dashboards in headless Chromium (Debian's ``chromium``, driven by Playwright).

An admin signs in with the login link the bot sends, sees the analytics charts drawn, filters
the bookings, cancels one with its refund, and downloads the Excel export, which the test opens
with openpyxl; a performer blocks a day and sees the booking it leaves uncovered. Screenshots
are kept in ``var/test-artifacts``."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from tests.e2e.conftest import ADMIN, PERFORMER, PERSONAS, PRIME, RIVAL, People, paid_booking
from tests.e2e.support import running
from tests.e2e.test_dashboard_link import link_for
from tests.e2e.test_emulator_browser import ARTIFACTS, launch

pytestmark = pytest.mark.asyncio
WEEK = "from=2027-03-01&to=2027-03-07&tz=UTC"
# How many pixels of a canvas are painted (Chart.js draws bars, axes and labels into it).
PAINTED = """(id) => {
  const c = document.getElementById(id);
  const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) { n++; } }
  return n;
}"""


async def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 1000


async def test_an_admin_signs_in_reads_the_charts_cancels_and_exports(
    db: Database, clock: FrozenClock, people: People, tmp_path: Path
) -> None:
    from playwright.async_api import async_playwright

    first = await paid_booking(db, clock, PRIME, people.performer_id, days=3)
    second = await paid_booking(db, clock, RIVAL, people.performer_id, days=4)
    async with running(db, clock, PERSONAS) as stack, async_playwright() as pw:
        browser = await launch(pw)
        try:
            # A phone-sized window: the pages must be readable there.
            context = await browser.new_context(
                accept_downloads=True, viewport={"width": 420, "height": 900}
            )
            page = await context.new_page()
            await page.goto(await link_for(stack, ADMIN))
            assert page.url == f"{stack.base}/admin"

            await page.goto(f"{stack.base}/admin?{WEEK}")
            await page.wait_for_function("() => !!Chart.getChart('performers-chart')")
            bars = await page.evaluate(
                "() => Chart.getChart('performers-chart').data.datasets[0].data"
            )
            assert bars == [2]  # Luna's two paid calls that week
            labels = await page.evaluate("() => Chart.getChart('performers-chart').data.labels")
            assert labels == ["Luna"]
            net = await page.evaluate("() => Chart.getChart('money-chart').data.datasets[0].data")
            assert net == [180]  # dollars, as the table shows them: two $90.00 calls
            assert await page.evaluate(PAINTED, "performers-chart") > 500
            assert await page.evaluate(PAINTED, "money-chart") > 500
            await shot(page, "web-admin-analytics")

            await page.get_by_role("link", name="Bookings", exact=True).click()
            await page.wait_for_selector("#bookings")
            assert await page.locator("#bookings tr[data-booking]").count() == 2
            await page.select_option("#f-status", "confirmed")
            await page.fill("#f-member", str(PRIME))
            await page.click("#f-apply")
            await page.wait_for_url("**/admin/bookings?status=confirmed*")
            rows = page.locator("#bookings tr[data-booking]")
            assert await rows.count() == 1
            assert await rows.first.get_attribute("data-booking") == first
            await shot(page, "web-admin-bookings-filtered")

            await rows.first.get_by_role("link").click()
            await page.wait_for_selector("#cancel-form")
            assert await page.inner_text("#refund-amount") == "$90.00"
            await page.fill("#cancel-form input[name=reason]", "performer is ill")
            await page.click("#cancel")
            await page.wait_for_selector("#done")
            assert await page.inner_text("#status") == "cancelled"
            refund = page.locator("#refunds li[data-refund]")
            assert await refund.count() == 1 and "$90.00" in await refund.inner_text()
            await stack.work()
            await page.reload()
            assert "succeeded" in await page.locator("#refunds li[data-refund]").inner_text()
            await shot(page, "web-admin-booking-cancelled")

            await page.goto(f"{stack.base}/admin?{WEEK}")
            async with page.expect_download() as download:
                await page.click("a[href^='/admin/exports/bookings.xlsx']")
            saved = tmp_path / "bookings.xlsx"
            await (await download.value).save_as(saved)
        finally:
            await browser.close()
    sheet = openpyxl.load_workbook(saved)["bookings"]
    rows_ = list(sheet.iter_rows(values_only=True))
    assert rows_[0][:2] == ("booking", "status")
    by_id = {r[0]: r for r in rows_[1:]}
    assert set(by_id) == {first, second}
    assert by_id[first][1] == "refunded" and by_id[second][1] == "confirmed"
    assert by_id[second][2] == "luna" and float(by_id[second][8]) == 90.0


async def test_a_performer_blocks_a_day_and_sees_the_conflict(
    db: Database, clock: FrozenClock, people: People
) -> None:
    from playwright.async_api import async_playwright

    booked = await paid_booking(db, clock, PRIME, people.performer_id, days=3)
    day = (clock.now() + timedelta(days=3)).date().isoformat()
    async with running(db, clock, PERSONAS) as stack, async_playwright() as pw:
        browser = await launch(pw)
        try:
            page = await browser.new_page(viewport={"width": 420, "height": 900})
            await page.goto(await link_for(stack, PERFORMER))
            assert page.url == f"{stack.base}/performer"
            assert await page.locator(f"#week [data-booking='{booked}']").count() == 1
            assert await page.locator("#conflicts li").count() == 0
            await page.fill("#block-form input[name=day]", day)
            await page.fill("#block-form input[name=note]", "holiday")
            await page.click("#block")
            await page.wait_for_selector("#done")
            conflict = page.locator(f"#conflicts li[data-booking='{booked}']")
            assert await conflict.count() == 1
            assert "12:00" in await conflict.inner_text()
            assert await page.locator(f"#week [data-day='{day}'] .item.blocked").count() == 1
            await shot(page, "web-performer-blocked-day")
        finally:
            await browser.close()
