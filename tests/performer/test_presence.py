"""Presence (F-PRF-2): coming online is announced once per window; idle performers go offline."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pnplive.config import Settings
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.kit.jobs import Job
from pnplive.performer import service as performers
from pnplive.performer.models import Performer, Presence
from pnplive.performer.presence import ONLINE_JOB
from pnplive.worker.app import build_runner
from tests.factories import make_performer


async def online_jobs(db: Database) -> list[Job]:
    async with db.transaction() as s:
        return list((await s.scalars(select(Job).where(Job.kind == ONLINE_JOB))).all())


@pytest.mark.asyncio
async def test_coming_online_queues_one_broadcast_however_often_one_toggles(
    db: Database, clock: FrozenClock
) -> None:
    async with db.transaction() as s:
        p = await make_performer(s, clock.now())
        assert await performers.set_presence(s, p, Presence.ONLINE, clock.now())
        assert not await performers.set_presence(s, p, Presence.ONLINE, clock.now())
        await performers.set_presence(s, p, Presence.OFFLINE, clock.now())
        assert await performers.set_presence(s, p, Presence.ONLINE, clock.now())
    assert len(await online_jobs(db)) == 1
    clock.advance(hours=1)
    async with db.transaction() as s:
        p2 = await s.get(Performer, p.id)
        assert p2 is not None
        await performers.set_presence(s, p2, Presence.OFFLINE, clock.now())
        await performers.set_presence(s, p2, Presence.ONLINE, clock.now())
    jobs = await online_jobs(db)
    assert len(jobs) == 2 and all(j.payload == {"performer": p.id} for j in jobs)


@pytest.mark.asyncio
async def test_the_worker_sets_idle_performers_offline(db: Database, clock: FrozenClock) -> None:
    async with db.transaction() as s:
        idle = await make_performer(s, clock.now())
        busy_one = await make_performer(s, clock.now())
        await performers.set_presence(s, idle, Presence.ONLINE, clock.now())
    clock.advance(minutes=45)
    async with db.transaction() as s:
        b = await s.get(Performer, busy_one.id)
        assert b is not None
        await performers.set_presence(s, b, Presence.ONLINE, clock.now())
    runner = build_runner(db, clock, settings=Settings(performer_idle_minutes=30))
    await runner.tick()
    async with db.transaction() as s:
        states = {p.id: p.presence for p in (await s.scalars(select(Performer))).all()}
    assert states == {idle.id: Presence.OFFLINE, busy_one.id: Presence.ONLINE}
    clock.advance(minutes=31)
    await runner.tick()
    async with db.transaction() as s:
        b = await s.get(Performer, busy_one.id)
        assert b is not None and b.presence == Presence.OFFLINE
