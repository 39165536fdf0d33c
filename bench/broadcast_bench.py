"""Broadcast pacing: the achieved rate against the configured one, through a local Bot API.

    python -m bench.broadcast_bench [--followers 2000] [--rate 25] [--database-url URL]

A performer with N followers goes online; the broadcast is sent by the product's code
(``notification.broadcast.run_broadcast``) to a Bot API served over HTTP on 127.0.0.1. Printed:
messages, seconds, achieved rate, the configured rate and Telegram's 30/s for comparison, the
most messages seen in any one-second window, and the ratio achieved / configured.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert
from tests.fakes.bot_api import TOKEN, FakeBotApi

from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.kit.migrate import upgrade
from pnplive.notification import broadcast
from pnplive.notification.models import Subscription
from pnplive.notification.pacing import Pacer
from pnplive.notification.telegram import TelegramNotifier, make_bot
from pnplive.performer import service as performers
from pnplive.performer.schemas import PerformerCreate
from pnplive.user.models import User

TELEGRAM_LIMIT = 30.0


def busiest_second(times: list[float]) -> int:
    times = sorted(times)
    best, j = 0, 0
    for i, t0 in enumerate(times):
        while times[j] <= t0 - 1.0:
            j += 1
        best = max(best, i - j + 1)
    return best


async def main(followers: int, rate: float, url: str) -> None:
    now = datetime.now(UTC)
    clock = FrozenClock(now)
    db = Database(url)
    async with db.transaction() as s:
        p = await performers.create(
            s,
            PerformerCreate.model_validate(
                {"username": "bench_luna", "display_name": "Luna", "price_per_minute": 100}
            ),
            now,
        )
        await s.execute(
            insert(User),
            [
                {
                    "telegram_id": 5_000_000 + i,
                    "language": "es" if i % 2 else "en",
                    "timezone": "UTC",
                    "role": "user",
                    "is_prime": True,
                    "unreachable": False,
                    "created_at": now,
                }
                for i in range(followers)
            ],
        )
        ids = (await s.scalars(User.__table__.select().with_only_columns(User.id))).all()
        await s.execute(
            insert(Subscription),
            [{"user_id": i, "performer_id": p.id, "created_at": now} for i in ids],
        )
        b = await broadcast.start_online(s, p.id, now)
    api = FakeBotApi()
    await api.start()
    notifier = TelegramNotifier(make_bot(TOKEN, api.base_url))
    started = time.monotonic()
    await broadcast.run_broadcast(db, notifier, Pacer(rate), clock, b.id, budget_seconds=10_000)
    elapsed = time.monotonic() - started
    await notifier.close()
    await api.stop()
    await db.dispose()
    sent = len(api.calls)
    stamps = [c.at for c in api.calls]
    span = (max(stamps) - min(stamps)) if sent > 1 else elapsed
    achieved = (sent - 1) / span if span else float(sent)
    print(f"followers {followers}  sent {sent}  in {elapsed:.1f} s")
    print(f"configured {rate:.1f}/s  Telegram's limit {TELEGRAM_LIMIT:.0f}/s")
    print(f"achieved {achieved:.2f}/s  ratio achieved/configured {achieved / rate:.3f}")
    print(f"busiest one-second window {busiest_second(stamps)} messages")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--followers", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=25.0)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    url = args.database_url
    if not url:
        path = Path(tempfile.mkdtemp()) / "bench.sqlite3"
        url = f"sqlite+aiosqlite:///{path}"
        upgrade(url)
    asyncio.run(main(args.followers, args.rate, url))
