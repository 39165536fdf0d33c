"""Bot updates through the local Telegram emulator: 50 members browse and book at once.

    python -m bench.bot_bench [--members 50] [--database-url URL]

The whole product runs on 127.0.0.1 (API, emulator, the real bot long-polling it over HTTP).
Each simulated member sends /book_private_call, picks the performer, a duration, the first day,
a time of their own and accepts the rules, all at once with the others. Printed: updates
handled, seconds, updates per second, and the latency of one update (from the member's action
to the bot's answer on screen), p50 and p99.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from tests.e2e.support import buttons, running
from tests.factories import make_performer, make_user

from pnplive.emulator.client import ChatClient
from pnplive.emulator.state import Message, Persona
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.kit.migrate import upgrade

FIRST_ID = 500_000


async def step(
    chat: ChatClient, action: Callable[[], object], expect: Callable[[Message], bool]
) -> float:
    started = time.perf_counter()
    result = action()
    if asyncio.iscoroutine(result):
        await result
    await chat.wait_for(expect, timeout=60)
    return time.perf_counter() - started


async def member(chat: ChatClient, index: int, latencies: list[float]) -> None:
    latencies.append(
        await step(chat, lambda: chat.send("/book_private_call"), lambda m: "Choose a" in m.text)
    )
    for label, expect in (("Luna", "How long"), ("30 min", "Days with")):
        latest = chat.bot_messages[-1]
        text = next(b for b in buttons(latest) if b.startswith(label))
        latencies.append(
            await step(
                chat, lambda t=text, m=latest: chat.press(t, m), lambda m, e=expect: e in m.text
            )
        )
    days = chat.bot_messages[-1]
    latencies.append(
        await step(
            chat, lambda: chat.press(buttons(days)[0], days), lambda m: "start time" in m.text
        )
    )
    times = chat.bot_messages[-1]
    offered = [b for b in buttons(times) if ":" in b]
    pick = offered[index % len(offered)]
    latencies.append(
        await step(
            chat,
            lambda: chat.press(pick, times),
            lambda m: "Call rules" in m.text or "just taken" in m.text,
        )
    )


async def main(members: int, url: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}"
        await asyncio.to_thread(upgrade, url)
        db = Database(url)
        clock = FrozenClock(datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0))
        personas = []
        async with db.transaction() as s:
            await make_performer(s, clock.now(), username="luna", display_name="Luna")
            for i in range(members):
                tid = FIRST_ID + i
                await make_user(s, clock.now(), telegram_id=tid, first_name=f"M{i}")
                personas.append(Persona(tid, f"M{i}", language_code="en"))
        async with running(db, clock, personas) as stack:
            latencies: list[float] = []
            started = time.perf_counter()
            await asyncio.gather(
                *(member(stack.person(p.telegram_id), i, latencies) for i, p in enumerate(personas))
            )
            elapsed = time.perf_counter() - started
        await db.dispose()
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(f"engine             {url.split(':')[0]}")
    print(f"members            {members}")
    print(f"updates handled    {len(latencies)}")
    print(f"seconds            {elapsed:.2f}")
    print(f"updates per second {len(latencies) / elapsed:.1f}")
    print(f"latency p50        {statistics.median(latencies) * 1000:.0f} ms")
    print(f"latency p99        {p99 * 1000:.0f} ms")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--members", type=int, default=50)
    ap.add_argument("--database-url", default=None)
    args = ap.parse_args()
    asyncio.run(main(args.members, args.database_url))
