"""Reviews in the bot (F-REV-1): from /my_bookings a member rates a completed call, with words
or without; a second review of the same call is refused plainly. Through the emulator."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pnplive.booking import service as bookings
from pnplive.booking.states import Status
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.performer.models import Performer
from pnplive.review.models import Review
from tests.e2e.conftest import PERSONAS, PRIME, PRIME_ES, People, paid_booking
from tests.e2e.support import buttons, press, running

pytestmark = pytest.mark.asyncio


async def completed(db: Database, clock: FrozenClock, telegram_id: int, performer_id: int) -> str:
    public_id = await paid_booking(db, clock, telegram_id, performer_id, days=1)
    async with db.transaction() as s:
        b = await bookings.get_booking(s, public_id, lock=True)
        await bookings.transition(s, b, Status.LIVE, actor="system", now=b.start_at)
        await bookings.transition(s, b, Status.COMPLETED, actor="system", now=b.end_at)
    clock.advance(seconds=3 * 86400)
    return public_id


async def test_a_member_rates_a_past_call_and_cannot_rate_it_twice(
    db: Database, clock: FrozenClock, people: People
) -> None:
    await completed(db, clock, PRIME, people.performer_id)
    async with running(db, clock, PERSONAS) as stack:
        chat = stack.person(PRIME)
        await chat.send("/my_bookings")
        await chat.wait_for(lambda m: "upcoming bookings" in m.text, timeout=10)
        calls = await press(chat, "⭐ Past calls", lambda m: "Your past calls" in m.text)
        assert buttons(calls)[0].startswith("⭐ Luna")
        await chat.press(buttons(calls)[0], calls)
        stars = await chat.wait_for(lambda m: "Choose the stars" in m.text, timeout=10)
        await chat.press("⭐⭐⭐⭐⭐", stars)
        await chat.wait_for(lambda m: "Add a few words" in m.text, timeout=10)
        await chat.send("Lovely chat, very kind and on time.")
        await chat.wait_for(lambda m: "Your review is published" in m.text, timeout=10)
        again = await chat.wait_for(lambda m: "Your past calls" in m.text, timeout=10)
        assert buttons(again)[0].startswith("✅ Luna")
        await chat.press(buttons(again)[0], again)
        await chat.wait_for_notice(lambda n: "already rated" in n.text, timeout=10)
    async with db.transaction() as s:
        found = (await s.scalars(select(Review))).all()
        luna = await s.get(Performer, people.performer_id)
    assert [(r.rating, r.text, r.status) for r in found] == [
        (5, "Lovely chat, very kind and on time.", "published")
    ]
    assert luna is not None and (luna.rating_sum, luna.rating_count) == (5, 1)


async def test_a_spanish_member_rates_without_words(
    db: Database, clock: FrozenClock, people: People
) -> None:
    await completed(db, clock, PRIME_ES, people.performer_id)
    async with running(db, clock, PERSONAS) as stack:
        chat = stack.person(PRIME_ES)
        await chat.send("/my_bookings")
        await chat.wait_for(lambda m: "Tus próximas reservas" in m.text, timeout=10)
        calls = await press(chat, "⭐ Llamadas pasadas", lambda m: "llamadas pasadas" in m.text)
        await chat.press(buttons(calls)[0], calls)
        stars = await chat.wait_for(lambda m: "Elige las estrellas" in m.text, timeout=10)
        await chat.press("⭐⭐⭐⭐", stars)
        words = await chat.wait_for(lambda m: "Añade unas palabras" in m.text, timeout=10)
        await chat.press("Omitir", words)
        await chat.wait_for_notice(lambda n: "Tu reseña está publicada" in n.text, timeout=10)
    async with db.transaction() as s:
        found = (await s.scalars(select(Review))).all()
    assert [(r.rating, r.text, r.status) for r in found] == [(4, None, "published")]
