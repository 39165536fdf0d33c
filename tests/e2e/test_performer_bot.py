"""A performer runs their profile and time off from the bot (F-PRF, F-AV-2, F-AV-9): bio, tags,
call lengths; a day off lists the booked call it leaves uncovered; extra hours; removing.
Through the emulator with the real dispatcher."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from pnplive.availability.models import BlockedInterval, ExtraAvailability, WeeklyRule
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.performer.models import Performer
from tests.e2e.conftest import PERFORMER, PERSONAS, PRIME, People, paid_booking
from tests.e2e.support import button, press, running

pytestmark = pytest.mark.asyncio


async def test_a_performer_edits_bio_tags_and_call_lengths(
    db: Database, clock: FrozenClock, people: People
) -> None:
    async with running(db, clock, PERSONAS) as stack:
        chat = stack.person(PERFORMER)
        await chat.send("/pnp_live")
        await chat.wait_for(lambda m: "Price: $3.00 per minute" in m.text, timeout=10)
        await press(chat, "📝 Bio", lambda m: "new bio" in m.text)
        await chat.send("b" * 600)
        await chat.wait_for(lambda m: "bio cannot be used" in m.text, timeout=10)
        # Moderated like everything people read (F-SAF-3): a phone number is not a bio.
        await chat.send("Write me on WhatsApp +57 300 123 4567")
        await chat.wait_for(lambda m: "cannot go on a public profile" in m.text, timeout=10)
        await chat.send("Night owl, good listener.")
        await chat.wait_for(lambda m: "Price: $3.00" in m.text and m.revision > 0, timeout=10)
        await press(chat, "🏷 Tags", lambda m: "separated by commas" in m.text)
        await chat.send("chat, #Music  cosplay")
        await chat.wait_for(lambda m: "Price: $3.00" in m.text, timeout=10)
        await press(chat, "⏱", lambda m: "shortest and longest" in m.text)
        await chat.send("20-90")
        await chat.wait_for(lambda m: "steps of 15" in m.text and "like 15-90:" in m.text)
        await chat.send("90-30")
        await chat.wait_for(lambda m: "the shortest first" in m.text and m.revision > 0)
        await chat.send("30-60")
        await chat.wait_for(lambda m: "Price: $3.00" in m.text, timeout=10)
    async with db.transaction() as s:
        luna = await s.get(Performer, people.performer_id)
        assert luna is not None
        assert luna.bio == "Night owl, good listener."
        assert luna.tags == ["chat", "music", "cosplay"]
        assert (luna.min_duration, luna.max_duration) == (30, 60)


async def test_a_day_off_lists_the_call_it_leaves_uncovered_and_removing_it_restores(
    db: Database, clock: FrozenClock, people: People
) -> None:
    await paid_booking(db, clock, PRIME, people.performer_id, days=3)  # Thu 4 Mar, 12:00 UTC
    async with running(db, clock, PERSONAS) as stack:
        chat = stack.person(PERFORMER)
        await chat.send("/pnp_live")
        await chat.wait_for(lambda m: "Price: $3.00 per minute" in m.text, timeout=10)
        await press(chat, "🗓", lambda m: "Nothing planned" in m.text)
        days = await press(chat, "🚫", lambda m: "Which day do you take off" in m.text)
        await chat.press(button(days, "Thu 4 Mar"), days)
        shown = await chat.wait_for(lambda m: "no longer covered" in m.text, timeout=10)
        assert "Thu 4 Mar 2027, 12:00 (UTC) · 30 min" in shown.text

        days = await press(chat, "➕", lambda m: "On which day do you add hours" in m.text)
        await chat.press(button(days, "Sat 6 Mar"), days)
        await chat.wait_for(lambda m: "extra hours on Sat 6 Mar in UTC" in m.text, timeout=10)
        await chat.send("late")
        await chat.wait_for(lambda m: "like 20:00-23:00" in m.text and "runs past" in m.text)
        await chat.send("20:00-23:00")
        # Extra hours on another day leave Thursday's call uncovered: it is still listed.
        await chat.wait_for(
            lambda m: m.text.startswith("✅ Saved") and "Thu 4 Mar 2027, 12:00" in m.text
        )

        listing = await press(chat, "🗑", lambda m: "Press what to remove" in m.text)
        await chat.press(button(listing, "🚫"), listing)
        after = await chat.wait_for(lambda m: "No booked call is affected" in m.text)
        assert "no longer covers" not in after.text
    async with db.transaction() as s:
        blocked = (await s.scalars(select(BlockedInterval))).all()
        extra = (await s.scalars(select(ExtraAvailability))).all()
    assert blocked == []
    assert [(e.start_at, e.end_at) for e in extra] == [
        (datetime(2027, 3, 6, 20, tzinfo=UTC), datetime(2027, 3, 6, 23, tzinfo=UTC))
    ]


async def test_weekly_hours_typed_in_one_message_list_the_calls_they_uncover(
    db: Database, clock: FrozenClock, people: People
) -> None:
    await paid_booking(db, clock, PRIME, people.performer_id, days=3)  # Thu 4 Mar, 12:00 UTC
    async with running(db, clock, PERSONAS) as stack:
        chat = stack.person(PERFORMER)
        await chat.send("/pnp_live")
        await chat.wait_for(lambda m: "Price: $3.00 per minute" in m.text, timeout=10)
        await press(chat, "🗓", lambda m: "Nothing planned" in m.text)
        await press(chat, "🕘", lambda m: "Send the whole week" in m.text)
        await chat.send("Mon-Fri 18:00-23:00\nSaturday at noon")
        await chat.wait_for(lambda m: "Line 2 was not understood" in m.text, timeout=10)
        await chat.send("Mon-Fri 18:00-23:00\nSat 12:00-14:00, 18:00-22:00\nSun off")
        shown = await chat.wait_for(lambda m: "no longer covered" in m.text, timeout=10)
        assert "Thu 4 Mar 2027, 12:00 (UTC) · 30 min" in shown.text
    async with db.transaction() as s:
        rules = (
            await s.scalars(
                select(WeeklyRule)
                .where(WeeklyRule.performer_id == people.performer_id)
                .order_by(WeeklyRule.weekday, WeeklyRule.start_minute)
            )
        ).all()
    assert [(r.weekday, r.start_minute, r.end_minute) for r in rules] == [
        *[(d, 18 * 60, 23 * 60) for d in range(5)],
        (5, 12 * 60, 14 * 60),
        (5, 18 * 60, 22 * 60),
    ]
