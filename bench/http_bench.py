"""HTTP benchmark against the real server process (uvicorn, one worker).

Starts ``python -m pnplive.cli api`` on 127.0.0.1 on a free port, against a fresh SQLite file or
PostgreSQL database, seeds performers and members through the services, signs Telegram initData
with a benchmark bot token, and measures with 8 and 50 concurrent clients:

- holds/s (POST /api/bookings, hold + confirm) spread over many performers,
- the same on one hot slot (one member wins it: their repeats replace their own hold, everyone
  else gets 409 slot_taken),
- availability queries/s for one performer over the 14-day horizon,

printing a table, then asserts that no two live bookings of a performer overlap.

    python -m bench.http_bench [--engines sqlite,postgresql] [--requests 1500] [--performers 100]
        [--pg postgresql+asyncpg://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import select
from sqlalchemy.engine import make_url

from pnplive.auth import tokens
from pnplive.auth.initdata import sign
from pnplive.availability import editing
from pnplive.booking.models import Booking
from pnplive.booking.states import OCCUPYING
from pnplive.config import Settings
from pnplive.kit.db import Database
from pnplive.kit.migrate import upgrade
from pnplive.performer import service as performers
from pnplive.performer.schemas import PerformerCreate, WeeklyRuleIn
from pnplive.user import service as users

BOT_TOKEN = "7999999999:BENCH-bot-token-not-for-production"
CONCURRENCY = (8, 50)
USERS_PER_CLIENT = 4
DURATION = 30


@dataclass
class Result:
    engine: str
    scenario: str
    clients: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    codes: dict[int, int] = field(default_factory=dict)

    def row(self) -> str:
        lat = sorted(self.latencies)
        n = len(lat)
        p50 = statistics.median(lat) * 1000 if lat else 0.0
        p99 = lat[min(n - 1, int(n * 0.99))] * 1000 if lat else 0.0
        ok = sum(c for s, c in self.codes.items() if s < 300)
        refused = self.codes.get(409, 0)
        other = n - ok - refused
        return (
            f"{self.engine:<10} {self.scenario:<26} {self.clients:>7} {n:>8} {ok:>6} {refused:>6} "
            f"{other:>5} {n / self.seconds:>8.0f} {ok / self.seconds:>8.0f} {p50:>8.1f} {p99:>8.1f}"
        )


HEADER = (
    f"{'engine':<10} {'scenario':<26} {'clients':>7} {'requests':>8} {'2xx':>6} {'409':>6} "
    f"{'other':>5} {'req/s':>8} {'2xx/s':>8} {'p50 ms':>8} {'p99 ms':>8}"
)


def init_data(telegram_id: int) -> str:
    from urllib.parse import urlencode

    fields = {
        "user": f'{{"id":{telegram_id},"first_name":"Bench {telegram_id}","language_code":"en"}}',
        "auth_date": str(int(time.time())),
        "query_id": f"bench{telegram_id}",
    }
    fields["hash"] = sign(fields, BOT_TOKEN)
    return "tma " + urlencode(fields)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def pg_admin(url: str, sql: str) -> None:
    import asyncpg

    u = make_url(url)
    conn = await asyncpg.connect(
        host=u.host or "127.0.0.1",
        port=u.port or 5432,
        user=u.username or "postgres",
        password=u.password,
        database="postgres",
    )
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def seed(url: str, n_performers: int, n_users: int) -> tuple[list[int], list[int], str]:
    now = datetime.now(UTC)
    db = Database(url)
    try:
        async with db.transaction() as s:
            ids = []
            for i in range(n_performers):
                p = await performers.create(
                    s,
                    PerformerCreate(
                        username=f"bench_{i}",
                        display_name=f"Bench {i}",
                        price_per_minute=200,
                        currency="USD",
                        timezone="UTC",
                    ),
                    now,
                )
                await editing.set_weekly(
                    s,
                    p,
                    [WeeklyRuleIn(weekday=d, start="00:00", end="24:00") for d in range(7)],
                    now,
                )
                ids.append(p.id)
            tg_ids = []
            for j in range(n_users):
                tg = 5_000_000 + j
                u = await users.register(s, tg, now)
                u.is_prime = True
                u.age_verified_at = now
                u.terms_accepted_at = now
                u.terms_version = Settings().terms_version
                tg_ids.append(tg)
            _, admin_token = await tokens.create(s, "bench", "admin", now)
        return ids, tg_ids, admin_token
    finally:
        await db.dispose()


async def overlaps(url: str) -> tuple[int, int]:
    """(live bookings, overlapping pairs) over every performer."""
    db = Database(url)
    try:
        async with db.transaction() as s:
            rows = (
                await s.execute(
                    select(Booking.performer_id, Booking.occupied_start, Booking.occupied_end)
                    .where(Booking.status.in_([x.value for x in OCCUPYING]))
                    .order_by(Booking.performer_id, Booking.occupied_start)
                )
            ).all()
    finally:
        await db.dispose()
    bad = 0
    for a, b in itertools.pairwise(rows):
        if a[0] == b[0] and b[1] < a[2]:
            bad += 1
    return len(rows), bad


def start_server(
    url: str, port: int, workers: int = 1, extra_env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.update(
        {
            "PNPLIVE_DATABASE_URL": url,
            "PNPLIVE_BOT_TOKEN": BOT_TOKEN,
            # A real-looking bot token makes the process production-like: it needs its own secret.
            "PNPLIVE_SECRET_KEY": "bench-secret-key-" + "x" * 32,
            "PNPLIVE_API_RATE_LIMIT_ENABLED": "false",
            "PNPLIVE_REDIS_URL": "",
        }
    )
    env.pop("PNPLIVE_REDIS_URL")
    env.update(extra_env or {})
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pnplive.cli",
            "api",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


async def wait_ready(base: str, proc: subprocess.Popen[bytes]) -> None:
    async with httpx.AsyncClient(base_url=base) as c:
        for _ in range(200):
            if proc.poll() is not None:
                err = proc.stderr.read().decode() if proc.stderr else ""
                raise RuntimeError(f"server exited: {err[-2000:]}")
            try:
                if (await c.get("/healthz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("server did not start")


async def drive(
    engine: str,
    scenario: str,
    clients: int,
    total: int,
    base: str,
    make: Callable[[int, int], Awaitable[httpx.Response]] | None = None,
    request: Callable[[httpx.AsyncClient, int, int], Awaitable[httpx.Response]] | None = None,
) -> Result:
    assert request is not None
    result = Result(engine, scenario, clients, 0.0)
    per_client = total // clients
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as http:

        async def worker(w: int) -> None:
            for i in range(per_client):
                t0 = time.perf_counter()
                r = await request(http, w, i)
                result.latencies.append(time.perf_counter() - t0)
                result.codes[r.status_code] = result.codes.get(r.status_code, 0) + 1

        t0 = time.perf_counter()
        await asyncio.gather(*(worker(w) for w in range(clients)))
        result.seconds = time.perf_counter() - t0
    return result


async def run_engine(engine: str, url: str, args: argparse.Namespace) -> list[Result]:
    await asyncio.to_thread(upgrade, url)
    n_users = max(args.clients) * USERS_PER_CLIENT
    performer_ids, tg_ids, admin_token = await seed(url, args.performers, n_users)
    auth = {tg: init_data(tg) for tg in tg_ids}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(url, port, args.workers)
    results: list[Result] = []
    try:
        await wait_ready(base, proc)
        day0 = (datetime.now(UTC) + timedelta(days=1)).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        # Distinct, non-overlapping (performer, start) pairs: 30-minute calls 30 minutes apart.
        pairs = [
            (p, day0 + timedelta(minutes=30 * k)) for p in performer_ids for k in range(12 * 48)
        ]
        random.Random(7).shuffle(pairs)
        cursor = iter(pairs)

        for clients in args.clients:
            # Warm the server's first-sight cache for these members, outside the measurement.
            async with httpx.AsyncClient(base_url=base) as c:
                await asyncio.gather(
                    *(
                        c.get("/api/bookings/my", headers={"Authorization": a})
                        for a in auth.values()
                    )
                )

            def member(w: int, i: int) -> str:
                return auth[tg_ids[(w * USERS_PER_CLIENT + i % USERS_PER_CLIENT) % len(tg_ids)]]

            async def many(http: httpx.AsyncClient, w: int, i: int) -> httpx.Response:
                p, start = next(cursor)
                return await http.post(
                    "/api/bookings",
                    json={
                        "performer_id": p,
                        "start": start.isoformat(),
                        "duration": DURATION,
                        "accept_rules": True,
                    },
                    headers={"Authorization": member(w, i), "Idempotency-Key": uuid.uuid4().hex},
                )

            results.append(
                await drive(
                    engine, "holds, many performers", clients, args.requests, base, request=many
                )
            )
            hot_start = day0 + timedelta(days=12, minutes=30 * clients)
            # Whoever wins keeps the slot; the winner choosing it again replaces their own hold.
            hot_winners: set[str] = set()
            hot_performer = performer_ids[0]

            async def hot(
                http: httpx.AsyncClient,
                w: int,
                i: int,
                hot_performer: int = hot_performer,
                hot_start: datetime = hot_start,
                hot_winners: set[str] = hot_winners,
            ) -> httpx.Response:
                who = member(w, i)
                r = await http.post(
                    "/api/bookings",
                    json={
                        "performer_id": hot_performer,
                        "start": hot_start.isoformat(),
                        "duration": DURATION,
                        "accept_rules": True,
                    },
                    headers={"Authorization": who, "Idempotency-Key": uuid.uuid4().hex},
                )
                if r.status_code == 201:
                    hot_winners.add(who)
                return r

            results.append(
                await drive(
                    engine, "holds, one hot slot", clients, args.requests, base, request=hot
                )
            )

            async def avail(http: httpx.AsyncClient, w: int, i: int) -> httpx.Response:
                return await http.get(
                    f"/api/models/{performer_ids[1]}/availability?duration={DURATION}",
                    headers={"Authorization": f"Bearer {admin_token}"},
                )

            results.append(
                await drive(
                    engine, "availability 14 days", clients, args.requests // 3, base, request=avail
                )
            )
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    live, bad = await overlaps(url)
    print(f"{engine}: {live} live bookings, {bad} overlapping pairs", flush=True)
    assert bad == 0, f"{bad} overlapping live bookings on {engine}"
    for r in results:
        unexpected = {c: n for c, n in r.codes.items() if c not in (200, 201, 409)}
        assert not unexpected, (r.scenario, r.clients, unexpected)
    return results


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--engines", default="sqlite,postgresql")
    ap.add_argument("--requests", type=int, default=1500)
    ap.add_argument(
        "--clients",
        type=lambda v: [int(x) for x in v.split(",")],
        default=list(CONCURRENCY),
        help="concurrent clients per run, comma-separated (default 8,50)",
    )
    ap.add_argument("--performers", type=int, default=100)
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    ap.add_argument("--pg", default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
    args = ap.parse_args()
    all_results: list[Result] = []
    for engine in args.engines.split(","):
        if engine == "sqlite":
            path = Path(tempfile.mkdtemp(prefix="pnplive-bench-")) / "bench.sqlite3"
            all_results += await run_engine(engine, f"sqlite+aiosqlite:///{path}", args)
        elif engine == "postgresql":
            name = f"pnplive_bench_{uuid.uuid4().hex[:8]}"
            await pg_admin(args.pg, f'CREATE DATABASE "{name}"')
            url = make_url(args.pg).set(database=name).render_as_string(hide_password=False)
            try:
                all_results += await run_engine(engine, url, args)
            finally:
                await pg_admin(args.pg, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            raise SystemExit(f"unknown engine {engine!r}")
    print()
    print(HEADER)
    for r in all_results:
        print(r.row())


if __name__ == "__main__":
    asyncio.run(main())
