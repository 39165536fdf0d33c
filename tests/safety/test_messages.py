"""Messages between the two sides of a call (F-SAF-3): moderated, then relayed or refused; the
text leaves the queue once delivered; blocked ones count towards the abuse limit (F-SAF-5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from pnplive.booking.errors import AccessDenied, NotYourBooking
from pnplive.errors import InvalidInput
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.kit.jobs import Job
from pnplive.moderation.models import Violation
from pnplive.notification.telegram import TelegramNotifier
from pnplive.safety import messages
from pnplive.safety.abuse import Limits
from pnplive.user.models import User
from pnplive.worker.app import build_runner
from tests.factories import make_user
from tests.fakes.bot_api import FakeBotApi
from tests.notification.test_jobs import confirmed_booking
from tests.payment.support import all_providers
from tests.video.support import VIDEO, RecordingProvider

pytestmark = pytest.mark.asyncio
LIMITS = Limits(2, timedelta(hours=1))


async def send(
    db: Database,
    clock: FrozenClock,
    public_id: str,
    sender: User,
    text: str,
    performer_id: int | None = None,
) -> messages.Relayed:
    async with db.transaction() as s:
        fresh = await s.get(User, sender.id)
        assert fresh is not None
        return await messages.relay(s, public_id, fresh, performer_id, text, clock.now(), LIMITS)


async def test_an_ordinary_message_reaches_the_other_side_and_is_not_kept(
    db: Database, clock: FrozenClock, bot_api: FakeBotApi, notifier: TelegramNotifier
) -> None:
    booking, member, performer_user = await confirmed_booking(db, clock)
    runner = build_runner(
        db,
        clock,
        providers=all_providers(),
        notifier=notifier,
        video=RecordingProvider(),
        video_settings=VIDEO,
    )
    await runner.tick()
    before = len(bot_api.sent("sendMessage"))
    sent = await send(db, clock, booking.public_id, member, "Can we do 30 min instead?")
    assert (sent.status, sent.categories) == ("sent", [])
    await runner.tick()
    await runner.tick()
    relayed = [
        c for c in bot_api.sent("sendMessage")[before:] if c.chat_id == performer_user.telegram_id
    ]
    assert len(relayed) == 1
    # The performer reads Spanish, with the call's time in their zone.
    assert "Carlos te escribió sobre tu llamada" in relayed[0].text
    assert "(Europe/Madrid)" in relayed[0].text
    assert relayed[0].text.endswith("Can we do 30 min instead?")
    async with db.transaction() as s:
        kept = (await s.scalars(select(Job).where(Job.key.like("message:%")))).all()
    assert kept == []


async def test_blocked_and_held_messages_are_not_delivered_and_blocked_ones_count(
    db: Database, clock: FrozenClock, bot_api: FakeBotApi, notifier: TelegramNotifier
) -> None:
    booking, member, _performer_user = await confirmed_booking(db, clock)
    held = await send(db, clock, booking.public_id, member, "you are so stupid")
    assert held.status == "held" and held.categories
    first = await send(db, clock, booking.public_id, member, "pay me on whatsapp +57 300 123 4567")
    assert first.status == "blocked" and "off_platform" in first.categories
    assert first.restricted is False
    second = await send(db, clock, booking.public_id, member, "my telegram is @carlos_private")
    assert second.status == "blocked" and second.restricted is True
    async with db.transaction() as s:
        flagged = (
            await s.scalars(select(Violation).where(Violation.subject_kind == "message"))
        ).all()
        assert {v.subject_id for v in flagged} == {booking.public_id}
        assert all(len(v.excerpt) <= 120 for v in flagged)
        jobs = (await s.scalars(select(Job).where(Job.key.like("message:%")))).all()
        restricted = await s.get(User, member.id)
    assert jobs == []  # nothing was queued for delivery
    assert restricted is not None and restricted.restricted_at is not None
    # Restricted now: refused before anything is moderated or sent.
    with pytest.raises(AccessDenied) as refused:
        await send(db, clock, booking.public_id, member, "hello?")
    assert refused.value.code == "user_restricted"


async def test_only_the_two_sides_write_and_the_text_is_checked(
    db: Database, clock: FrozenClock
) -> None:
    booking, member, _performer_user = await confirmed_booking(db, clock)
    async with db.transaction() as s:
        stranger = await make_user(s, clock.now())
    with pytest.raises(NotYourBooking):
        await send(db, clock, booking.public_id, stranger, "hi")
    with pytest.raises(InvalidInput):
        await send(db, clock, booking.public_id, member, "   ")
    with pytest.raises(InvalidInput):
        await send(db, clock, booking.public_id, member, "x" * 1001)
