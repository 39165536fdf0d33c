"""Notices end to end through the worker and a local Bot API over HTTP, with a moved clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from pnplive.booking import service as bookings
from pnplive.booking.models import Booking
from pnplive.kit.actor import Actor
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.kit.jobs import Job, enqueue
from pnplive.notification import planner
from pnplive.notification.jobs import handlers
from pnplive.notification.settings import NotificationSettings
from pnplive.notification.telegram import TelegramNotifier
from pnplive.payment import refunds
from pnplive.payment import service as payments
from pnplive.performer.models import Performer
from pnplive.user.models import User
from pnplive.worker.runner import Runner, RunnerConfig
from tests.factories import make_performer, make_user
from tests.fakes.bot_api import FakeBotApi
from tests.payment.signers import SIGNERS
from tests.payment.support import RULES, all_providers, at, pending_booking

SANDBOX = next(signer for signer in SIGNERS if signer.provider == "sandbox")
SETTINGS = NotificationSettings(reminder_minutes=[1440, 60, 15, 5])


def runner(db: Database, clock: FrozenClock, notifier: TelegramNotifier) -> Runner:
    cfg = RunnerConfig(max_attempts=3, base_backoff=timedelta(seconds=30))
    return Runner(db, clock, handlers(db, clock, notifier, SETTINGS), cfg=cfg)


async def confirmed_booking(
    db: Database, clock: FrozenClock, *, language: str = "en", days: int = 2
) -> tuple[Booking, User, User]:
    """A booking paid through the sandbox provider's signed webhook (which queues the
    confirmation); returns it with its member and the performer's account."""
    setup = await pending_booking(db, clock, days=days, hour=18)
    async with db.transaction() as s:
        performer = await s.get(Performer, setup.performer_id)
        assert performer is not None
        performer_user = await make_user(s, clock.now(), timezone="Europe/Madrid", language="es")
        performer.user_id = performer_user.id
        performer.timezone = "Europe/Madrid"
        member = await s.get(User, setup.user_id)
        assert member is not None
        member.language = language
        member.first_name = "Carlos"
        member.timezone = "America/New_York"
    providers = all_providers()
    payment = await payments.start_checkout(
        db,
        setup.booking_id,
        providers=providers,
        clock=clock,
        public_base_url="http://testserver",
        provider="sandbox",
    )
    body, headers = SANDBOX.paid(payment, clock.now())
    result = await payments.process_webhook(
        db, "sandbox", body, headers, providers=providers, clock=clock
    )
    assert [r.outcome for r in result.results] == ["confirmed"]
    async with db.transaction() as s:
        booking = await s.scalar(select(Booking).where(Booking.public_id == setup.booking_id))
        assert booking is not None
    return booking, member, performer_user


async def pending_notices(db: Database) -> list[Job]:
    async with db.transaction() as s:
        q = select(Job).where(Job.kind == planner.NOTIFY_JOB, Job.done_at.is_(None))
        return list((await s.scalars(q.order_by(Job.due_at))).all())


@pytest.mark.asyncio
async def test_confirmation_reaches_both_sides_once_in_their_language(
    db: Database, clock: FrozenClock, bot_api: FakeBotApi, notifier: TelegramNotifier
) -> None:
    _booking, member, performer_user = await confirmed_booking(db, clock, language="es")
    r = runner(db, clock, notifier)
    await r.tick()
    await r.tick()
    sent = bot_api.sent("sendMessage")
    to_member = [c for c in sent if c.chat_id == member.telegram_id]
    to_performer = [c for c in sent if c.chat_id == performer_user.telegram_id]
    assert len(to_member) == 1 and len(to_performer) == 1
    assert "Tu llamada privada" in to_member[0].text
    assert "(America/New_York)" in to_member[0].text
    assert "Carlos" in to_performer[0].text and "(Europe/Madrid)" in to_performer[0].text


@pytest.mark.asyncio
async def test_each_reminder_fires_once_at_its_time(
    db: Database, clock: FrozenClock, bot_api: FakeBotApi, notifier: TelegramNotifier
) -> None:
    booking, member, _ = await confirmed_booking(db, clock, language="es", days=2)
    r = runner(db, clock, notifier)
    await r.tick()
    start = booking.start_at
    seen: list[str] = []
    for lead, phrase in (
        (1440, "dentro de 1 día"),
        (60, "dentro de 1 hora"),
        (15, "dentro de 15 minutos"),
        (5, "dentro de 5 minutos"),
    ):
        clock.set(start - timedelta(minutes=lead) - timedelta(seconds=1))
        await r.tick()
        assert not any(phrase in c.text for c in bot_api.sent() if c.chat_id == member.telegram_id)
        clock.set(start - timedelta(minutes=lead))
        await r.tick()
        await r.tick()
        hits = [c for c in bot_api.sent() if c.chat_id == member.telegram_id and phrase in c.text]
        assert len(hits) == 1, phrase
        seen.append(phrase)
    clock.set(start)
    await r.tick()
    starting = [
        c for c in bot_api.sent() if c.chat_id == member.telegram_id and "empieza ahora" in c.text
    ]
    assert len(starting) == 1
    assert len(seen) == 4


@pytest.mark.asyncio
async def test_a_reschedule_moves_the_reminders(
    db: Database, clock: FrozenClock, bot_api: FakeBotApi, notifier: TelegramNotifier
) -> None:
    booking, member, _ = await confirmed_booking(db, clock, days=2)
    r = runner(db, clock, notifier)
    await r.tick()
    old_start = booking.start_at
    async with db.transaction() as s:
        b = await s.get(Booking, booking.id)
        p = await s.get(Performer, b.performer_id)  # type: ignore[union-attr]
        assert b is not None and p is not None
        await bookings.reschedule(
            s,
            b,
            p,
            new_start=at(clock, days=3, hour=18),
            by=Actor.admin(),
            now=clock.now(),
            rules=RULES,
        )
        new_start = b.start_at
    await r.tick()
    moved = [c for c in bot_api.sent() if c.chat_id == member.telegram_id and "has moved" in c.text]
    assert len(moved) == 1
    # Nothing fires an hour before the old time; the reminder comes an hour before the new one.
    clock.set(old_start - timedelta(minutes=60))
    await r.tick()
    assert not [c for c in bot_api.sent() if "in 1 hour" in c.text]
    clock.set(new_start - timedelta(minutes=60))
    await r.tick()
    await r.tick()
    hits = [c for c in bot_api.sent() if c.chat_id == member.telegram_id and "in 1 hour" in c.text]
    assert len(hits) == 1


@pytest.mark.asyncio
async def test_a_cancellation_removes_the_reminders_and_says_the_refund(
    db: Database, clock: FrozenClock, bot_api: FakeBotApi, notifier: TelegramNotifier
) -> None:
    booking, member, performer_user = await confirmed_booking(db, clock, days=2)
    r = runner(db, clock, notifier)
    await r.tick()
    assert await pending_notices(db)
    async with db.transaction() as s:
        b = await s.get(Booking, booking.id)
        assert b is not None
        await refunds.cancel_booking(
            s, b, by=Actor.admin(), now=clock.now(), rules=RULES, reason="ill"
        )
    await r.tick()  # the announcement removes the reminders and plans the notices
    assert await pending_notices(db) == []
    cancel = [c for c in bot_api.sent() if "was cancelled" in c.text or "se ha cancelado" in c.text]
    assert {c.chat_id for c in cancel} == {member.telegram_id, performer_user.telegram_id}
    assert any("Refund: $" in c.text for c in cancel if c.chat_id == member.telegram_id)
    clock.set(booking.start_at)
    before = len(bot_api.calls)
    await r.tick()
    assert len(bot_api.calls) == before


@pytest.mark.asyncio
async def test_a_stale_reminder_is_not_sent(
    db: Database, clock: FrozenClock, bot_api: FakeBotApi, notifier: TelegramNotifier
) -> None:
    booking, _member, _ = await confirmed_booking(db, clock, days=2)
    r = runner(db, clock, notifier)
    await r.tick()
    async with db.transaction() as s:  # cancelled by a path that did not remove the reminders
        b = await s.get(Booking, booking.id)
        assert b is not None
        b.status = "cancelled"
    clock.set(booking.start_at - timedelta(minutes=60))
    before = len(bot_api.calls)
    await r.tick()
    assert len(bot_api.calls) == before


@pytest.mark.asyncio
async def test_a_person_who_blocked_the_bot_is_marked_unreachable_and_not_retried(
    db: Database, clock: FrozenClock, bot_api: FakeBotApi, notifier: TelegramNotifier
) -> None:
    booking, member, performer_user = await confirmed_booking(db, clock, days=2)
    bot_api.blocked.add(member.telegram_id)
    r = runner(db, clock, notifier)
    await r.tick()
    await r.tick()
    async with db.transaction() as s:
        m = await s.get(User, member.id)
        assert m is not None and m.unreachable
        done = (
            await s.scalars(
                select(Job).where(Job.key == f"{booking.public_id}:{member.id}:confirmed")
            )
        ).one()
        assert done.done_at is not None and done.attempts == 1
    assert len(bot_api.refused) == 1
    # Later notices to them are skipped without calling Telegram.
    clock.set(booking.start_at - timedelta(minutes=60))
    await r.tick()
    assert len(bot_api.refused) == 1
    assert all(c.chat_id != member.telegram_id for c in bot_api.calls)
    assert any(c.chat_id == performer_user.telegram_id for c in bot_api.calls)


@pytest.mark.asyncio
async def test_admin_alerts_reach_every_admin_once(
    db: Database, clock: FrozenClock, bot_api: FakeBotApi, notifier: TelegramNotifier
) -> None:
    async with db.transaction() as s:
        admins = [
            await make_user(s, clock.now(), role="admin"),
            await make_user(s, clock.now(), role="superadmin", language="es"),
        ]
        await make_user(s, clock.now())  # a member gets nothing
        await make_performer(s, clock.now())
        payload = {
            "kind": "refund_manual_required",
            "refund": "r1",
            "amount": 500,
            "currency": "USD",
        }
        await enqueue(
            s, "admin_alert", "refund:r1", due_at=clock.now(), now=clock.now(), payload=payload
        )
    r = runner(db, clock, notifier)
    await r.tick()
    await r.tick()
    chats = sorted(c.chat_id for c in bot_api.sent("sendMessage"))
    assert chats == sorted(a.telegram_id for a in admins)
    es = next(c for c in bot_api.calls if c.chat_id == admins[1].telegram_id)
    assert "a mano" in es.text and "5,00" in es.text


@pytest.mark.asyncio
async def test_an_unpaid_booking_that_lapses_tells_its_member(
    db: Database, clock: FrozenClock, bot_api: FakeBotApi, notifier: TelegramNotifier
) -> None:
    setup = await pending_booking(db, clock, days=2, hour=18)
    async with db.transaction() as s:
        member = await s.get(User, setup.user_id)
        assert member is not None
        member.language = "es"
    r = Runner(
        db,
        clock,
        handlers(db, clock, notifier, SETTINGS),
        periodic=[payments.expire_unpaid],
        cfg=RunnerConfig(max_attempts=3),
    )
    await r.tick()
    assert bot_api.calls == []
    clock.advance(minutes=RULES.payment_timeout_minutes + 1)
    await r.tick()
    await r.tick()
    (notice,) = bot_api.sent("sendMessage")
    assert notice.chat_id == member.telegram_id
    assert "ha caducado" in notice.text
