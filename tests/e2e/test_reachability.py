"""A member marked unreachable (they had blocked the bot, or never started it) is reachable again as
soon as they write to the bot."""

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
