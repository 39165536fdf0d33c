"""Admins run performers from the bot: status, edits, bookings cancelled with their refund,
deactivation; and a superadmin changes roles. Through the emulator, with the real dispatcher."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from pnplive.booking.models import Booking
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.performer.models import Performer
from pnplive.user.models import User
from pnplive.user.service import by_telegram_id
from tests.e2e.conftest import ADMIN, PERSONAS, PRIME, People, paid_booking
from tests.e2e.support import button, buttons, press, running

pytestmark = pytest.mark.asyncio


async def test_an_admin_runs_a_performer_from_the_bot(
    db: Database, clock: FrozenClock, people: People
) -> None:
    public_id = await paid_booking(db, clock, PRIME, people.performer_id, days=3)
    async with running(db, clock, PERSONAS) as stack:
        chat = stack.person(ADMIN)
        await chat.send("/edit_model")
        listing = await chat.wait_for(lambda m: "Choose a performer to run" in m.text, timeout=10)
        await chat.press(button(listing, "Luna"), listing)
        await chat.wait_for(lambda m: "Status: active" in m.text, timeout=10)
        await press(chat, "⏸ Pause", lambda m: "Status: paused" in m.text)

        await press(chat, "💰 Price", lambda m: "new price per minute for Luna" in m.text)
        await chat.send("a lot")
        await chat.wait_for(lambda m: "cannot be used" in m.text, timeout=10)
        await chat.send("5")
        await chat.wait_for(lambda m: "Price: $5.00 per minute" in m.text, timeout=10)
        await press(chat, "✏️ Name", lambda m: "new display name" in m.text)
        await chat.send("x" * 200)
        await chat.wait_for(lambda m: "cannot be used" in m.text and m.text.count("x") < 10)
        await chat.send("Luna Star")
        await chat.wait_for(lambda m: "👤 Luna Star" in m.text, timeout=10)

        await press(chat, "📅 Upcoming", lambda m: "Upcoming bookings of Luna Star" in m.text)
        await press(chat, "Thu 4 Mar", lambda m: "Booking with Alex" in m.text)
        confirm = await press(chat, "✖️ Cancel", lambda m: "gets back $90.00" in m.text)
        await chat.press(button(confirm, "Yes"), confirm)
        await chat.wait_for_notice(lambda n: "$90.00 will be refunded" in n.text, timeout=10)
        await chat.wait_for(lambda m: "Upcoming bookings of" in m.text and "None." in m.text)

        await press(chat, "⬅️", lambda m: "👤 Luna Star" in m.text)
        confirm = await press(chat, "🗑 Deactivate", lambda m: "Deactivate Luna Star?" in m.text)
        await chat.press(button(confirm, "Yes"), confirm)
        await chat.wait_for_notice(lambda n: "Luna Star is deactivated" in n.text, timeout=10)

        member = stack.person(PRIME)
        await member.send("/book_private_call")
        shown = await member.wait_for(lambda m: "Choose a performer" in m.text, timeout=10)
        assert not any(b.startswith("Luna") for b in buttons(shown))
    async with db.transaction() as s:
        luna = await s.get(Performer, people.performer_id)
        booking = await s.scalar(select(Booking).where(Booking.public_id == public_id))
        assert luna is not None and luna.price_per_minute == 500
        assert (luna.status, luna.visibility) == ("inactive", "hidden")
        assert booking is not None and booking.status == "cancelled"


async def test_a_superadmin_makes_a_member_an_admin_and_an_admin_cannot(
    db: Database, clock: FrozenClock, people: People
) -> None:
    async with running(db, clock, PERSONAS) as stack:
        chat = stack.person(ADMIN)
        await chat.send("/admin")
        menu = await chat.wait_for(lambda m: "Admin" in m.text, timeout=10)
        assert not any(b.startswith("🔑") for b in buttons(menu))  # admins do not see roles

        async with db.transaction() as s:
            await s.execute(update(User).where(User.telegram_id == ADMIN).values(role="superadmin"))
        await chat.send("/admin")
        await chat.wait_for(lambda m: "Admin" in m.text and m.message_id > menu.message_id)
        await press(chat, "🔑 Roles", lambda m: "Send the Telegram id" in m.text)
        await chat.send("alex")
        await chat.wait_for(lambda m: "is a number" in m.text, timeout=10)
        await chat.send("999999999")
        await chat.wait_for(lambda m: "has opened the bot yet" in m.text, timeout=10)
        await chat.send(str(PRIME))
        await chat.wait_for(lambda m: "Alex is a member" in m.text, timeout=10)
        await press(chat, "🔑 Make admin", lambda m: "Alex is an admin" in m.text)
    async with db.transaction() as s:
        alex = await by_telegram_id(s, PRIME)
        assert alex is not None and alex.role == "admin"
