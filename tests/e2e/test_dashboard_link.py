"""``/dashboard`` through the emulator: admins and performers get a one-time link into their
web dashboard; a member gets none; the link signs in once."""

from __future__ import annotations

import httpx
import pytest

from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from tests.e2e.conftest import ADMIN, PERFORMER, PERSONAS, PRIME, People
from tests.e2e.support import Stack, running, url_of

pytestmark = pytest.mark.asyncio


async def link_for(stack: Stack, telegram_id: int) -> str:
    chat = stack.person(telegram_id)
    await chat.send("/dashboard")
    message = await chat.wait_for(lambda m: "sign-in link" in m.text, timeout=10)
    assert "10 minutes" in message.text
    return url_of(message, "🔐")


async def test_admins_and_performers_get_a_login_link_members_do_not(
    db: Database, clock: FrozenClock, people: People
) -> None:
    async with running(db, clock, PERSONAS) as stack:
        admin_link = await link_for(stack, ADMIN)
        performer_link = await link_for(stack, PERFORMER)
        assert admin_link.startswith(f"{stack.base}/login/")
        member = stack.person(PRIME)
        await member.send("/dashboard")
        refusal = await member.wait_for(lambda m: "for admins and performers" in m.text, timeout=10)
        assert not refusal.inline_keyboard
        async with httpx.AsyncClient() as web:
            first = await web.get(admin_link, follow_redirects=False)
            assert first.status_code == 303 and first.headers["location"] == "/admin"
            reused = await web.get(admin_link, follow_redirects=False)
            assert reused.status_code == 401
            mine = await web.get(performer_link, follow_redirects=False)
            assert mine.status_code == 303 and mine.headers["location"] == "/performer"
