"""Several workers against one database never run the same job (F-WRK-1)."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest

from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.kit.jobs import enqueue
from pnplive.worker.runner import Runner, RunnerConfig

JOBS = 300
WORKERS = 4


@pytest.mark.asyncio
async def test_concurrent_workers_each_job_runs_once(
    db: Database, clock: FrozenClock, database_url: str
) -> None:
    async with db.transaction() as s:
        for i in range(JOBS):
            await enqueue(s, "demo", f"job-{i}", clock.now(), clock.now(), {"i": i})
    ran: Counter[int] = Counter()
    by_worker: Counter[int] = Counter()

    def handler_for(worker: int) -> Any:
        async def handle(payload: dict[str, Any]) -> None:
            ran[payload["i"]] += 1
            by_worker[worker] += 1
            await asyncio.sleep(0)  # let the other workers claim meanwhile

        return handle

    # Each worker has its own engine and connections, as separate processes would.
    engines = [Database(database_url) for _ in range(WORKERS)]
    try:
        runners = [
            Runner(e, clock, {"demo": handler_for(n)}, cfg=RunnerConfig(batch=10))
            for n, e in enumerate(engines)
        ]
        await asyncio.gather(*(r.tick() for r in runners))
    finally:
        for e in engines:
            await e.dispose()
    assert sorted(ran) == list(range(JOBS))
    assert set(ran.values()) == {1}
    if db.dialect == "postgresql":  # SKIP LOCKED lets them share the work
        assert sum(1 for n in by_worker.values() if n > 0) > 1
