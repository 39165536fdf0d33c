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
calls), ``holds`` (POST /api/bookings over many performers, each request a fresh slot), ``racers``
(N clients at once for one slot: exactly one must win). The server's resident memory (whole process
tree) is printed at the end of each engine.

    python -m bench.loadgen [--engines sqlite,postgresql] [--seconds 5] [--clients 8]
        [--hold-clients 50] [--racers 50] [--performers 200] [--workers 1]
        [--scenarios healthz,availability,holds,racers]
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
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

from bench.http_bench import (
    free_port,
    init_data,
    overlaps,
    pg_admin,
    seed,
    start_server,
)
from pnplive.kit.migrate import upgrade

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
AVAIL_DURATION = 60
HOLD_DURATION = 30


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
    f"{'engine':<10} {'scenario':<13} {'cl':>3} {'reqs':>6} {'codes':<18} {'req/s':>7} "
    f"{'p50':>7} {'p95':>7} {'p99':>7} {'srvCPU':>7} {'cliCPU':>7} {'x rate':>7} {'x CPU':>6}"
)


def row(r: Run, anchor: Run | None) -> str:
    codes = ",".join(f"{c}:{n}" for c, n in sorted(r.codes.items()))
    rate_ratio = r.rate / anchor.rate if anchor and anchor.rate else 0.0
    a_cpu = anchor.cpu_ms(anchor.server_cpu) if anchor else 0.0
    cpu_ratio = r.cpu_ms(r.server_cpu) / a_cpu if a_cpu else 0.0
    return (
        f"{r.engine:<10} {r.scenario:<13} {r.clients:>3} {r.n:>6} {codes:<18} {r.rate:>7.0f} "
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
    make: Callable[[int, int], bytes],
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


async def wait_ready(port: int, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
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


async def run_engine(engine: str, url: str, args: argparse.Namespace) -> list[tuple[Run, Run]]:
    await asyncio.to_thread(upgrade, url)
    n_users = max(args.hold_clients, args.racers, args.clients) * 2
    performer_ids, tg_ids, admin_token = await seed(url, args.performers, n_users)
    auth = [init_data(tg) for tg in tg_ids]
    port = free_port()
    proc = start_server(url, port, args.workers)
    out: list[tuple[Run, Run]] = []
    scenarios = args.scenarios.split(",")
    try:
        await wait_ready(port, proc)
        pid = proc.pid
        anchor = await timed(
            engine,
            "healthz",
            args.clients,
            args.seconds,
            port,
            pid,
            lambda w, i: build("GET", "/healthz", {}),
        )
        out.append((anchor, anchor))
        bearer = {"Authorization": f"Bearer {admin_token}"}
        if "availability" in scenarios:
            path = f"/api/models/{performer_ids[1]}/availability?duration={AVAIL_DURATION}"
            raw = build("GET", path, bearer)
            run = await timed(
                engine, "availability", args.clients, args.seconds, port, pid, lambda w, i: raw
            )
            out.append((run, anchor))
        day0 = (datetime.now(UTC) + timedelta(days=1)).replace(
            hour=0, minute=0, second=0, microsecond=0
        )

        def hold(member: str, performer: int, start: datetime) -> bytes:
            body = json.dumps(
                {
                    "performer_id": performer,
                    "start": start.isoformat(),
                    "duration": HOLD_DURATION,
                    "accept_rules": True,
                }
            ).encode()
            return build(
                "POST",
                "/api/bookings",
                {
                    "Authorization": member,
                    "Idempotency-Key": uuid.uuid4().hex,
                    "Content-Type": "application/json",
                },
                body,
            )

        # Warm the server's first sight of each member outside the measurement.
        await burst(
            engine,
            "warm",
            port,
            pid,
            [build("GET", "/api/bookings/my", {"Authorization": a}) for a in auth],
        )
        if "holds" in scenarios:
            # Distinct, non-overlapping (performer, start) pairs, 30 minutes apart, days 1-11.
            pairs = [
                (p, day0 + timedelta(minutes=30 * k))
                for p in performer_ids[2:]
                for k in range(11 * 48)
            ]
            random.Random(7).shuffle(pairs)
            cursor = iter(pairs)
            clients = args.hold_clients

            def make_hold(w: int, i: int) -> bytes:
                p, start = next(cursor)
                return hold(auth[(w * 2 + i % 2) % len(auth)], p, start)

            run = await timed(engine, "holds", clients, args.seconds, port, pid, make_hold)
            out.append((run, anchor))
        if "racers" in scenarios:
            start = day0 + timedelta(days=12, hours=10)
            raws = [hold(auth[k % len(auth)], performer_ids[0], start) for k in range(args.racers)]
            run, answers = await burst(engine, "racers", port, pid, raws)
            winners = sum(1 for status, _ in answers if status == 201)
            sample = answers[0][1][:300]
            assert winners == 1, f"{winners} winners on {engine}: {run.codes} {sample!r}"
            out.append((run, anchor))
        print(f"{engine}: server resident memory {tree_rss_mb(pid):.0f} MB", flush=True)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    _live, bad = await overlaps(url)
    assert bad == 0, f"{bad} overlapping live bookings on {engine}"
    for run, _ in out:
        unexpected = {c: n for c, n in run.codes.items() if c not in (200, 201, 409)}
        assert not unexpected, (engine, run.scenario, unexpected)
    return out


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--engines", default="sqlite,postgresql")
    ap.add_argument("--seconds", type=float, default=5.0, help="measured seconds per scenario")
    ap.add_argument("--clients", type=int, default=8, help="clients for healthz and availability")
    ap.add_argument("--hold-clients", type=int, default=50)
    ap.add_argument("--racers", type=int, default=50)
    ap.add_argument("--performers", type=int, default=200)
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    ap.add_argument("--scenarios", default="healthz,availability,holds,racers")
    ap.add_argument("--pg", default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
    args = ap.parse_args()
    results: list[tuple[Run, Run]] = []
    for engine in args.engines.split(","):
        if engine == "sqlite":
            path = Path(tempfile.mkdtemp(prefix="pnplive-loadgen-")) / "bench.sqlite3"
            results += await run_engine(engine, f"sqlite+aiosqlite:///{path}", args)
        elif engine == "postgresql":
            name = f"pnplive_loadgen_{uuid.uuid4().hex[:8]}"
            await pg_admin(args.pg, f'CREATE DATABASE "{name}"')
            url = make_url(args.pg).set(database=name).render_as_string(hide_password=False)
            try:
                results += await run_engine(engine, url, args)
            finally:
                await pg_admin(args.pg, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            raise SystemExit(f"unknown engine {engine!r}")
    load = os.getloadavg()[0]
    print(f"\nload {load:.1f} (1 min) on {os.cpu_count()} cores; server workers: {args.workers}")
    print("latency in ms; srvCPU/cliCPU: ms of CPU per request (server tree / load generator);")
    print("x rate, x CPU: throughput and server CPU per request against /healthz, same run")
    print(HEADER)
    for run, anchor in results:
        print(row(run, anchor))


if __name__ == "__main__":
    asyncio.run(main())
