"""A member moves a booking from /my_bookings (F-BK-6): to a free time, told plainly when the
time is taken meanwhile, and never inside the cutoff. Through the emulator, real dispatcher."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from pnplive.booking import service as bookings
from pnplive.booking.models import Booking
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.performer.models import Performer
from pnplive.user.service import by_telegram_id
from tests.e2e.conftest import PERSONAS, PRIME, RIVAL, People, paid_booking
from tests.e2e.support import button, buttons, press, running
from tests.payment.support import RULES

pytestmark = pytest.mark.asyncio


async def start_of(db: Database, public_id: str) -> datetime:
    async with db.transaction() as s:
        b = await s.scalar(select(Booking).where(Booking.public_id == public_id))
        assert b is not None
        return b.start_at


async def test_a_member_moves_a_booking_and_a_taken_time_is_said_plainly(
    db: Database, clock: FrozenClock, people: People, caplog: pytest.LogCaptureFixture
) -> None:
    public_id = await paid_booking(db, clock, PRIME, people.performer_id, days=3)
    async with running(db, clock, PERSONAS) as stack:
        chat = stack.person(PRIME)
        await chat.send("/my_bookings")
        await chat.wait_for(lambda m: "upcoming bookings" in m.text, timeout=10)
        await press(chat, "Thu 4 Mar", lambda m: "Status: confirmed" in m.text)
        days = await press(chat, "🔁", lambda m: "Days when Luna has a free time" in m.text)
        await chat.press(button(days, "Fri 5 Mar"), days)
        times = await chat.wait_for(lambda m: "Choose the new start time (UTC)" in m.text)
        assert "15:00" in buttons(times)

        # Someone else takes 15:00 while the member looks at the confirmation.
        await chat.press("15:00", times)
        await chat.wait_for(lambda m: "to Fri 5 Mar" in m.text and "15:00" in m.text)
        async with db.transaction() as s:
            rival = await by_telegram_id(s, RIVAL)
            luna = await s.get(Performer, people.performer_id)
            assert rival is not None and luna is not None
            await bookings.place_hold(
                s,
                user=rival,
                performer=luna,
                start_at=datetime(2027, 3, 5, 15, 0, tzinfo=UTC),
                duration=30,
                now=clock.now(),
                rules=RULES,
            )
        await press(chat, "✅ Move it", lambda m: "just taken" in m.text)
        await chat.wait_for_notice(lambda n: "just taken" in n.text, timeout=10)
        times = chat.bot_messages[-1]
        assert "15:00" not in buttons(times) and "16:00" in buttons(times)
        assert await start_of(db, public_id) == datetime(2027, 3, 4, 12, 0, tzinfo=UTC)

        await chat.press("16:00", times)
        await chat.wait_for(lambda m: "to Fri 5 Mar" in m.text and "16:00" in m.text)
        await press(chat, "✅ Move it", lambda m: "Status: confirmed" in m.text)
        await chat.wait_for_notice(lambda n: "Moved to Fri 5 Mar" in n.text, timeout=10)
    assert await start_of(db, public_id) == datetime(2027, 3, 5, 16, 0, tzinfo=UTC)
    # Each press was answered once: the presses answered with a notice were not answered again.
    assert not [r for r in caplog.records if "Cannot answer callback" in r.getMessage()]


async def test_inside_the_cutoff_a_booking_cannot_be_moved(
    db: Database, clock: FrozenClock, people: People
) -> None:
    public_id = await paid_booking(db, clock, PRIME, people.performer_id, days=3)
    inside = await start_of(db, public_id) - timedelta(hours=RULES.cancel_policy.cutoff_hours - 1)
    clock.advance(seconds=(inside - clock.now()).total_seconds())
    async with running(db, clock, PERSONAS) as stack:
        chat = stack.person(PRIME)
        await chat.send("/my_bookings")
        await chat.wait_for(lambda m: "upcoming bookings" in m.text, timeout=10)
        shown = await press(chat, "Thu 4 Mar", lambda m: "Status: confirmed" in m.text)
        assert not any(b.startswith("🔁") for b in buttons(shown))


async def test_a_move_refused_at_the_last_moment_is_explained_in_the_members_language(
    db: Database, clock: FrozenClock, people: People
) -> None:
    public_id = await paid_booking(db, clock, PRIME, people.performer_id, days=3)
    async with db.transaction() as s:
        member = await by_telegram_id(s, PRIME)
        assert member is not None
        member.language = "es"
    async with running(db, clock, PERSONAS) as stack:
        chat = stack.person(PRIME)
        await chat.send("/my_bookings")
        listing = await chat.wait_for(lambda m: "Tus próximas reservas" in m.text, timeout=10)
        await chat.press(buttons(listing)[0], listing)
        await chat.wait_for(lambda m: "Estado:" in m.text, timeout=10)
        days = await press(chat, "🔁", lambda m: "tiene un hueco libre" in m.text)
        await chat.press(buttons(days)[1], days)
        times = await chat.wait_for(lambda m: "Elige la nueva hora" in m.text, timeout=10)
        await chat.press(buttons(times)[0], times)
        confirm = await chat.wait_for(lambda m: "¿Mover tu llamada" in m.text, timeout=10)

        # The cutoff passes while the member reads the question.
        start = await start_of(db, public_id)
        inside = start - timedelta(hours=RULES.cancel_policy.cutoff_hours - 1)
        clock.advance(seconds=(inside - clock.now()).total_seconds())
        await chat.press(button(confirm, "✅"), confirm)
        notice = await chat.wait_for_notice(lambda n: "no se puede mover" in n.text, timeout=10)
        assert "falta muy poco para que empiece la llamada" in notice.text
        assert "too close" not in notice.text
    assert await start_of(db, public_id) == start
