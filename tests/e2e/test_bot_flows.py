"""The bot's other front-door flows through the emulator: Stars, gates, performers, admins,
cancelling, a race for one slot, and a stale button."""

from __future__ import annotations

import asyncio

import pytest

from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.notification import broadcast
from pnplive.performer.models import Performer
from pnplive.user.service import by_telegram_id
from tests.e2e.conftest import (
    ADMIN,
    FREE,
    PERFORMER,
    PERSONAS,
    PRIME,
    RIVAL,
    UNVERIFIED,
    People,
    paid_booking,
)
from tests.e2e.support import Stack, button, buttons, press, running

pytestmark = pytest.mark.asyncio


async def to_times(stack: Stack, telegram_id: int, performer: str, duration: str) -> None:
    chat = stack.person(telegram_id)
    await chat.send("/book_private_call")
    await chat.wait_for(lambda m: "Choose a performer" in m.text, timeout=10)
    await press(chat, performer, lambda m: "How long" in m.text)
    await press(chat, duration, lambda m: "Days with free times" in m.text)
    days = chat.bot_messages[-1]
    await chat.press(buttons(days)[0], days)
    await chat.wait_for(lambda m: "Choose a start time" in m.text, timeout=10)


async def test_paying_with_telegram_stars(db: Database, clock: FrozenClock, people: People) -> None:
    async with running(db, clock, PERSONAS) as stack:
        chat = stack.person(PRIME)
        await to_times(stack, PRIME, "Nova", "15 min")
        times = chat.bot_messages[-1]
        await chat.press(buttons(times)[0], times)
        await chat.wait_for(lambda m: "Call rules" in m.text, timeout=10)
        await press(chat, "✅", lambda m: "Your call:" in m.text)
        methods = await press(chat, "✅", lambda m: "How would you like to pay 150" in m.text)
        assert button(methods, "⭐")
        await chat.press(button(methods, "⭐"), methods)
        invoice = await chat.wait_for(lambda m: m.invoice is not None, timeout=10)
        assert invoice.invoice is not None and invoice.invoice.total_amount == 150
        outcome = await chat.pay(invoice)
        assert outcome.ok, outcome.error_message
        await chat.wait_for(lambda m: "Payment received" in m.text, timeout=10)
        await stack.work()
        confirmation = await chat.wait_for(lambda m: "confirmed" in (m.caption or m.text))
        assert "Nova" in confirmation.caption and "150 Stars" in confirmation.caption


async def test_a_free_member_is_offered_prime(
    db: Database, clock: FrozenClock, people: People
) -> None:
    async with running(db, clock, PERSONAS) as stack:
        chat = stack.person(FREE)
        await chat.send("/start")
        await chat.wait_for(lambda m: "PNP Live" in m.text, timeout=10)
        upgrade = await press(chat, "📅", lambda m: "PRIME benefit" in m.text)
        assert "Choose a performer" not in upgrade.text


async def test_an_unverified_member_is_gated_until_age_and_terms(
    db: Database, clock: FrozenClock, people: People
) -> None:
    async with running(db, clock, PERSONAS) as stack:
        chat = stack.person(UNVERIFIED)
        await chat.send("/book_private_call")
        gate = await chat.wait_for(lambda m: "adults only" in m.text, timeout=10)
        assert not any(b.startswith("📅") for b in buttons(gate))
        await press(chat, "🔞", lambda m: "accept the terms" in m.text)
        menu = await press(chat, "✅ I accept", lambda m: "What would you like to do" in m.text)
        assert any(b.startswith("📅") for b in buttons(menu))
        async with db.transaction() as s:
            user = await by_telegram_id(s, UNVERIFIED)
            assert user is not None and user.age_verified_at and user.terms_version == "1"


async def test_a_performer_goes_online_and_changes_the_price(
    db: Database, clock: FrozenClock, people: People
) -> None:
    async with db.transaction() as s:
        follower = await by_telegram_id(s, PRIME)
        luna = await s.get(Performer, people.performer_id)
        assert follower is not None and luna is not None
        await broadcast.subscribe(s, follower, luna, clock.now())
    async with running(db, clock, PERSONAS) as stack:
        fan = stack.person(PRIME)
        await fan.send("/start")  # Telegram lets a bot write only to people who started it
        await fan.wait_for(lambda m: "PNP Live" in m.text, timeout=10)
        chat = stack.person(PERFORMER)
        await chat.send("/pnp_live")
        await chat.wait_for(lambda m: "Price: $3.00 per minute" in m.text, timeout=10)
        await press(chat, "🟢", lambda m: "⚫" in " ".join(buttons(m)))
        fan.mark()
        await stack.work(rounds=4)
        alert = await fan.wait_for(lambda m: "Luna" in m.text and "online" in m.text, timeout=10)
        assert alert.chat_id == PRIME
        await press(chat, "💰", lambda m: "Send the new price" in m.text)
        await chat.send("abc")
        await chat.wait_for(lambda m: "not a price" in m.text, timeout=10)
        await chat.send("4.50")
        await chat.wait_for(lambda m: "Price: $4.50 per minute" in m.text, timeout=10)


async def test_an_admin_adds_a_performer_who_then_appears_in_browse(
    db: Database, clock: FrozenClock, people: People
) -> None:
    async with running(db, clock, PERSONAS) as stack:
        chat = stack.person(ADMIN)
        await chat.send("/add_model")
        for prompt, answer in (
            ("step 1 of 7", "zed_live"),
            ("Step 2 of 7", "Zed"),
            ("Step 3 of 7", "Night owl."),
            ("Step 4 of 7", "2.5"),
            ("Step 5 of 7", "15-90"),
            ("Step 6 of 7", "/skip"),
            ("Step 7 of 7", "nonsense"),
        ):
            await chat.wait_for(lambda m, p=prompt: p in m.text, timeout=10)
            await chat.send(answer)
        await chat.wait_for(lambda m: "daily hours" not in m.text and "like 18:00" in m.text)
        await chat.send("10:00-22:00 Europe/Madrid")
        await chat.wait_for(lambda m: "Create this performer?" in m.text, timeout=10)
        await chat.press("✅ Create")
        await chat.wait_for_notice(lambda n: "Zed is now listed" in n.text, timeout=10)
        member = stack.person(PRIME)
        await member.send("/book_private_call")
        listing = await member.wait_for(lambda m: "Choose a performer" in m.text, timeout=10)
        assert any(b.startswith("Zed") for b in buttons(listing))


async def test_cancelling_from_my_bookings_shows_the_refund_first(
    db: Database, clock: FrozenClock, people: People
) -> None:
    await paid_booking(db, clock, PRIME, people.performer_id, days=3)
    async with running(db, clock, PERSONAS) as stack:
        chat = stack.person(PRIME)
        await chat.send("/my_bookings")
        await chat.wait_for(lambda m: "upcoming bookings" in m.text, timeout=10)
        await press(chat, "Thu 4 Mar", lambda m: "Status: confirmed" in m.text)
        confirm = await press(chat, "✖️ Cancel this", lambda m: "You will get back $90.00" in m.text)
        await chat.press(button(confirm, "Yes"), confirm)
        await chat.wait_for_notice(lambda n: "$90.00 will be refunded" in n.text, timeout=10)
        await chat.wait_for(lambda m: "no upcoming bookings" in m.text, timeout=10)


async def test_two_members_race_for_one_slot_and_the_loser_is_told_plainly(
    db: Database, clock: FrozenClock, people: People
) -> None:
    async with running(db, clock, PERSONAS) as stack:
        await asyncio.gather(
            to_times(stack, PRIME, "Luna", "30 min"), to_times(stack, RIVAL, "Luna", "30 min")
        )
        a, b = stack.person(PRIME), stack.person(RIVAL)
        ta, tb = a.bot_messages[-1], b.bot_messages[-1]
        slot = buttons(ta)[0]
        assert buttons(tb)[0] == slot
        await asyncio.gather(a.press(slot, ta), b.press(slot, tb))
        outcomes = []
        for chat in (a, b):
            m = await chat.wait_for(
                lambda m: "Call rules" in m.text or "just taken" in m.text, timeout=10
            )
            outcomes.append("won" if "Call rules" in m.text else "lost")
        assert sorted(outcomes) == ["lost", "won"]
        loser = b if outcomes[1] == "lost" else a
        shown = loser.bot_messages[-1]
        assert slot not in buttons(shown) and len(buttons(shown)) > 1  # other times offered
        await loser.wait_for_notice(lambda n: "just taken" in n.text, timeout=10)


async def test_a_stale_button_is_answered_and_the_current_menu_shown(
    db: Database, clock: FrozenClock, people: People
) -> None:
    async with running(db, clock, PERSONAS) as stack:
        chat = stack.person(PRIME)
        await chat.send("/book_private_call")
        old = await chat.wait_for(lambda m: "Choose a performer" in m.text, timeout=10)
        # The dialog's state is saved just after its message is sent: wait for it, then the bot
        # restarts: dialog state kept in memory is gone, the old message stays.
        storage = stack.bot.dispatcher.fsm.storage.storage  # type: ignore[attr-defined]
        for _ in range(200):
            if storage:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.2)  # the update's last writes
        storage.clear()
        await chat.press(button(old, "Luna"), old)
        await chat.wait_for_notice(lambda n: "earlier message" in n.text, timeout=10)
        current = await chat.wait_for(lambda m: "What would you like to do" in m.text, timeout=10)
        assert current.message_id > old.message_id


async def test_a_profile_shows_reviews_follows_and_calls_now(
    db: Database, clock: FrozenClock, people: People
) -> None:
    from pnplive.booking import service as bookings
    from pnplive.booking.states import Status
    from pnplive.performer.models import Presence
    from pnplive.review import service as reviews

    # An earlier call of Alex's with Luna, completed and reviewed.
    earlier = await paid_booking(db, clock, RIVAL, people.performer_id, days=1)
    async with db.transaction() as s:
        b = await bookings.get_booking(s, earlier, lock=True)
        for status in (Status.LIVE, Status.COMPLETED):
            await bookings.transition(s, b, status, actor="system", now=clock.now())
        rival = await by_telegram_id(s, RIVAL)
        assert rival is not None
        await reviews.leave(s, rival, earlier, 5, "Lovely chat, very kind.", clock.now())
        luna = await s.get(Performer, people.performer_id)
        assert luna is not None
        luna.presence = Presence.ONLINE.value
        luna.last_active_at = clock.now()
    async with running(db, clock, PERSONAS) as stack:
        chat = stack.person(PRIME)
        await chat.send("/book_private_call")
        await chat.wait_for(lambda m: "Choose a performer" in m.text, timeout=10)
        profile = await press(chat, "🟢 Luna", lambda m: "Latest reviews" in m.text)
        assert "★5 Riley: Lovely chat, very kind." in profile.text
        await chat.press(button(profile, "🔔"), profile)
        await chat.wait_for_notice(lambda n: "when they come online" in n.text, timeout=10)
        async with db.transaction() as s:
            alex = await by_telegram_id(s, PRIME)
            assert alex is not None
            assert people.performer_id in await broadcast.followed(s, alex)
        await press(chat, "⚡", lambda m: "Call rules" in m.text)
        summary = await press(chat, "✅", lambda m: "Your call:" in m.text)
        # Starts within minutes: 09:05 today (UTC), the shortest call.
        assert "09:05 (UTC)" in summary.text and "15 min" in summary.text
