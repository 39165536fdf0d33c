"""Export memory: 100,000 bookings streamed as CSV and as Excel, with the process's peak memory.

    python -m bench.export_bench [--bookings 100000] [--database-url URL]

The bookings are written first (in this process); each export then runs in a fresh process,
which reports its own peak resident memory (``ru_maxrss``), the file's size and its row count
(the .xlsx is opened again with openpyxl in read-only mode to count rows).
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from pnplive.analytics.exports import EXPORTS, csv_chunks, xlsx_file
from pnplive.analytics.service import Scope
from pnplive.booking.models import Booking
from pnplive.kit.db import Database
from pnplive.kit.migrate import upgrade
from pnplive.performer import service as performers
from pnplive.performer.schemas import PerformerCreate
from pnplive.user.models import User

START = datetime(2026, 1, 1, tzinfo=UTC)
SCOPE = Scope(START, START + timedelta(days=400))


async def populate(url: str, n: int) -> None:
    db = Database(url)
    now = datetime.now(UTC)
    async with db.transaction() as s:
        p = await performers.create(
            s,
            PerformerCreate.model_validate(
                {"username": "bench", "display_name": "Bench", "price_per_minute": 100}
            ),
            now,
        )
        s.add(
            User(
                telegram_id=1,
                language="en",
                timezone="UTC",
                role="user",
                is_prime=True,
                unreachable=False,
                created_at=now,
            )
        )
        await s.flush()
        user_id = (await s.scalar(User.__table__.select().with_only_columns(User.id))) or 1
        performer_id = p.id
    for chunk in range(0, n, 5000):
        rows = []
        for i in range(chunk, min(n, chunk + 5000)):
            start = START + timedelta(minutes=5 * i)
            rows.append(
                {
                    "public_id": f"{i:016x}",
                    "user_id": user_id,
                    "performer_id": performer_id,
                    "status": "completed",
                    "call_type": "video",
                    "start_at": start,
                    "end_at": start + timedelta(minutes=5),
                    "duration_minutes": 5,
                    "occupied_start": start,
                    "occupied_end": start + timedelta(minutes=5),
                    "price_per_minute": 100,
                    "amount": 500,
                    "currency": "USD",
                    "commission_bps": 3000,
                    "commission_amount": 150,
                    "performer_amount": 350,
                    "user_timezone": "UTC",
                    "paid_at": start,
                    "reschedule_count": 0,
                    "instant": False,
                    "created_at": start,
                    "updated_at": start,
                }
            )
        async with db.transaction() as s:
            await s.execute(insert(Booking), rows)
    await db.dispose()


async def export_once(url: str, fmt: str) -> None:
    db = Database(url)
    spec = EXPORTS["bookings"]
    started = time.monotonic()
    if fmt == "csv":
        out = Path(tempfile.mkdtemp()) / "bookings.csv"
        size = 0
        with out.open("wb") as fh:
            async for chunk in csv_chunks(db, spec, SCOPE):
                fh.write(chunk)
                size += len(chunk)
        rows = sum(1 for _ in out.open(encoding="utf-8-sig")) - 1
    else:
        out = await xlsx_file(db, spec, SCOPE)
        size = out.stat().st_size
        rows = -1
    elapsed = time.monotonic() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    await db.dispose()
    if fmt == "xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(out, read_only=True)
        rows = sum(1 for _ in wb["bookings"].iter_rows()) - 1
    print(
        f"{fmt:<4} rows {rows:,}  file {size / 1e6:.1f} MB  {elapsed:.1f} s  "
        f"peak memory during the export {peak_mb:.0f} MB"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bookings", type=int, default=100_000)
    ap.add_argument("--database-url", default="")
    ap.add_argument("--child", default="")
    ap.add_argument("--fmt", default="csv")
    args = ap.parse_args()
    if args.child:
        asyncio.run(export_once(args.child, args.fmt))
        return
    url = args.database_url
    if not url:
        url = f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp()) / 'export.sqlite3'}"
    upgrade(url)
    asyncio.run(populate(url, args.bookings))
    for fmt in ("csv", "xlsx"):
        subprocess.run(
            [sys.executable, "-m", "bench.export_bench", "--child", url, "--fmt", fmt], check=True
        )


if __name__ == "__main__":
    main()
