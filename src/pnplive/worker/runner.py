"""The job runner: claims due jobs with a lease, runs their handlers, retries with backoff.

Claiming takes ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several workers never take the same
job; a worker that dies leaves its lease to run out and the job is taken again (at least once;
handlers are idempotent). On SQLite one worker runs, and its IMMEDIATE transactions serialise.
Each tick also lapses unpaid bookings whose time is up (F-BK-3).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.kit.clock import Clock
from pnplive.kit.db import Database
from pnplive.kit.jobs import Job
from pnplive.worker.retry import RetryLater

log = logging.getLogger(__name__)

JobHandler = Callable[[dict[str, Any]], Awaitable[object]]
# What happens when a job of a kind is given up: (payload, the last error) -> outcome.
ExhaustedHandler = Callable[[dict[str, Any], str], Awaitable[object]]
PeriodicTask = Callable[[AsyncSession, datetime], Awaitable[object]]


@dataclass(frozen=True, slots=True)
class RunnerConfig:
    lease: timedelta = timedelta(minutes=5)
    batch: int = 20
    max_attempts: int = 8
    base_backoff: timedelta = timedelta(seconds=30)
    max_backoff: timedelta = timedelta(hours=1)


def backoff(attempts: int, cfg: RunnerConfig) -> timedelta:
    """Exponential: base, 2·base, 4·base ... capped."""
    delay: timedelta = cfg.base_backoff * (2 ** max(0, attempts - 1))
    return min(delay, cfg.max_backoff)


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int


async def claim(
    session: AsyncSession, kinds: list[str], now: datetime, cfg: RunnerConfig
) -> list[Claimed]:
    """Take up to ``cfg.batch`` due jobs of ``kinds`` under a lease."""
    q = (
        select(Job)
        .where(
            Job.kind.in_(kinds),
            Job.done_at.is_(None),
            Job.due_at <= now,
            or_(Job.locked_until.is_(None), Job.locked_until <= now),
        )
        .order_by(Job.due_at, Job.id)
        .limit(cfg.batch)
    )
    if session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update(skip_locked=True)
    jobs = (await session.scalars(q)).all()
    out = []
    for job in jobs:
        job.locked_until = now + cfg.lease
        job.attempts += 1
        out.append(Claimed(job.id, job.kind, dict(job.payload), job.attempts))
    await session.flush()
    return out


async def finish(session: AsyncSession, job_id: int, now: datetime) -> None:
    await session.execute(
        update(Job).where(Job.id == job_id).values(done_at=now, locked_until=None, last_error=None)
    )


async def fail(
    session: AsyncSession, job: Claimed, error: str, now: datetime, cfg: RunnerConfig
) -> bool:
    """Schedule a retry, or stop retrying after ``max_attempts`` (kept, with the error: a
    "dead" job, which admins see and may retry). True when the job was given up."""
    values: dict[str, Any] = {"locked_until": None, "last_error": error[:2000]}
    gave_up = job.attempts >= cfg.max_attempts
    if gave_up:
        values["done_at"] = now
        log.error(
            "job %s (%s) gave up after %s attempts: %s", job.id, job.kind, job.attempts, error
        )
    else:
        values["due_at"] = now + backoff(job.attempts, cfg)
    await session.execute(update(Job).where(Job.id == job.id).values(**values))
    return gave_up


async def postpone(session: AsyncSession, job: Claimed, seconds: float, now: datetime) -> None:
    """Run again after ``seconds``; this attempt does not count."""
    await session.execute(
        update(Job)
        .where(Job.id == job.id)
        .values(
            locked_until=None,
            attempts=max(0, job.attempts - 1),
            due_at=now + timedelta(seconds=max(0.0, seconds)),
        )
    )


class Runner:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        handlers: Mapping[str, JobHandler],
        periodic: list[PeriodicTask] | None = None,
        cfg: RunnerConfig | None = None,
        on_exhausted: Mapping[str, ExhaustedHandler] | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.handlers = dict(handlers)
        self.on_exhausted = dict(on_exhausted or {})
        self.periodic = periodic or []
        self.cfg = cfg or RunnerConfig()

    async def tick(self) -> int:
        """One pass: periodic tasks, then every due job once. Returns how many jobs ran."""
        for task in self.periodic:
            try:
                async with self.db.transaction() as session:
                    await task(session, self.clock.now())
            except Exception:
                log.exception("periodic task %s failed", getattr(task, "__name__", task))
        ran = 0
        while True:
            async with self.db.transaction() as session:
                jobs = await claim(session, list(self.handlers), self.clock.now(), self.cfg)
            if not jobs:
                return ran
            for job in jobs:
                await self._run(job)
                ran += 1

    async def _run(self, job: Claimed) -> None:
        try:
            await self.handlers[job.kind](job.payload)
        except RetryLater as later:
            async with self.db.transaction() as session:
                await postpone(session, job, later.seconds, self.clock.now())
            return
        except Exception as exc:  # a failed job is retried; the error is kept on the row
            log.warning("job %s (%s) failed: %s", job.id, job.kind, exc)
            error = f"{type(exc).__name__}: {exc}"
            async with self.db.transaction() as session:
                gave_up = await fail(session, job, error, self.clock.now(), self.cfg)
            if gave_up and job.kind in self.on_exhausted:
                try:
                    await self.on_exhausted[job.kind](job.payload, error)
                except Exception:  # the row keeps the job's error; this one is logged
                    log.exception("giving up job %s (%s) failed too", job.id, job.kind)
            return
        async with self.db.transaction() as session:
            await finish(session, job.id, self.clock.now())

    async def run_forever(self, interval: float = 2.0, stop: asyncio.Event | None = None) -> None:
        stop = stop or asyncio.Event()
        while not stop.is_set():
            try:
                await self.tick()
            except Exception:
                log.exception("worker tick failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)
