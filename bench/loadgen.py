"""Lean HTTP load generator against the real server process, with ``/healthz`` as the anchor.

Starts ``python -m pnplive.cli api`` (uvicorn) on a free port in its own process, against a fresh
SQLite file or a fresh PostgreSQL database, seeds performers and members through the services, then
drives it with raw keep-alive HTTP/1.1 connections over asyncio sockets (no HTTP library on the
client side, so the client is not the limit) and reports, per scenario:

- requests/s, p50/p95/p99 latency,
- server CPU per request (utime+stime of the server's process tree from /proc/<pid>/stat),
- the load generator's own CPU per request,
- the ratio of throughput and of CPU per request to ``/healthz`` measured in the same run.

Scenarios: ``healthz`` (the framework's floor), ``availability`` (one performer, 14 days, 60-minute
calls), ``browse`` (a member's first page of 20 among 1,000 performers, filtered by tag, price and
presence), ``holds`` (POST /api/bookings over many performers, each request a fresh slot),
``racers`` (N clients at once for one slot: exactly one must win), ``webhooks`` (distinct Stripe
``checkout.session.completed`` events, signed with the ``stripe`` package, for pending payments;
then redeliveries and pairs sent at once: each event applied exactly once), beside single-row
INSERT+COMMITs per second in the same database as their anchor. Smart match over the 1,000 for one
day and the pure slot engine are measured in process. The server's resident memory (whole process
tree) is read idle and after the load. On PostgreSQL, servers with ``--pg-workers`` workers then
run healthz, holds and racers again (never several workers on SQLite: one writer).

The run ends with one table per engine: each target's figure, its anchor, the ratio, the target
and whether it is met.

    python -m bench.loadgen [--engines sqlite,postgresql] [--seconds 5] [--clients 8]
        [--hold-clients 50] [--racers 50] [--performers 200] [--browse-performers 1000]
        [--webhooks 600] [--duplicates 50] [--workers 1] [--pg-workers 2,4]
        [--scenarios healthz,availability,browse,holds,racers,webhooks]
        [--pg postgresql+asyncpg://postgres@127.0.0.1:5432/postgres]

Numbers depend on the machine's load: run it on a quiet machine and compare ratios, not absolutes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url

from bench import matching_bench, slots_bench, webhooks
from bench.http_bench import (
    free_port,
    init_data,
    overlaps,
    pg_admin,
    seed,
    start_server,
)
from bench.targets import Target, table
from pnplive.kit.db import Database
from pnplive.kit.migrate import upgrade
from pnplive.performer import service as performers
from pnplive.performer.models import Performer, Presence

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
AVAIL_DURATION = 60
HOLD_DURATION = 30
BROWSE = "/api/models?tags=chat&price_min=150&price_max=350&online=true&limit=20"
# The targets.
BROWSE_CPU_MS = 5.0
WEBHOOK_RATE = 500.0
MEMORY_MB = 200.0

Maker = Callable[[int, int], bytes]
# Servers start from cached bytecode, as installed code does. Where the environment forbids writing
# it (PYTHONDONTWRITEBYTECODE), every start compiled every module: over a minute for four workers
# on two busy cores. The cache is the bench's own, outside the sources and the virtualenv.
BYTECODE_ENV = {
    "PYTHONDONTWRITEBYTECODE": "",
    "PYTHONPYCACHEPREFIX": str(Path(tempfile.gettempdir()) / "pnplive-bench-pycache"),
}
T0 = time.perf_counter()


def note(text: str) -> None:
    """Progress on stderr, with the seconds since the start: where a long run spends its time."""
    print(f"[{time.perf_counter() - T0:6.1f} s] {text}", file=sys.stderr, flush=True)


# --- the server's process tree, from /proc ----------------------------------------------------


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name may hold spaces and parentheses: the fields start after the last ')'.
    return raw[raw.rindex(")") + 2 :].split()


def process_tree(root: int) -> list[int]:
    """``root`` and all its descendants (uvicorn's workers are children of the supervisor)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        st = _stat(int(entry))
        if st is not None:
            parents.setdefault(int(st[1]), []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(parents.get(pid, []))
    return out


def tree_cpu_seconds(root: int) -> float:
    total = 0
    for pid in process_tree(root):
        st = _stat(pid)
        if st is not None:
            total += int(st[11]) + int(st[12])  # utime, stime (fields 14 and 15)
    return total / CLK_TCK


def tree_rss_mb(root: int) -> float:
    total = 0
    for pid in process_tree(root):
        with contextlib.suppress(OSError, IndexError, ValueError):
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    return total * PAGE / 1e6


# --- raw keep-alive HTTP/1.1 ------------------------------------------------------------------


class Conn:
    """One keep-alive connection; one request at a time."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            await self._open()
        assert self.reader is not None and self.writer is not None
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        lower = head.lower()
        i = lower.find(b"\r\ncontent-length:")
        if i >= 0:
            j = lower.index(b"\r\n", i + 2)
            body = await self.reader.readexactly(int(lower[i + 17 : j]))
        elif b"transfer-encoding: chunked" in lower:
            parts = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                parts.append(await self.reader.readexactly(size + 2))
                if size == 0:
                    break
            body = b"".join(p[:-2] for p in parts)
        else:
            body = b""
        if b"\r\nconnection: close" in lower:
            self.writer.close()
            self.writer = self.reader = None
        return status, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def build(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if body or method != "GET":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


HEALTHZ = build("GET", "/healthz", {})


# --- measuring --------------------------------------------------------------------------------


@dataclass
class Run:
    engine: str
    scenario: str
    clients: int
    seconds: float = 0.0
    server_cpu: float = 0.0
    client_cpu: float = 0.0
    latencies: list[float] = field(default_factory=list)
    codes: dict[int, int] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.n / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        lat = sorted(self.latencies)
        return lat[min(len(lat) - 1, int(len(lat) * q))] * 1000 if lat else 0.0

    def cpu_ms(self, which: float) -> float:
        return which / self.n * 1000 if self.n else 0.0


HEADER = (
    f"{'engine':<10} {'scenario':<17} {'cl':>3} {'reqs':>6} {'codes':<18} {'req/s':>7} "
    f"{'p50':>7} {'p95':>7} {'p99':>7} {'srvCPU':>7} {'cliCPU':>7} {'x rate':>7} {'x CPU':>6}"
)


def row(r: Run, anchor: Run | None) -> str:
    codes = ",".join(f"{c}:{n}" for c, n in sorted(r.codes.items()))
    rate_ratio = r.rate / anchor.rate if anchor and anchor.rate else 0.0
    a_cpu = anchor.cpu_ms(anchor.server_cpu) if anchor else 0.0
    cpu_ratio = r.cpu_ms(r.server_cpu) / a_cpu if a_cpu else 0.0
    return (
        f"{r.engine:<10} {r.scenario:<17} {r.clients:>3} {r.n:>6} {codes:<18} {r.rate:>7.0f} "
        f"{r.pct(0.5):>7.1f} {r.pct(0.95):>7.1f} {r.pct(0.99):>7.1f} "
        f"{r.cpu_ms(r.server_cpu):>7.2f} {r.cpu_ms(r.client_cpu):>7.2f} "
        f"{rate_ratio:>7.3f} {cpu_ratio:>6.1f}"
    )


async def timed(
    engine: str,
    scenario: str,
    clients: int,
    seconds: float,
    port: int,
    server_pid: int,
    make: Maker,
    warmup: float = 1.0,
) -> Run:
    """Each client sends ``make(client, i)`` back to back for ``warmup`` + ``seconds``; only the
    last ``seconds`` are measured."""
    run = Run(engine, scenario, clients)
    conns = [Conn("127.0.0.1", port) for _ in range(clients)]
    measuring = False
    stop = False

    async def client(w: int) -> None:
        i = 0
        conn = conns[w]
        while not stop:
            raw = make(w, i)
            i += 1
            t0 = time.perf_counter()
            status, _ = await conn.request(raw)
            if measuring:
                run.latencies.append(time.perf_counter() - t0)
                run.codes[status] = run.codes.get(status, 0) + 1

    tasks = [asyncio.create_task(client(w)) for w in range(clients)]
    await asyncio.sleep(warmup)
    cpu0, cli0, t0 = tree_cpu_seconds(server_pid), time.process_time(), time.perf_counter()
    measuring = True
    await asyncio.sleep(seconds)
    measuring = False
    run.seconds = time.perf_counter() - t0
    run.server_cpu = tree_cpu_seconds(server_pid) - cpu0
    run.client_cpu = time.process_time() - cli0
    stop = True
    await asyncio.gather(*tasks)
    for c in conns:
        c.close()
    return run


async def burst(
    engine: str, scenario: str, port: int, server_pid: int, raws: list[bytes]
) -> tuple[Run, list[tuple[int, bytes]]]:
    """Every request at once, one connection each (connections opened beforehand)."""
    run = Run(engine, scenario, len(raws))
    conns = [Conn("127.0.0.1", port) for _ in raws]
    for c in conns:
        await c._open()
    cpu0, cli0, t0 = tree_cpu_seconds(server_pid), time.process_time(), time.perf_counter()

    async def one(c: Conn, raw: bytes) -> tuple[int, bytes]:
        s0 = time.perf_counter()
        out = await c.request(raw)
        run.latencies.append(time.perf_counter() - s0)
        run.codes[out[0]] = run.codes.get(out[0], 0) + 1
        return out

    answers = await asyncio.gather(*(one(c, r) for c, r in zip(conns, raws, strict=True)))
    run.seconds = time.perf_counter() - t0
    run.server_cpu = tree_cpu_seconds(server_pid) - cpu0
    run.client_cpu = time.process_time() - cli0
    for c in conns:
        c.close()
    return run, list(answers)


async def drain(
    engine: str,
    scenario: str,
    clients: int,
    port: int,
    server_pid: int,
    raws: list[bytes],
    seconds: float = float("inf"),
) -> tuple[Run, list[tuple[int, bytes]]]:
    """``clients`` keep-alive connections share ``raws`` until none is left or ``seconds`` have
    passed (no client takes another after that); every request taken is sent and measured, so
    the answers are those of a prefix of ``raws``, in its order."""
    run = Run(engine, scenario, clients)
    conns = [Conn("127.0.0.1", port) for _ in range(clients)]
    for c in conns:
        await c._open()
    todo = iter(enumerate(raws))
    answers: dict[int, tuple[int, bytes]] = {}

    async def client(conn: Conn) -> None:
        for k, raw in todo:  # shared: each request goes to whichever client is free
            s0 = time.perf_counter()
            status, body = await conn.request(raw)
            run.latencies.append(time.perf_counter() - s0)
            run.codes[status] = run.codes.get(status, 0) + 1
            answers[k] = (status, body)
            if s0 - t0 > seconds:
                break

    cpu0, cli0, t0 = tree_cpu_seconds(server_pid), time.process_time(), time.perf_counter()
    await asyncio.gather(*(client(c) for c in conns))
    run.seconds = time.perf_counter() - t0
    run.server_cpu = tree_cpu_seconds(server_pid) - cpu0
    run.client_cpu = time.process_time() - cli0
    for c in conns:
        c.close()
    return run, [answers[k] for k in sorted(answers)]


async def wait_ready(port: int, proc: subprocess.Popen[bytes], limit: float = 180.0) -> None:
    # Generous: four workers importing on two busy cores took over a minute.
    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise RuntimeError(f"server exited: {err[-2000:]}")
        c = Conn("127.0.0.1", port)
        try:
            status, _ = await c.request(build("GET", "/healthz", {"Connection": "close"}))
            if status == 200:
                return
        except (OSError, EOFError):  # refused, or closed while the workers start
            pass
        finally:
            c.close()
        await asyncio.sleep(0.1)
    raise RuntimeError("server did not start")


@contextlib.asynccontextmanager
async def serving(
    url: str, workers: int, meanwhile: Awaitable[object] | None = None
) -> AsyncIterator[tuple[int, int, float]]:
    """A server on a free port: (port, pid, idle resident MB once it answers). ``meanwhile`` runs
    while the server starts (its imports take seconds of one core)."""
    port = free_port()
    proc = start_server(url, port, workers, {**webhooks.SERVER_ENV, **BYTECODE_ENV})
    try:
        if meanwhile is not None:
            await meanwhile
        await wait_ready(port, proc)
        yield port, proc.pid, tree_rss_mb(proc.pid)
    finally:
        note(f"server with {workers} worker(s) stopping")
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def hold(member: str, performer: int, start: datetime) -> bytes:
    body = json.dumps(
        {
            "performer_id": performer,
            "start": start.isoformat(),
            "duration": HOLD_DURATION,
            "accept_rules": True,
        }
    ).encode()
    headers = {
        "Authorization": member,
        "Idempotency-Key": uuid.uuid4().hex,
        "Content-Type": "application/json",
    }
    return build("POST", "/api/bookings", headers, body)


@dataclass
class Engine:
    """What one engine's scenarios share: the seeded data, the results, the targets."""

    name: str
    url: str
    args: argparse.Namespace
    performer_ids: list[int]
    auth: list[str]
    admin_token: str
    day0: datetime
    pairs: Iterator[tuple[int, datetime]]
    runs: list[tuple[Run, Run]] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    racer_rounds: int = 0

    def timed(
        self, scenario: str, clients: int, port: int, pid: int, make: Maker
    ) -> Awaitable[Run]:
        return timed(self.name, scenario, clients, self.args.seconds, port, pid, make)

    async def healthz(self, port: int, pid: int, label: str = "healthz") -> Run:
        anchor = await self.timed(label, self.args.clients, port, pid, lambda w, i: HEALTHZ)
        self.runs.append((anchor, anchor))
        return anchor

    async def warm_members(self, port: int, pid: int) -> None:
        """The server's first sight of each member, outside any measurement."""
        raws = [build("GET", "/api/bookings/my", {"Authorization": a}) for a in self.auth]
        await burst(self.name, "warm", port, pid, raws)

    async def holds(self, port: int, pid: int, anchor: Run, label: str) -> None:
        auth = self.auth

        def make_hold(w: int, i: int) -> bytes:
            p, start = next(self.pairs)
            return hold(auth[(w * 2 + i % 2) % len(auth)], p, start)

        run = await self.timed(label, self.args.hold_clients, port, pid, make_hold)
        self.runs.append((run, anchor))
        self.targets.append(
            Target(label + " (req/s)", run.rate, "req/s", anchor.rate, "healthz req/s")
        )

    async def racers(self, port: int, pid: int, anchor: Run, label: str) -> None:
        # A fresh slot each round, on the day no other scenario books.
        start = self.day0 + timedelta(days=12, hours=10 + self.racer_rounds)
        self.racer_rounds += 1
        raws = [
            hold(self.auth[k % len(self.auth)], self.performer_ids[0], start)
            for k in range(self.args.racers)
        ]
        run, answers = await burst(self.name, label, port, pid, raws)
        winners = sum(1 for status, _ in answers if status == 201)
        sample = answers[0][1][:300]
        assert winners == 1, f"{winners} winners on {self.name}: {run.codes} {sample!r}"
        self.runs.append((run, anchor))


async def seed_browse(url: str, n: int) -> None:
    """``n`` performers as the smart-match bench makes them (four zones, tags, prices from 100 to
    399 a minute), every fourth one online."""
    now = datetime.now(UTC)
    db = Database(url)
    try:
        await matching_bench.prepare(db, n, now)
        async with db.transaction() as s:
            found = await s.scalars(
                select(Performer).where(Performer.username.like("bench\\_%\\_%", escape="\\"))
            )
            for p in found.all():
                if p.id % 4 == 0:
                    await performers.set_presence(s, p, Presence.ONLINE, now)
    finally:
        await db.dispose()


async def smart_match_target(url: str) -> Target:
    db = Database(url)
    try:
        secs, _cpu, _stmts = await matching_bench.one_day(db, datetime.now(UTC))
    finally:
        await db.dispose()
    pure, _, _ = await asyncio.to_thread(slots_bench.thousand_one_day)
    return Target(
        "smart match, 1,000 performers, one day",
        secs * 1000,
        "ms",
        pure,
        "ms slot engine alone, same size",
        matching_bench.TARGET_MS,
    )


async def webhook_scenario(
    e: Engine, port: int, pid: int, anchor: Run, pending: list[webhooks.Pending]
) -> None:
    """Distinct signed events for pending payments, measured; then duplicates: applied ones sent
    again, and fresh ones sent twice at once. Every event sent must be applied exactly once."""
    args = e.args
    fresh = pending[-args.duplicates :]
    pending = pending[: -args.duplicates]

    def post(body: bytes) -> bytes:
        return build("POST", "/webhooks/stripe", webhooks.signed_headers(body), body)

    bodies = [webhooks.completed(p, k) for k, p in enumerate(pending)]
    raws = [post(b) for b in bodies]
    anchor_rate = await webhooks.raw_insert_rate(
        e.url, args.clients, args.anchor_seconds, bodies[0]
    )
    warm = min(len(raws) // 10, args.clients * 10)
    await drain(e.name, "warm", args.clients, port, pid, raws[:warm])
    run, answers = await drain(
        e.name, "webhooks", args.clients, port, pid, raws[warm:], args.seconds
    )
    fresh_pairs = [post(webhooks.completed(p, len(pending) + k)) for k, p in enumerate(fresh)]
    again, again_answers = await burst(
        e.name, "webhook again", port, pid, raws[: args.duplicates] + fresh_pairs + fresh_pairs
    )
    first_time = [json.loads(b)["duplicate"] is False for _, b in answers if b]
    applied_again = sum(1 for s, b in again_answers if s == 200 and not json.loads(b)["duplicate"])
    e.runs += [(run, anchor), (again, anchor)]
    # The pool is sized for the target rate; a faster server empties it early (still measured).
    delivered = pending[: warm + len(answers)] + fresh
    sent = len(delivered)
    inbox, confirmed, paid, once = await webhooks.applied_once(
        e.url, [p.payment_id for p in delivered]
    )
    print(
        f"{e.name}: {sent} distinct webhooks; first deliveries applied {sum(first_time)} of "
        f"{len(first_time)}; {args.duplicates} redeliveries and {len(fresh)} pairs sent at once "
        f"applied {applied_again} (want {len(fresh)}); inbox {inbox}, confirmed {confirmed}, "
        f"payments paid {paid}, bookings confirmed once {once}",
        flush=True,
    )
    exactly_once = (
        all(first_time)
        and applied_again == len(fresh)
        and inbox == confirmed == paid == once == sent
    )
    pg = e.name == "postgresql"
    e.targets += [
        Target(
            "signed webhooks verified + applied",
            run.rate,
            "ev/s",
            anchor_rate,
            "raw INSERT+COMMIT/s",
            WEBHOOK_RATE if pg else None,  # the target is set on PostgreSQL
            at_least=True,
        ),
        Target("webhooks: p95", run.pct(0.95), "ms", anchor.pct(0.95), "ms healthz p95"),
        Target(
            "webhooks: server CPU per event",
            run.cpu_ms(run.server_cpu),
            "ms",
            anchor.cpu_ms(anchor.server_cpu),
            "ms healthz",
        ),
        Target(
            "webhooks applied exactly once", float(once), f"of {sent}", goal=sent, at_least=True
        ),
    ]
    assert exactly_once, f"webhooks not applied exactly once on {e.name}"


async def run_engine(engine: str, url: str, args: argparse.Namespace) -> Engine:
    await asyncio.to_thread(upgrade, url)
    n_users = max(args.hold_clients, args.racers, args.clients) * 2
    performer_ids, tg_ids, admin_token = await seed(url, args.performers, n_users)
    note(f"{engine}: {args.performers} performers, {n_users} members seeded")
    await seed_browse(url, args.browse_performers)
    note(f"{engine}: {args.browse_performers} performers to browse seeded")
    day0 = (datetime.now(UTC) + timedelta(days=1)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    # Distinct, non-overlapping (performer, start) pairs, 30 minutes apart, days 1-11; day 12 is
    # the racers' (performer 0) and the webhooks' (the others).
    pairs = [
        (p, day0 + timedelta(minutes=30 * k)) for p in performer_ids[2:] for k in range(11 * 48)
    ]
    random.Random(7).shuffle(pairs)
    e = Engine(
        engine,
        url,
        args,
        performer_ids,
        [init_data(tg) for tg in tg_ids],
        admin_token,
        day0,
        iter(pairs),
    )
    scenarios = args.scenarios.split(",")
    e.targets.append(await smart_match_target(url))
    note(f"{engine}: smart match measured")
    pending: list[webhooks.Pending] = []

    async def seed_pending() -> None:
        if "webhooks" in scenarios:
            pending.extend(
                await webhooks.seed_pending(
                    url,
                    performer_ids[2:],
                    day0 + timedelta(days=12),
                    args.webhooks + args.duplicates,
                )
            )
            note(f"{engine}: {len(pending)} pending payments seeded")

    # Several workers share one database: PostgreSQL only (SQLite has one writer).
    workers = args.workers if engine == "postgresql" else 1
    several = f"{workers} worker" + ("s" if workers > 1 else "")
    async with serving(url, workers, seed_pending()) as (port, pid, idle_mb):
        note(f"{engine}: server up")
        anchor = await e.healthz(port, pid)
        bearer = {"Authorization": f"Bearer {admin_token}"}
        if "availability" in scenarios:
            path = f"/api/models/{performer_ids[1]}/availability?duration={AVAIL_DURATION}"
            raw = build("GET", path, bearer)
            run = await e.timed("availability", args.clients, port, pid, lambda w, i: raw)
            e.runs.append((run, anchor))
        await e.warm_members(port, pid)
        if "browse" in scenarios:
            # A member's first page of 20 among the 1,000, with tags, price and online filters.
            raw = build("GET", BROWSE, {"Authorization": e.auth[0]})
            run = await e.timed("browse", args.clients, port, pid, lambda w, i: raw)
            e.runs.append((run, anchor))
            e.targets += [
                Target(
                    "browse 1,000, filtered page: server CPU",
                    run.cpu_ms(run.server_cpu),
                    "ms/req",
                    anchor.cpu_ms(anchor.server_cpu),
                    "ms/req healthz",
                    BROWSE_CPU_MS,
                ),
                Target("browse: throughput", run.rate, "req/s", anchor.rate, "healthz req/s"),
                Target("browse: p95", run.pct(0.95), "ms", anchor.pct(0.95), "ms healthz p95"),
            ]
        if "holds" in scenarios:
            await e.holds(port, pid, anchor, f"holds, {several}")
        if "racers" in scenarios:
            await e.racers(port, pid, anchor, "racers")
        if "webhooks" in scenarios:
            await webhook_scenario(e, port, pid, anchor, pending)
        mb = tree_rss_mb(pid)
        print(f"{engine}: server resident memory {mb:.0f} MB (idle {idle_mb:.0f} MB)", flush=True)
        e.targets.append(
            Target(
                f"server memory under load, {several}",
                mb,
                "MB",
                idle_mb,
                "MB idle",
                MEMORY_MB,
            )
        )
    extra = [int(w) for w in args.pg_workers.split(",") if w] if engine == "postgresql" else []
    for workers in extra:
        async with serving(url, workers) as (port, pid, idle_mb):
            anchor = await e.healthz(port, pid, f"healthz w{workers}")
            await e.warm_members(port, pid)
            if "holds" in scenarios:
                await e.holds(port, pid, anchor, f"holds, {workers} workers")
            if "racers" in scenarios:
                await e.racers(port, pid, anchor, f"racers w{workers}")
            mb = tree_rss_mb(pid)
            e.targets.append(
                Target(f"server memory, {workers} workers", mb, "MB", idle_mb, "MB idle")
            )
    note(f"{engine}: done")
    _live, bad = await overlaps(url)
    assert bad == 0, f"{bad} overlapping live bookings on {engine}"
    for run, _ in e.runs:
        unexpected = {c: n for c, n in run.codes.items() if c not in (200, 201, 409)}
        assert not unexpected, (engine, run.scenario, unexpected)
    return e


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--engines", default="sqlite,postgresql")
    ap.add_argument("--seconds", type=float, default=5.0, help="measured seconds per scenario")
    ap.add_argument("--clients", type=int, default=8, help="clients for healthz, browse, webhooks")
    ap.add_argument("--hold-clients", type=int, default=50)
    ap.add_argument("--racers", type=int, default=50)
    ap.add_argument("--performers", type=int, default=200, help="for holds and webhooks")
    ap.add_argument("--browse-performers", type=int, default=1000, help="for browse, smart match")
    ap.add_argument(
        "--webhooks",
        type=int,
        default=600,
        help="pending payments to pay (seeding one costs tens of ms): 500/s empties them in 1 s",
    )
    ap.add_argument("--duplicates", type=int, default=50, help="redeliveries, and pairs at once")
    ap.add_argument("--anchor-seconds", type=float, default=2.0, help="raw INSERT anchor")
    ap.add_argument("--workers", type=int, default=1, help="the PostgreSQL server's workers")
    ap.add_argument(
        "--pg-workers", default="2,4", help="further PostgreSQL servers (holds, racers)"
    )
    ap.add_argument("--scenarios", default="healthz,availability,browse,holds,racers,webhooks")
    ap.add_argument("--pg", default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
    args = ap.parse_args()
    pure, json_ms = await asyncio.to_thread(slots_bench.target_figures)
    slot_target = Target(
        "slot engine, 1 performer, 14 days",
        pure,
        "ms",
        json_ms,
        "ms json.dumps of its slots",
        slots_bench.TARGET_MS,
    )
    engines: list[Engine] = []
    for engine in args.engines.split(","):
        if engine == "sqlite":
            path = Path(tempfile.mkdtemp(prefix="pnplive-loadgen-")) / "bench.sqlite3"
            engines.append(await run_engine(engine, f"sqlite+aiosqlite:///{path}", args))
        elif engine == "postgresql":
            name = f"pnplive_loadgen_{uuid.uuid4().hex[:8]}"
            await pg_admin(args.pg, f'CREATE DATABASE "{name}"')
            url = make_url(args.pg).set(database=name).render_as_string(hide_password=False)
            try:
                engines.append(await run_engine(engine, url, args))
            finally:
                await pg_admin(args.pg, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            raise SystemExit(f"unknown engine {engine!r}")
    load = os.getloadavg()[0]
    print(f"\nload {load:.1f} (1 min) on {os.cpu_count()} cores")
    print("latency in ms; srvCPU/cliCPU: ms of CPU per request (server tree / load generator);")
    print("x rate, x CPU: throughput and server CPU per request against /healthz, same run")
    print(HEADER)
    for e in engines:
        for run, anchor in e.runs:
            print(row(run, anchor))
    for e in engines:
        print(table(f"targets, {e.name}", [slot_target, *e.targets]))


if __name__ == "__main__":
    asyncio.run(main())
