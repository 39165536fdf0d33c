""" "Find me a time" in the bot (F-AV-7): the best times with their reasons, in the member's
language; a press holds the time and continues at the call rules. Through the emulator."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pnplive.booking.models import Booking
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.user.service import by_telegram_id
from tests.e2e.conftest import PERSONAS, PRIME, PRIME_ES, People
from tests.e2e.support import buttons, press, running

pytestmark = pytest.mark.asyncio


async def test_a_member_finds_a_time_with_reasons_and_holds_it(
    db: Database, clock: FrozenClock, people: People
) -> None:
    async with running(db, clock, PERSONAS) as stack:
        chat = stack.person(PRIME)
        await chat.send("/menu")
        await chat.wait_for(lambda m: "What would you like to do" in m.text, timeout=10)
        await press(chat, "🔎 Find me a time", lambda m: "How long" in m.text)
        await press(chat, "30 min", lambda m: "When in the day" in m.text)
        found = await press(chat, "🌆 Evening", lambda m: "best free times" in m.text)
        assert "(times in UTC)" in found.text
        assert "Luna" in found.text and "inside your 18:00–" in found.text
        assert "new performer, not rated yet" in found.text
        first = buttons(found)[0]
        assert first.startswith("1. ")
        await chat.press(first, found)
        await chat.wait_for(lambda m: "Call rules" in m.text, timeout=10)
    async with db.transaction() as s:
        member = await by_telegram_id(s, PRIME)
        assert member is not None
        held = (await s.scalars(select(Booking).where(Booking.user_id == member.id))).all()
    assert [(b.status, b.duration_minutes) for b in held] == [("held", 30)]
    assert 18 <= held[0].start_at.hour < 23


async def test_the_reasons_are_in_spanish_for_a_spanish_member(
    db: Database, clock: FrozenClock, people: People
) -> None:
    async with running(db, clock, PERSONAS) as stack:
        chat = stack.person(PRIME_ES)
        await chat.send("/menu")
        await chat.wait_for(lambda m: "Búscame" in " ".join(buttons(m)), timeout=10)
        await press(chat, "🔎 Búscame", lambda m: "Cuánto" in m.text)
        await press(chat, "60 min", lambda m: "momento del día" in m.text)
        found = await press(chat, "🕒", lambda m: "mejores horas" in m.text)
        assert "(horas en America/Bogota)" in found.text
        assert "modelo nuevo, aún sin reseñas" in found.text
