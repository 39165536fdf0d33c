"""A performer asks to move a call and the member answers (F-BK-6), through the emulator with the
real dispatcher: nothing moves until the member accepts; declining keeps the time and tells the
performer."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from pnplive.booking.models import Booking
from pnplive.emulator.client import ChatClient
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from tests.e2e.conftest import PERFORMER, PERSONAS, PRIME, People, paid_booking
from tests.e2e.support import button, buttons, press, running

pytestmark = pytest.mark.asyncio


async def start_of(db: Database, public_id: str) -> datetime:
    async with db.transaction() as s:
        b = await s.scalar(select(Booking).where(Booking.public_id == public_id))
        assert b is not None
        return b.start_at


async def ask_to_move(luna: ChatClient) -> str:
    """The performer picks their call, a day and the first free time, and asks; returns the
    time's label."""
    await luna.send("/pnp_live")
    await luna.wait_for(lambda m: "Ask to move a call" in " ".join(buttons(m)), timeout=10)
    calls = await press(luna, "🔁 Ask to move a call", lambda m: "Which call" in m.text)
    await luna.press(buttons(calls)[0], calls)
    days = await luna.wait_for(lambda m: "Days when you have a free time" in m.text, timeout=10)
    await luna.press(buttons(days)[1], days)
    times = await luna.wait_for(lambda m: "Choose the new start time" in m.text, timeout=10)
    label = buttons(times)[0]
    await luna.press(label, times)
    confirm = await luna.wait_for(lambda m: "Ask the member to move" in m.text, timeout=10)
    await luna.press(button(confirm, "✅"), confirm)
    await luna.wait_for_notice(lambda n: "Sent." in n.text, timeout=10)
    return label


async def open_booking(alex: ChatClient) -> None:
    await alex.send("/my_bookings")
    listing = await alex.wait_for(lambda m: "upcoming bookings" in m.text, timeout=10)
    await alex.press(buttons(listing)[0], listing)


async def test_the_member_accepts_and_the_call_moves(
    db: Database, clock: FrozenClock, people: People
) -> None:
    public_id = await paid_booking(db, clock, PRIME, people.performer_id, days=3)
    before = await start_of(db, public_id)
    async with running(db, clock, PERSONAS) as stack:
        alex, luna = stack.person(PRIME), stack.person(PERFORMER)
        await alex.send("/start")
        await alex.wait_for(lambda m: "PNP Live" in m.text, timeout=10)
        label = await ask_to_move(luna)
        assert await start_of(db, public_id) == before  # nothing moves yet
        await stack.work()
        await alex.wait_for(lambda m: "asks to move your call" in m.text, timeout=10)
        await open_booking(alex)
        detail = await alex.wait_for(lambda m: "asks to move this call to" in m.text, timeout=10)
        assert label in detail.text
        await alex.press(button(detail, "✅ Move"), detail)
        await alex.wait_for_notice(lambda n: "Moved to" in n.text, timeout=10)
        after = await start_of(db, public_id)
        assert after != before and after.strftime("%H:%M") == label
        await stack.work()
        await luna.wait_for(lambda m: "moved" in m.text.lower() and label in m.text, timeout=10)


async def test_the_member_keeps_their_time_and_the_performer_is_told(
    db: Database, clock: FrozenClock, people: People
) -> None:
    public_id = await paid_booking(db, clock, PRIME, people.performer_id, days=3)
    before = await start_of(db, public_id)
    async with running(db, clock, PERSONAS) as stack:
        alex, luna = stack.person(PRIME), stack.person(PERFORMER)
        await ask_to_move(luna)
        await stack.work()
        await open_booking(alex)
        detail = await alex.wait_for(lambda m: "asks to move this call to" in m.text, timeout=10)
        await alex.press(button(detail, "❌ Keep"), detail)
        await alex.wait_for_notice(lambda n: "You keep your time" in n.text, timeout=10)
        shown = await alex.wait_for(lambda m: "Status:" in m.text, timeout=10)
        assert "asks to move" not in shown.text
        await stack.work()
        await luna.wait_for(lambda m: "was declined" in m.text, timeout=10)
    assert await start_of(db, public_id) == before
