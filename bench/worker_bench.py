"""Worker throughput: due reminders claimed and completed per second, with 1 and 4 workers.

    python -m bench.worker_bench [--jobs 10000] [--workers 1,4]
        [--pg postgresql+asyncpg://postgres@127.0.0.1:5432/postgres]

A scratch PostgreSQL database gets confirmed bookings and one due ``notify`` reminder job per
(booking, side, lead); each worker is a separate process running the product's runner with the
notification handlers, sending to a local Bot API over HTTP (in this process). Printed per
worker count: jobs done, seconds, jobs/s, workers' CPU seconds per 1,000 jobs, and every job ran
exactly once (the Bot API saw each reminder once).
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import make_url
from tests.fakes.bot_api import TOKEN, FakeBotApi

from pnplive.booking.models import Booking
from pnplive.kit.clock import SystemClock
from pnplive.kit.db import Database
from pnplive.kit.jobs import Job
from pnplive.kit.migrate import upgrade
from pnplive.notification.jobs import handlers
from pnplive.notification.planner import NOTIFY_JOB
from pnplive.notification.settings import NotificationSettings
from pnplive.notification.telegram import TelegramNotifier, make_bot
from pnplive.performer import service as performers
from pnplive.performer.schemas import PerformerCreate
from pnplive.user.models import User
from pnplive.worker.runner import Runner, RunnerConfig

LEADS = (60, 15)


async def populate(url: str, jobs: int) -> None:
    now = datetime.now(UTC)
    bookings = jobs // (2 * len(LEADS))
    db = Database(url)
    async with db.transaction() as s:
        p = await performers.create(
            s,
            PerformerCreate.model_validate(
                {"username": "bench", "display_name": "Bench", "price_per_minute": 100}
            ),
            now,
        )
        await s.execute(
            insert(User),
            [
                {
                    "telegram_id": 7_000_000 + i,
                    "first_name": f"M{i}",
                    "language": "es" if i % 2 else "en",
                    "timezone": "America/Bogota",
                    "role": "user",
                    "is_prime": True,
                    "unreachable": False,
                    "created_at": now,
                }
                for i in range(bookings + 1)
            ],
        )
        ids = list((await s.scalars(select(User.id).order_by(User.id))).all())
        p.user_id = ids[-1]
        start0 = (now + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
        rows = []
        for i in range(bookings):
            start = start0 + timedelta(minutes=45 * i)
            rows.append(
                {
                    "public_id": f"{i:016x}",
                    "user_id": ids[i],
                    "performer_id": p.id,
                    "status": "confirmed",
                    "call_type": "video",
                    "start_at": start,
                    "end_at": start + timedelta(minutes=30),
                    "duration_minutes": 30,
                    "occupied_start": start,
                    "occupied_end": start + timedelta(minutes=30),
                    "price_per_minute": 100,
                    "amount": 3000,
                    "currency": "USD",
                    "commission_bps": 3000,
                    "commission_amount": 900,
                    "performer_amount": 2100,
                    "user_timezone": "America/Bogota",
                    "reschedule_count": 0,
                    "instant": False,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        await s.execute(insert(Booking), rows)
        jobs_rows = []
        for i, b in enumerate(rows):
            for recipient, side in ((ids[i], "member"), (ids[-1], "performer")):
                for lead in LEADS:
                    jobs_rows.append(
                        {
                            "kind": NOTIFY_JOB,
                            "key": f"{b['public_id']}:{recipient}:reminder{lead}:0",
                            "due_at": now,
                            "payload": {
                                "notice": "reminder",
                                "recipient": recipient,
                                "booking": b["public_id"],
                                "side": side,
                                "start": b["start_at"].isoformat(),
                                "lead_minutes": lead,
                            },
                            "attempts": 0,
                            "created_at": now,
                        }
                    )
        await s.execute(insert(Job), jobs_rows)
    await db.dispose()


async def child(url: str, api: str) -> None:
    db = Database(url)
    clock = SystemClock()
    notifier = TelegramNotifier(make_bot(TOKEN, api))
    cfg = NotificationSettings()
    runner = Runner(db, clock, handlers(db, clock, notifier, cfg), cfg=RunnerConfig(batch=50))
    while await runner.tick():
        pass
    await notifier.close()
    await db.dispose()


async def run(url: str, workers: int, api: FakeBotApi) -> None:
    db = Database(url)
    async with db.transaction() as s:
        await s.execute(update(Job).values(done_at=None, attempts=0, locked_until=None))
        total = await s.scalar(select(func.count(Job.id)))
    api.calls.clear()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.worker_bench", "--child", url, "--api", api.base_url
        )
        for _ in range(workers)
    ]
    for p in procs:
        await p.wait()
    elapsed = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    async with db.transaction() as s:
        done = await s.scalar(select(func.count(Job.id)).where(Job.done_at.is_not(None)))
    await db.dispose()
    per_message = Counter((c.chat_id, c.text) for c in api.calls)
    once = len(api.calls) == total and set(per_message.values()) == {1}
    print(
        f"workers {workers}: {done}/{total} jobs in {elapsed:.1f} s "
        f"= {done / elapsed:,.0f} jobs/s; "
        f"worker CPU {cpu / max(done or 1, 1) * 1000:.2f} s per 1,000 jobs; "
        f"each reminder sent once: {once}"
    )


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=10_000)
    ap.add_argument("--workers", default="1,4")
    ap.add_argument("--pg", default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
    ap.add_argument("--child", default="")
    ap.add_argument("--api", default="")
    args = ap.parse_args()
    if args.child:
        await child(args.child, args.api)
        return
    import asyncpg

    name = f"pnplive_bench_{uuid.uuid4().hex[:8]}"
    u = make_url(args.pg)
    conn = await asyncpg.connect(
        host=u.host, port=u.port or 5432, user=u.username, database="postgres"
    )
    await conn.execute(f'CREATE DATABASE "{name}"')
    url = u.set(database=name).render_as_string(hide_password=False)
    api = FakeBotApi()
    try:
        await asyncio.to_thread(upgrade, url)
        await populate(url, args.jobs)
        await api.start()
        for w in (int(x) for x in args.workers.split(",")):
            await run(url, w, api)
    finally:
        await api.stop()
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()


if __name__ == "__main__":
    asyncio.run(main())
