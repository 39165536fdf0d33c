"""Hold throughput and latency through the service layer, beside the raw-SQL rate of the same
cell insert measured in the same run, with 1, 8 and 50 concurrent writers, on one performer and
on many, on SQLite and PostgreSQL. Asserts zero overlapping live bookings after every run.

    python -m bench.holds_bench [--engines sqlite,postgresql] [--attempts 400]
        [--pg postgresql+asyncpg://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from pnplive.availability import editing
from pnplive.booking import service
from pnplive.booking.errors import SlotTaken
from pnplive.booking.models import Booking
from pnplive.booking.rules import BookingRules
from pnplive.booking.states import OCCUPYING
from pnplive.kit.db import Database
from pnplive.kit.migrate import upgrade
from pnplive.performer import service as performers
from pnplive.performer.models import Performer
from pnplive.performer.schemas import PerformerCreate, WeeklyRuleIn
from pnplive.user import service as users
from pnplive.user.models import User

NOW = datetime(2027, 3, 1, 0, 0, tzinfo=UTC)
RULES = BookingRules(notice_minutes=0, horizon_days=14)
SLOTS_PER_PERFORMER = 13 * 96  # 15-minute starts over 13 days


@dataclass
class Result:
    ok: int
    taken: int
    seconds: float
    latencies: list[float]

    def row(self) -> str:
        lat = sorted(self.latencies)
        p50 = statistics.median(lat) * 1000 if lat else 0.0
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000 if lat else 0.0
        rate = (self.ok + self.taken) / self.seconds
        return f"{rate:>9.0f} {self.ok / self.seconds:>9.0f} {p50:>8.2f} {p99:>8.2f}"


async def prepare(url: str, n_performers: int, n_users: int) -> tuple[list[Performer], list[User]]:
    db = Database(url)
    async with db.transaction() as s:
        ps = []
        for i in range(n_performers):
            p = await performers.create(
                s,
                PerformerCreate(
                    username=f"bench_{i}_{uuid.uuid4().hex[:6]}",
                    display_name=f"Bench {i}",
                    price_per_minute=100,
                    buffer_before=5,
                    buffer_after=10,
                ),
                NOW,
            )
            await editing.set_weekly(
                s, p, [WeeklyRuleIn(weekday=d, start="00:00", end="24:00") for d in range(7)], NOW
            )
            ps.append(p)
        us = []
        for _ in range(n_users):
            u = await users.register(s, random.randrange(10**12), NOW)
            u.is_prime, u.age_verified_at, u.terms_accepted_at = True, NOW, NOW
            us.append(u)
    await db.dispose()
    return ps, us


async def run_service(
    db: Database, ps: list[Performer], us: list[User], writers: int, attempts: int, seed: int
) -> Result:
    rng = random.Random(seed)
    queue = list(range(attempts))
    ok = taken = 0
    lat: list[float] = []

    async def writer() -> None:
        nonlocal ok, taken
        while queue:
            i = queue.pop()
            user, performer = us[i], ps[rng.randrange(len(ps))]
            start = NOW + timedelta(hours=1, minutes=15 * rng.randrange(SLOTS_PER_PERFORMER))
            duration = rng.choice([15, 30, 60, 90])
            t0 = time.perf_counter()
            try:
                async with db.transaction() as s:
                    await service.place_hold(
                        s,
                        user=user,
                        performer=performer,
                        start_at=start,
                        duration=duration,
                        now=NOW,
                        rules=RULES,
                    )
                ok += 1
            except SlotTaken:
                taken += 1
            lat.append(time.perf_counter() - t0)

    t0 = time.perf_counter()
    await asyncio.gather(*(writer() for _ in range(writers)))
    return Result(ok, taken, time.perf_counter() - t0, lat)


async def run_raw(
    db: Database, ps: list[Performer], writers: int, attempts: int, seed: int, booking_id: int
) -> Result:
    """The same cell insert in raw SQL, one transaction per attempt (a 60-minute call + buffers)."""
    rng = random.Random(seed)
    queue = list(range(attempts))
    ok = taken = 0
    lat: list[float] = []
    base = NOW + timedelta(days=20)  # far from the service run's cells
    sqlite = db.dialect == "sqlite"

    async def writer() -> None:
        nonlocal ok, taken
        while queue:
            queue.pop()
            p = ps[rng.randrange(len(ps))].id
            start = base + timedelta(minutes=15 * rng.randrange(SLOTS_PER_PERFORMER))
            cells = [start + timedelta(minutes=5 * k) for k in range(-1, 14)]
            values = ", ".join(f"(:p, :c{k}, :b)" for k in range(len(cells)))
            stmt = text(
                "INSERT INTO slot_cells (performer_id, cell_start, booking_id) "
                f"VALUES {values} ON CONFLICT DO NOTHING"
            )
            params: dict[str, object] = {"p": p, "b": booking_id}
            for k, c in enumerate(cells):
                params[f"c{k}"] = c.replace(tzinfo=None) if sqlite else c
            t0 = time.perf_counter()
            async with db.engine.begin() as conn:
                inserted = (await conn.execute(stmt, params)).rowcount
                if inserted == len(cells):
                    ok += 1
                else:  # the same rule as the service: a partial insert is rolled back
                    await conn.rollback()
                    taken += 1
            lat.append(time.perf_counter() - t0)

    t0 = time.perf_counter()
    await asyncio.gather(*(writer() for _ in range(writers)))
    return Result(ok, taken, time.perf_counter() - t0, lat)


async def assert_no_overlap(db: Database) -> int:
    async with db.transaction() as s:
        rows = (
            await s.execute(
                select(Booking.performer_id, Booking.occupied_start, Booking.occupied_end).where(
                    Booking.status.in_([x.value for x in OCCUPYING])
                )
            )
        ).all()
    by: dict[int, list[tuple[datetime, datetime]]] = {}
    for p, a, b in rows:
        by.setdefault(p, []).append((a, b))
    for items in by.values():
        items.sort()
        for (_, e1), (s2, _) in itertools.pairwise(items):
            assert e1 <= s2, "overlapping live bookings"
    return len(rows)


async def clear(db: Database, keep: int) -> None:
    """Forget the previous run's bookings (``keep`` stays: the raw cells point at it)."""
    async with db.engine.begin() as conn:
        await conn.execute(text("DELETE FROM slot_cells"))
        await conn.execute(text("DELETE FROM booking_events WHERE booking_id != :k"), {"k": keep})
        await conn.execute(text("DELETE FROM bookings WHERE id != :k"), {"k": keep})


async def bench_engine(url: str, attempts: int) -> None:
    many, users_pool = await prepare(url, 50, attempts)
    one = many[:1]
    db = Database(url)
    # A booking row the raw cells can point at.
    async with db.transaction() as s:
        await service.place_hold(
            s,
            user=users_pool[0],
            performer=many[-1],
            start_at=NOW + timedelta(days=13, hours=20),
            duration=15,
            now=NOW,
            rules=RULES,
        )
        anchor = await s.scalar(select(Booking.id))
    assert anchor is not None
    print(f"\n{db.dialect}: {attempts} attempts per run; rates per second, latencies in ms")
    print(
        f"{'performers':<11} {'writers':>7} | {'service':>9} {'held/s':>9} {'p50':>8} {'p99':>8}"
        f" | {'raw SQL':>9} {'ok/s':>9} {'p50':>8} {'p99':>8} | {'ratio':>6}"
    )
    for label, ps in (("one", one), ("many (50)", many)):
        for writers in (1, 8, 50):
            await clear(db, anchor)
            svc = await run_service(db, ps, users_pool[1:], writers, attempts - 1, seed=writers)
            live = await assert_no_overlap(db)
            assert live == svc.ok + 1  # the anchor is live too
            raw = await run_raw(db, ps, writers, attempts, writers, anchor)
            svc_rate = (svc.ok + svc.taken) / svc.seconds
            raw_rate = (raw.ok + raw.taken) / raw.seconds
            print(
                f"{label:<11} {writers:>7} | {svc.row()} | {raw.row()} | "
                f"{svc_rate / raw_rate:>6.2f}"
            )
    await assert_no_overlap(db)
    print("zero overlapping live bookings after every run")
    await db.dispose()


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--engines", default="sqlite,postgresql")
    ap.add_argument("--attempts", type=int, default=400)
    ap.add_argument("--pg", default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
    args = ap.parse_args()
    for engine in args.engines.split(","):
        if engine == "sqlite":
            path = Path(tempfile.mkdtemp()) / "bench.sqlite3"
            await bench_engine_sync(f"sqlite+aiosqlite:///{path}", args.attempts)
        else:
            import asyncpg

            name = f"pnplive_bench_{uuid.uuid4().hex[:8]}"
            u = make_url(args.pg)
            conn = await asyncpg.connect(
                host=u.host, port=u.port or 5432, user=u.username, database="postgres"
            )
            await conn.execute(f'CREATE DATABASE "{name}"')
            try:
                await bench_engine_sync(
                    u.set(database=name).render_as_string(hide_password=False), args.attempts
                )
            finally:
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                await conn.close()


async def bench_engine_sync(url: str, attempts: int) -> None:
    # Alembic runs its own event loop: migrate in a thread, then bench in this loop.
    await asyncio.to_thread(upgrade, url)
    await bench_engine(url, attempts)


if __name__ == "__main__":
    asyncio.run(main())
