"""The emulator's chat page in headless Chromium (Debian's ``chromium``, driven by Playwright):
the page loads, the bot answers /start, a button press changes the screen, and a screenshot
is kept in ``var/test-artifacts``."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from tests.e2e.conftest import PERSONAS, PRIME, People
from tests.e2e.support import running

pytestmark = pytest.mark.asyncio
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"


def chromium() -> str:
    path = os.environ.get("PNPLIVE_CHROMIUM") or shutil.which("chromium")
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed (make test installs Debian's chromium)")
    pytest.skip("chromium is not installed; `make test` installs it")


async def launch(pw: Any) -> Any:
    """Debian's chromium, headless, as the browser tests use it."""
    return await pw.chromium.launch(
        executable_path=chromium(), args=["--no-sandbox", "--disable-dev-shm-usage"]
    )


async def test_the_chat_page_talks_to_the_bot(
    db: Database, clock: FrozenClock, people: People
) -> None:
    from playwright.async_api import async_playwright

    async with running(db, clock, PERSONAS) as stack, async_playwright() as pw:
        browser = await launch(pw)
        try:
            page = await browser.new_page()
            await page.goto(f"{stack.base}/emulator/")
            await page.select_option("#persona", str(PRIME))
            await page.fill("#text", "/start")
            await page.press("#text", "Enter")
            menu = page.locator(".msg.bot").filter(has_text="What would you like to do")
            await menu.wait_for(timeout=15_000)
            await menu.get_by_role("button", name="📅 Book a private call").click()
            await (
                page.locator(".msg.bot")
                .filter(has_text="Choose a performer")
                .wait_for(timeout=15_000)
            )
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shot = ARTIFACTS / "emulator-chat.png"
            await page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 1000
        finally:
            await browser.close()
