"""Online broadcasts against a local Bot API that throttles and refuses some chats."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from sqlalchemy import select

from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.notification import broadcast
from pnplive.notification.messages import OutMessage
from pnplive.notification.models import BroadcastDelivery
from pnplive.notification.notifier import Delivery
from pnplive.notification.pacing import Pacer
from pnplive.notification.telegram import TelegramNotifier
from pnplive.performer.models import Performer
from pnplive.user.models import User
from tests.factories import make_performer, make_user
from tests.fakes.bot_api import FakeBotApi

RATE = 100.0  # messages per second for the test (the product's default is 25)


async def followers(db: Database, clock: FrozenClock, n: int) -> tuple[Performer, list[User]]:
    async with db.transaction() as s:
        performer = await make_performer(s, clock.now(), display_name="Luna")
        members = [
            await make_user(s, clock.now(), language="es" if i % 3 == 0 else "en") for i in range(n)
        ]
        for m in members:
            assert await broadcast.subscribe(s, m, performer, clock.now())
        await make_user(s, clock.now())  # not following: gets nothing
    return performer, members


async def start(db: Database, clock: FrozenClock, performer: Performer) -> int:
    async with db.transaction() as s:
        return (await broadcast.start_online(s, performer.id, clock.now())).id


def per_chat(api: FakeBotApi) -> Counter[int]:
    return Counter(c.chat_id for c in api.sent("sendMessage"))


def max_in_any_second(times: list[float]) -> int:
    times = sorted(times)
    best, j = 0, 0
    for i, t0 in enumerate(times):
        while times[j] < t0 - 1.0 + 1e-6:
            j += 1
        best = max(best, i - j + 1)
    return best


@pytest.mark.asyncio
async def test_every_reachable_follower_gets_one_message_at_the_pace(
    db: Database, clock: FrozenClock, bot_api: FakeBotApi, notifier: TelegramNotifier
) -> None:
    performer, members = await followers(db, clock, 150)
    blocked = {m.telegram_id for m in members[::25]}
    bot_api.blocked |= blocked
    for m in members[3::40]:
        bot_api.throttle_once[m.telegram_id] = 1
    bid = await start(db, clock, performer)
    result = await broadcast.run_broadcast(db, notifier, Pacer(RATE), clock, bid)
    assert result == "done"
    counts = per_chat(bot_api)
    reachable = {m.telegram_id for m in members} - blocked
    assert set(counts) == reachable
    assert set(counts.values()) == {1}
    assert max_in_any_second([c.at for c in bot_api.calls]) <= RATE
    spanish = next(c for c in bot_api.calls if c.chat_id == members[3].telegram_id)
    assert "Luna está en línea" in spanish.text
    async with db.transaction() as s:
        p = await broadcast.progress(s, bid)
        unreachable = (
            await s.scalars(select(User.telegram_id).where(User.unreachable.is_(True)))
        ).all()
    assert (p.total, p.sent, p.unreachable, p.failed, p.pending) == (
        150,
        150 - len(blocked),
        len(blocked),
        0,
        0,
    )
    assert p.status == "done" and p.finished_at is not None
    assert set(unreachable) == blocked


class CrashAfter:
    """A notifier whose process dies (task cancelled) before its n+1-th message."""

    def __init__(self, inner: TelegramNotifier, n: int) -> None:
        self.inner, self.left = inner, n

    async def send(self, chat_id: int, message: OutMessage) -> Delivery:
        if self.left == 0:
            raise asyncio.CancelledError
        self.left -= 1
        return await self.inner.send(chat_id, message)


@pytest.mark.asyncio
async def test_a_restart_mid_way_resends_nothing(
    db: Database, clock: FrozenClock, bot_api: FakeBotApi, notifier: TelegramNotifier
) -> None:
    performer, members = await followers(db, clock, 60)
    bid = await start(db, clock, performer)
    with pytest.raises(asyncio.CancelledError):
        await broadcast.run_broadcast(db, CrashAfter(notifier, 25), Pacer(RATE), clock, bid)
    assert len(bot_api.calls) == 25
    assert await broadcast.run_broadcast(db, notifier, Pacer(RATE), clock, bid) == "done"
    counts = per_chat(bot_api)
    assert set(counts) == {m.telegram_id for m in members}
    assert set(counts.values()) == {1}


@pytest.mark.asyncio
async def test_a_long_broadcast_continues_as_a_new_job(
    db: Database, clock: FrozenClock, bot_api: FakeBotApi, notifier: TelegramNotifier
) -> None:
    from pnplive.kit.jobs import Job

    performer, _ = await followers(db, clock, 30)
    bid = await start(db, clock, performer)
    out = await broadcast.run_broadcast(db, notifier, Pacer(RATE), clock, bid, budget_seconds=0.05)
    assert out == "continues"
    async with db.transaction() as s:
        keys = set((await s.scalars(select(Job.key).where(Job.kind == "broadcast"))).all())
        pending = (
            await s.scalars(
                select(BroadcastDelivery.id).where(BroadcastDelivery.status == "pending")
            )
        ).all()
    assert keys == {f"broadcast:{bid}:0", f"broadcast:{bid}:1"}
    assert 0 < len(pending) < 30


@pytest.mark.asyncio
async def test_following_is_once_per_member_and_can_be_undone(
    db: Database, clock: FrozenClock
) -> None:
    async with db.transaction() as s:
        performer = await make_performer(s, clock.now())
        member = await make_user(s, clock.now())
        assert await broadcast.subscribe(s, member, performer, clock.now())
        assert not await broadcast.subscribe(s, member, performer, clock.now())
        assert await broadcast.followed(s, member) == [performer.id]
        assert await broadcast.unsubscribe(s, member, performer.id)
        assert not await broadcast.unsubscribe(s, member, performer.id)
        assert await broadcast.followed(s, member) == []


@pytest.mark.asyncio
async def test_going_online_reaches_followers_through_the_worker(
    db: Database, clock: FrozenClock, bot_api: FakeBotApi, notifier: TelegramNotifier
) -> None:
    from pnplive.performer import service as performers
    from pnplive.performer.models import Presence
    from pnplive.worker.app import build_runner

    performer, members = await followers(db, clock, 5)
    async with db.transaction() as s:
        p = await s.get(Performer, performer.id)
        assert p is not None
        await performers.set_presence(s, p, Presence.ONLINE, clock.now())
    runner = build_runner(db, clock, notifier=notifier)
    for _ in range(3):
        await runner.tick()
    assert set(per_chat(bot_api)) == {m.telegram_id for m in members}
    assert set(per_chat(bot_api).values()) == {1}
