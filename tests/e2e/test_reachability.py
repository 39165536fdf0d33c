"""Who the bot can reach and who it slows down: a member marked unreachable is reachable again as
soon as they write to the bot; a member flooding it is slowed and counted towards the abuse
limits."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.user.models import User
from pnplive.user.service import by_telegram_id
from tests.e2e.conftest import PERSONAS, PRIME, People
from tests.e2e.support import running

pytestmark = pytest.mark.asyncio


async def test_writing_to_the_bot_makes_a_member_reachable_again(
    db: Database, clock: FrozenClock, people: People
) -> None:
    async with db.transaction() as s:
        await s.execute(update(User).where(User.telegram_id == PRIME).values(unreachable=True))
    async with running(db, clock, PERSONAS) as stack:
        chat = stack.person(PRIME)
        await chat.send("/start")
        await chat.wait_for(lambda m: "PNP Live" in m.text, timeout=10)
    async with db.reading() as s:
        member = await by_telegram_id(s, PRIME)
    assert member is not None and member.unreachable is False


async def test_flooding_the_bot_is_slowed_then_counted_towards_a_restriction(
    db: Database, clock: FrozenClock, people: People
) -> None:
    async with running(db, clock, PERSONAS, bot_rate_limit="2/minute", abuse_limit=1) as stack:
        chat = stack.person(PRIME)
        for _ in range(3):
            await chat.send("/menu")
        notice = await chat.wait_for(lambda m: "going a bit fast" in m.text, timeout=10)
        assert notice is not None
    async with db.reading() as s:
        member = await by_telegram_id(s, PRIME)
    assert member is not None and member.restricted_at is not None
    assert "too many requests" in (member.restricted_reason or "")
