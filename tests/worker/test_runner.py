"""The job runner: leases, retries with backoff, giving up, periodic expiry."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from pnplive.booking.models import Booking
from pnplive.booking.states import Status
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.kit.jobs import Job, enqueue
from pnplive.worker.runner import Runner, RunnerConfig, backoff, claim
from tests.booking.test_holds import at, hold, setup

CFG = RunnerConfig(lease=timedelta(minutes=5), max_attempts=3, base_backoff=timedelta(seconds=30))


async def jobs(db: Database) -> list[Job]:
    async with db.transaction() as s:
        return list((await s.scalars(select(Job).order_by(Job.id))).all())


@pytest.mark.asyncio
async def test_due_jobs_run_once_and_are_marked_done(db: Database, clock: FrozenClock) -> None:
    seen: list[dict[str, Any]] = []

    async def handler(payload: dict[str, Any]) -> None:
        seen.append(payload)

    async with db.transaction() as s:
        await enqueue(s, "demo", "a", clock.now(), clock.now(), {"n": 1})
        await enqueue(s, "demo", "a", clock.now(), clock.now(), {"n": 2})  # same key: ignored
        await enqueue(s, "demo", "later", clock.now() + timedelta(hours=1), clock.now(), {"n": 3})
        await enqueue(s, "other", "x", clock.now(), clock.now(), {})
    runner = Runner(db, clock, {"demo": handler}, cfg=CFG)
    assert await runner.tick() == 1
    assert seen == [{"n": 1}]
    assert await runner.tick() == 0
    clock.advance(hours=1)
    assert await runner.tick() == 1
    rows = {(j.kind, j.key): j for j in await jobs(db)}
    assert rows[("demo", "a")].done_at is not None
    assert rows[("other", "x")].done_at is None  # no handler: left for whoever has one


@pytest.mark.asyncio
async def test_failures_retry_with_backoff_then_give_up(db: Database, clock: FrozenClock) -> None:
    calls = 0

    async def flaky(payload: dict[str, Any]) -> None:
        nonlocal calls
        calls += 1
        raise RuntimeError("provider unavailable")

    async with db.transaction() as s:
        await enqueue(s, "refund", "r1", clock.now(), clock.now(), {})
    runner = Runner(db, clock, {"refund": flaky}, cfg=CFG)
    await runner.tick()
    (job,) = await jobs(db)
    assert job.attempts == 1 and job.done_at is None
    assert job.due_at == clock.now() + backoff(1, CFG)
    assert job.last_error == "RuntimeError: provider unavailable"
    assert await runner.tick() == 0  # not due yet
    clock.advance(seconds=30)
    await runner.tick()
    clock.advance(seconds=60)
    await runner.tick()
    (job,) = await jobs(db)
    assert calls == 3 and job.attempts == 3 and job.done_at is not None


@pytest.mark.asyncio
async def test_a_lease_keeps_others_off_until_it_runs_out(db: Database, clock: FrozenClock) -> None:
    async with db.transaction() as s:
        await enqueue(s, "demo", "a", clock.now(), clock.now(), {})
    async with db.transaction() as s:
        first = await claim(s, ["demo"], clock.now(), CFG)
    async with db.transaction() as s:
        assert await claim(s, ["demo"], clock.now(), CFG) == []
    clock.advance(minutes=6)  # the first worker died: its lease ran out
    async with db.transaction() as s:
        again = await claim(s, ["demo"], clock.now(), CFG)
    assert [j.id for j in first] == [j.id for j in again] and again[0].attempts == 2


def test_backoff_doubles_and_is_capped() -> None:
    cfg = RunnerConfig(base_backoff=timedelta(seconds=10), max_backoff=timedelta(seconds=60))
    assert [backoff(n, cfg).total_seconds() for n in (1, 2, 3, 4, 5)] == [10, 20, 40, 60, 60]


@pytest.mark.asyncio
async def test_the_product_worker_lapses_unpaid_bookings(db: Database, clock: FrozenClock) -> None:
    from pnplive.worker.app import build_runner

    performer, (user,) = await setup(db, clock)
    b = await hold(db, clock, user, performer, at(clock), 30)
    runner = build_runner(db, clock)
    await runner.tick()
    async with db.transaction() as s:
        assert (await s.get(Booking, b.id)).status == Status.HELD  # type: ignore[union-attr]
    clock.advance(minutes=11)
    await runner.tick()
    async with db.transaction() as s:
        assert (await s.get(Booking, b.id)).status == Status.EXPIRED  # type: ignore[union-attr]


@pytest.mark.asyncio
async def test_the_product_worker_forgets_idempotency_keys_past_their_time(
    db: Database, clock: FrozenClock
) -> None:
    from pnplive.booking.idempotency import IdempotencyKey
    from pnplive.worker.app import build_runner

    async with db.transaction() as s:
        for key, ttl in (("old", 1), ("fresh", 48)):
            s.add(
                IdempotencyKey(
                    scope="bookings:1",
                    key=key,
                    request_hash="0" * 64,
                    created_at=clock.now(),
                    expires_at=clock.now() + timedelta(hours=ttl),
                )
            )
    clock.advance(hours=2)
    await build_runner(db, clock).tick()
    async with db.transaction() as s:
        left = (await s.scalars(select(IdempotencyKey.key))).all()
    assert left == ["fresh"]


@pytest.mark.asyncio
async def test_retry_later_waits_as_asked_and_never_counts_as_a_failure(
    db: Database, clock: FrozenClock
) -> None:
    from pnplive.worker.retry import RetryLater

    calls = 0

    async def throttled(payload: dict[str, Any]) -> None:
        nonlocal calls
        calls += 1
        if calls <= 5:
            raise RetryLater(17)

    async with db.transaction() as s:
        await enqueue(s, "notify", "n1", clock.now(), clock.now(), {})
    runner = Runner(db, clock, {"notify": throttled}, cfg=CFG)  # gives up after 3 failures
    for _ in range(5):
        await runner.tick()
        (job,) = await jobs(db)
        assert job.done_at is None and job.attempts == 0
        assert job.due_at == clock.now() + timedelta(seconds=17)
        assert await runner.tick() == 0  # not before the 17 seconds
        clock.advance(seconds=17)
    await runner.tick()
    (job,) = await jobs(db)
    assert calls == 6 and job.done_at is not None and job.last_error is None


@pytest.mark.asyncio
async def test_a_kind_can_say_what_giving_up_means(db: Database, clock: FrozenClock) -> None:
    given_up: list[tuple[dict[str, Any], str]] = []

    async def broken(payload: dict[str, Any]) -> None:
        raise RuntimeError("no")

    async def on_exhausted(payload: dict[str, Any], error: str) -> None:
        given_up.append((payload, error))

    async with db.transaction() as s:
        await enqueue(s, "refund", "r9", clock.now(), clock.now(), {"refund": "r9"})
    runner = Runner(db, clock, {"refund": broken}, cfg=CFG, on_exhausted={"refund": on_exhausted})
    for _ in range(3):
        await runner.tick()
        assert len(given_up) <= 1
        clock.advance(hours=1)
    assert given_up == [({"refund": "r9"}, "RuntimeError: no")]
