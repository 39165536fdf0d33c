"""Dead jobs for admins: listed with their last error, retried from a clean slate."""

from __future__ import annotations

import httpx
import pytest

from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.kit.jobs import Job
from pnplive.worker.runner import RunnerConfig

pytestmark = pytest.mark.asyncio


async def test_admins_list_and_retry_dead_jobs(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    from pnplive.auth import tokens
    from pnplive.kit.jobs import enqueue
    from pnplive.worker.runner import Runner

    async def broken(payload: dict[str, object]) -> None:
        raise RuntimeError("always")

    async with db.transaction() as s:
        await enqueue(s, "demo", "a", clock.now(), clock.now(), {"n": 1})
        _, plain = await tokens.create(s, "ops", "admin", clock.now())
    runner = Runner(db, clock, {"demo": broken}, cfg=RunnerConfig(max_attempts=1))
    await runner.tick()
    h = {"Authorization": f"Bearer {plain}"}
    listed = await client.get("/api/admin/jobs/dead", headers=h)
    (job,) = listed.json()["items"]
    assert job["kind"] == "demo" and job["last_error"] == "RuntimeError: always"
    again = await client.post(f"/api/admin/jobs/{job['id']}/retry", headers=h)
    assert again.status_code == 200 and again.json()["done_at"] is None
    assert (await client.get("/api/admin/jobs/dead", headers=h)).json()["items"] == []
    twice = await client.post(f"/api/admin/jobs/{job['id']}/retry", headers=h)
    assert twice.status_code == 409
    async with db.transaction() as s:
        row = await s.get(Job, job["id"])
        assert row is not None and row.attempts == 0
