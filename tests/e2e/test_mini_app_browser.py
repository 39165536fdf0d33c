"""The Mini App in headless Chromium (Debian's ``chromium``, driven by Playwright), opened as a
member opens it: from the bot's menu in the emulator's chat page, which signs ``initData`` with
the bot's token. The member browses, picks a duration, a free day in the month and a time in
their zone, accepts the call rules, holds, pays in the sandbox checkout and sees the booking
confirmed under "My bookings", then saves its calendar file. Screenshots are kept in
``var/test-artifacts``."""

from __future__ import annotations

import asyncio
import contextlib
import re
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from icalendar import Calendar
from sqlalchemy import select

from pnplive.booking.models import Booking
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.user.models import User
from tests.e2e.conftest import (
    FREE,
    PERFORMER,
    PERSONAS,
    PRIME,
    PRIME_ES,
    UNVERIFIED,
    People,
    paid_booking,
)
from tests.e2e.support import Stack, running
from tests.e2e.test_emulator_browser import launch
from tests.e2e.test_web_browser import shot

pytestmark = pytest.mark.asyncio
WAIT = 15_000


async def open_from_the_bot(context: Any, base: str, persona: int, button: str) -> Any:
    """The chat page, /start, then the Mini App button of the bot's menu: the page it opens."""
    chat = await context.new_page()
    await chat.goto(f"{base}/emulator/")
    await chat.select_option("#persona", str(persona))
    await chat.fill("#text", "/start")
    await chat.press("#text", "Enter")
    menu = chat.locator(".msg.bot").filter(has_text="What would you like to do")
    await menu.get_by_role("button", name=button).wait_for(timeout=WAIT)
    async with context.expect_page() as opened:
        await menu.get_by_role("button", name=button).click()
    app = await opened.value
    await app.wait_for_load_state()
    return app


async def menu_app(stack: Stack, telegram_id: int) -> str:
    """The Mini App's launch address behind the chat's menu button, once the bot has set it
    (it does so at start, beside the commands menu)."""
    for _ in range(200):
        with contextlib.suppress(LookupError):
            return stack.person(telegram_id).open_menu_app().value
        await asyncio.sleep(0.05)
    raise AssertionError("the bot set no Mini App menu button")


async def browser_at(pw: Any, clock: FrozenClock) -> tuple[Any, Any]:
    browser = await launch(pw)
    # A phone in the member's world: the browser's clock is the test's.
    context = await browser.new_context(
        accept_downloads=True, viewport={"width": 390, "height": 844}
    )
    await context.clock.install(time=clock.now())
    return browser, context


async def test_a_member_books_and_pays_in_the_mini_app(
    db: Database, clock: FrozenClock, people: People
) -> None:
    from playwright.async_api import async_playwright

    async with running(db, clock, PERSONAS) as stack, async_playwright() as pw:
        browser, context = await browser_at(pw, clock)
        try:
            app = await open_from_the_bot(context, stack.base, PRIME, "🗓 Book in the app")
            # Opened as Telegram opens a Mini App: initData in the fragment, for this member.
            launch = parse_qs(urlsplit(app.url).fragment)
            assert urlsplit(app.url).path == "/app"
            init_data = parse_qs(launch["tgWebAppData"][0])
            assert f'"id":{PRIME}' in init_data["user"][0] and init_data["hash"]

            luna = app.locator(f".performer[data-id='{people.performer_id}']")
            await luna.wait_for(timeout=WAIT)
            assert "Luna" in await luna.inner_text()
            assert not await app.locator("#more").is_visible()  # two performers: one page
            await shot(app, "mini-app-browse")
            await luna.click()
            await app.locator("#durations").wait_for(timeout=WAIT)
            await app.locator("#durations [data-minutes='30']").click()

            await app.locator("#month").wait_for(timeout=WAIT)
            assert "UTC" in await app.locator("#zone").inner_text()
            free = app.locator("#month .day.free")
            assert await free.count() > 0
            assert await app.locator("#month .day[disabled]").count() > 0
            await shot(app, "mini-app-calendar")
            await free.first.click()
            first_time = app.locator("#times button").first
            await first_time.wait_for(timeout=WAIT)
            start = await first_time.get_attribute("data-start")
            await first_time.click()

            # The time is held first (F-BK-1), then the rules, then the summary.
            await app.locator("#rules").wait_for(timeout=WAIT)
            async with db.reading() as s:
                [held] = (await s.scalars(select(Booking))).all()
            assert held.status == "held" and held.rules_accepted_at is None
            await shot(app, "mini-app-rules")
            await app.locator("#accept-rules").click()
            await app.locator("#summary").wait_for(timeout=WAIT)
            assert "$90.00" in await app.locator("#summary").inner_text()
            assert "(UTC)" in await app.locator("#summary").inner_text()
            await shot(app, "mini-app-summary")
            await app.locator("#confirm").click()

            await app.locator("#methods").wait_for(timeout=WAIT)
            await shot(app, "mini-app-pay")
            async with context.expect_page() as checkout_opened:
                await app.locator("#methods [data-provider='sandbox']").click()
            checkout = await checkout_opened.value
            await checkout.wait_for_load_state()
            assert "/checkout/sandbox/" in checkout.url
            await checkout.locator("#pay").click()
            await checkout.locator("#status").wait_for(timeout=WAIT)

            # The app watches the booking and shows it confirmed once the payment is in.
            await context.clock.run_for(3000)
            status = app.locator("#booking #status")
            await status.wait_for(timeout=WAIT)
            assert "onfirmed" in await status.inner_text()
            assert await app.locator("#cancel").is_visible()
            await shot(app, "mini-app-confirmed")

            async with app.expect_download() as saved:
                await app.locator("#ics").click()
            ics = Calendar.from_ical((await (await saved.value).path()).read_bytes())
            [event] = list(ics.walk("VEVENT"))
            assert "Luna" in str(event["SUMMARY"])

            await app.locator("#tab-mine").click()
            await app.locator("#upcoming .booking").first.wait_for(timeout=WAIT)
            assert "Luna" in await app.locator("#upcoming").inner_text()
        finally:
            await browser.close()
    async with db.reading() as s:
        [booking] = (await s.scalars(select(Booking))).all()
    assert booking.status == "confirmed"
    assert booking.start_at.isoformat().replace("+00:00", "Z") == start


async def test_the_mini_app_speaks_spanish_and_asks_a_new_member_first(
    db: Database, clock: FrozenClock, people: People
) -> None:
    from playwright.async_api import async_playwright

    async with running(db, clock, PERSONAS) as stack, async_playwright() as pw:
        browser, context = await browser_at(pw, clock)
        try:
            page = await context.new_page()
            # Outside Telegram there is no initData: the page says where to open it.
            await page.goto(f"{stack.base}/app")
            await page.locator("#outside").wait_for(timeout=WAIT)

            app = await context.new_page()
            await app.goto(await menu_app(stack, UNVERIFIED))
            await app.locator("#confirm-age").click()
            await app.locator("#accept-terms").click()
            await app.locator(".performer").first.wait_for(timeout=WAIT)

            # A FREE member browses and, at the booking step, reads what PRIME gives.
            free = await context.new_page()
            await free.goto(await menu_app(stack, FREE))
            await free.locator(f".performer[data-id='{people.performer_id}']").click()
            await free.locator("#durations [data-minutes='30']").click()
            await free.locator("#month .day.free").first.click()
            await free.locator("#times button").first.click()
            await free.locator("#upgrade").wait_for(timeout=WAIT)
            assert "PRIME" in await free.locator("#upgrade").inner_text()
            assert await free.locator("#confirm").count() == 0

            # Drawn in the Telegram client's colours (a dark theme here).
            launch = await menu_app(stack, PRIME_ES)
            dark = quote('{"bg_color":"#101010","text_color":"#eeeeee","button_color":"#8a2be2"}')
            launch = re.sub(r"tgWebAppThemeParams=[^&]*", f"tgWebAppThemeParams={dark}", launch)
            es = await context.new_page()
            await es.goto(launch)
            await es.locator(".performer").first.wait_for(timeout=WAIT)
            assert await es.locator("#tab-mine").inner_text() == "Mis reservas"
            colours = await es.evaluate(
                "() => [getComputedStyle(document.body).backgroundColor,"
                " getComputedStyle(document.querySelector('.tab.on')).backgroundColor]"
            )
            assert colours == ["rgb(16, 16, 16)", "rgb(138, 43, 226)"]
            await es.locator(f".performer[data-id='{people.performer_id}']").click()
            await es.locator("#durations [data-minutes='30']").click()
            await es.locator("#month").wait_for(timeout=WAIT)
            assert "America/Bogota" in await es.locator("#zone").inner_text()
            await shot(es, "mini-app-calendar-es")
        finally:
            await browser.close()
    async with db.reading() as s:
        member = await s.scalar(select(User).where(User.telegram_id == UNVERIFIED))
    assert member is not None and member.age_verified_at is not None
    assert member.terms_version is not None


async def test_a_member_moves_then_cancels_a_call_in_the_mini_app(
    db: Database, clock: FrozenClock, people: People
) -> None:
    from playwright.async_api import async_playwright

    booking_id = await paid_booking(db, clock, PRIME, people.performer_id, days=3)
    async with running(db, clock, PERSONAS) as stack, async_playwright() as pw:
        browser, context = await browser_at(pw, clock)
        try:
            app = await context.new_page()
            app.on("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
            await app.goto(await menu_app(stack, PRIME))
            await app.locator("#tab-mine").click()
            await app.locator(f"#upcoming .booking[data-id='{booking_id}']").click()
            await app.locator("#reschedule").click()
            await app.locator("#month").wait_for(timeout=WAIT)
            await app.locator("#month .day.free").nth(4).click()
            new_time = app.locator("#times button").first
            await new_time.wait_for(timeout=WAIT)
            new_start = await new_time.get_attribute("data-start")
            await new_time.click()
            await app.locator("#notice.ok").wait_for(timeout=WAIT)
            assert "Moved to" in await app.locator("#notice").inner_text()
            await shot(app, "mini-app-moved")

            # The performer's Mini App lists their calls, at the new time, in their zone.
            luna = await context.new_page()
            await luna.goto(await menu_app(stack, PERFORMER))
            call = luna.locator(f"#calls .booking[data-id='{booking_id}']")
            await call.wait_for(timeout=WAIT)
            assert not await luna.locator("#tab-browse").is_visible()
            await call.click()
            await luna.locator("#booking").wait_for(timeout=WAIT)
            assert await luna.locator("#cancel").count() == 0  # members cancel their own
            await shot(luna, "mini-app-performer-call")

            await app.locator("#cancel").click()
            await app.locator("#notice.ok").filter(has_text="Cancelled").wait_for(timeout=WAIT)
            # Three days ahead: the whole price comes back, as the policy says.
            assert "Refund: $90.00" in await app.locator("#notice").inner_text()
            assert "ancel" in await app.locator("#booking #status").inner_text()
            assert not await app.locator("#cancel").is_visible()
        finally:
            await browser.close()
    async with db.reading() as s:
        booking = await s.scalar(select(Booking).where(Booking.public_id == booking_id))
    assert booking is not None and booking.status == "cancelled"
    assert booking.start_at.isoformat().replace("+00:00", "Z") == new_start
