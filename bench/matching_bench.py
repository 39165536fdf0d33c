"""Smart matching over 1,000 performers: time and statements of the bulk service, beside the
old per-performer way (two queries each) measured in the same run, on SQLite and PostgreSQL.

    python -m bench.matching_bench [--engines sqlite,postgresql] [--performers 1000]
        [--pg postgresql+asyncpg://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event, select
from sqlalchemy.engine import make_url

from pnplive.availability import editing
from pnplive.availability.matching import Wish
from pnplive.availability.models import BlockedInterval
from pnplive.booking.rules import BookingRules
from pnplive.booking.service import slot_rules
from pnplive.catalog.matching import smart_match
from pnplive.catalog.slots import performer_slots
from pnplive.kit.db import Database
from pnplive.kit.migrate import upgrade
from pnplive.performer import service as performers
from pnplive.performer.models import Performer
from pnplive.performer.queries import BrowseFilters
from pnplive.performer.schemas import PerformerCreate, WeeklyRuleIn

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
RULES = BookingRules()
WISH = Wish(zone=ZoneInfo("Europe/Madrid"), duration=30, window_start=18 * 60, window_end=22 * 60)
ZONES = ("UTC", "Europe/Madrid", "America/Bogota", "Asia/Tokyo")
TARGET_MS = 100.0
FILTERS = BrowseFilters(tags=("chat",))


async def prepare(db: Database, n: int, now: datetime = NOW) -> None:
    """``n`` performers in four zones, half tagged music, a third with a blocked afternoon."""
    async with db.transaction() as s:
        for i in range(n):
            p = await performers.create(
                s,
                PerformerCreate(
                    username=f"bench_{i}_{uuid.uuid4().hex[:6]}",
                    display_name=f"Bench {i}",
                    price_per_minute=100 + i % 300,
                    timezone=ZONES[i % len(ZONES)],
                    buffer_before=5 * (i % 3),
                    buffer_after=5 * (i % 2),
                    tags=["chat"] if i % 2 else ["chat", "music"],
                ),
                now,
            )
            weekly = [WeeklyRuleIn(weekday=d, start="10:00", end="23:00") for d in range(7)]
            await editing.set_weekly(s, p, weekly, now)
            if i % 3 == 0:
                day = now.replace(hour=0, minute=0, second=0, microsecond=0)
                day += timedelta(days=1 + i % 2)
                s.add(
                    BlockedInterval(
                        performer_id=p.id,
                        start_at=day + timedelta(hours=12),
                        end_at=day + timedelta(hours=16),
                    )
                )


async def timed(db: Database, work: Any, runs: int = 5) -> tuple[float, float, int]:
    """(median wall seconds, median CPU seconds of this process, statements of one run)."""
    seen: list[str] = []

    def on_statement(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    times, cpu = [], []
    for _ in range(runs):
        seen.clear()
        event.listen(db.engine.sync_engine, "before_cursor_execute", on_statement)
        try:
            async with db.transaction() as s:
                t0, c0 = time.perf_counter(), time.process_time()
                await work(s)
                times.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
        finally:
            event.remove(db.engine.sync_engine, "before_cursor_execute", on_statement)
    return statistics.median(times), statistics.median(cpu), len(seen)


def matching(first: date, days: int, now: datetime) -> Any:
    """The service's smart match for ``days`` days from ``first`` (ten answers wanted)."""

    async def service_way(s: Any) -> None:
        found = await smart_match(
            s,
            WISH,
            first=first,
            last=first + timedelta(days=days - 1),
            filters=FILTERS,
            now=now,
            rules=RULES,
            limit=10,
        )
        assert len(found) == 10

    return service_way


async def one_day(db: Database, now: datetime) -> tuple[float, float, int]:
    """Smart match for tomorrow (a whole day in the wish's zone) over what ``prepare`` wrote."""
    first = now.astimezone(WISH.zone).date() + timedelta(days=1)
    return await timed(db, matching(first, 1, now))


async def bench(url: str, n: int, label: str) -> None:
    await asyncio.to_thread(upgrade, url)
    db = Database(url)
    try:
        await prepare(db, n)
        first = NOW.astimezone(WISH.zone).date() + timedelta(days=1)  # a whole day
        last = first + timedelta(days=2)

        async def one_by_one(s: Any) -> None:  # what the endpoint did before
            lo = datetime.combine(first, datetime.min.time(), WISH.zone)
            hi = datetime.combine(last + timedelta(days=1), datetime.min.time(), WISH.zone)
            for p in (await s.scalars(select(Performer))).all():
                await performer_slots(s, p, slot_rules(p, WISH.duration, RULES), NOW, lo, hi)

        day_secs, day_cpu, day_stmts = await one_day(db, NOW)
        secs, cpu, stmts = await timed(db, matching(first, 3, NOW))
        old_secs, old_cpu, old_stmts = await timed(db, one_by_one, runs=3)
        print(
            f"{label:<11} {n} performers, smart match for one day: {day_secs * 1000:.1f} ms "
            f"({day_cpu * 1000:.1f} ms CPU; target {TARGET_MS:.0f} ms, "
            f"ratio to the target {day_secs * 1000 / TARGET_MS:.2f}), "
            f"{day_stmts} statements; three days: {secs * 1000:.1f} ms ({cpu * 1000:.1f} ms CPU), "
            f"{stmts} statements; slot by slot per performer (three days, the anchor): "
            f"{old_secs * 1000:.1f} ms ({old_cpu * 1000:.1f} ms CPU), {old_stmts} statements"
        )
    finally:
        await db.dispose()


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--engines", default="sqlite,postgresql")
    ap.add_argument("--performers", type=int, default=1000)
    ap.add_argument("--pg", default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
    args = ap.parse_args()
    for engine in args.engines.split(","):
        if engine == "sqlite":
            path = Path(tempfile.mkdtemp()) / "bench.sqlite3"
            await bench(f"sqlite+aiosqlite:///{path}", args.performers, "sqlite")
        else:
            import asyncpg

            name = f"pnplive_bench_{uuid.uuid4().hex[:8]}"
            u = make_url(args.pg)
            conn = await asyncpg.connect(
                host=u.host, port=u.port or 5432, user=u.username, database="postgres"
            )
            await conn.execute(f'CREATE DATABASE "{name}"')
            try:
                url = u.set(database=name).render_as_string(hide_password=False)
                await bench(url, args.performers, "postgresql")
            finally:
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                await conn.close()


if __name__ == "__main__":
    asyncio.run(main())
