"""The unit of work on SQLite: a failed statement must not keep the write lock."""

from __future__ import annotations

import asyncio
import gc
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.kit.db import Database


@pytest.mark.asyncio
async def test_unique_violations_under_concurrency_never_leave_the_database_locked(
    tmp_path: Path,
) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'lock.sqlite3'}", sqlite_busy_timeout_ms=3000)
    try:
        async with db.engine.begin() as conn:
            await conn.execute(text("CREATE TABLE lock_probe (k INTEGER PRIMARY KEY)"))
        outcomes: list[str] = []
        kept: list[BaseException] = []

        async def writer(k: int) -> None:
            for i in range(30):
                try:
                    async with db.engine.begin() as conn:
                        await conn.execute(
                            text("INSERT INTO lock_probe VALUES (:k)"), {"k": (i * 7 + k) % 50}
                        )
                    outcomes.append("ok")
                except IntegrityError as exc:
                    kept.append(exc)  # callers may hold on to errors; the database must not
                    outcomes.append("duplicate")
                except OperationalError as exc:
                    outcomes.append(f"locked: {exc.orig}")

        # With the collector off, nothing but our own handling can free a failed statement.
        gc.disable()
        try:
            await asyncio.gather(*(writer(k) for k in range(4)))
        finally:
            gc.enable()
        assert [o for o in outcomes if o.startswith("locked")] == []
        assert outcomes.count("ok") == 50
        assert outcomes.count("duplicate") == 70
    finally:
        async with db.engine.begin() as conn:
            await conn.execute(text("DROP TABLE IF EXISTS lock_probe"))
        await db.dispose()


class _Deadlocked(Exception):
    sqlstate = "40P01"


@pytest.mark.asyncio
async def test_a_deadlock_victim_is_run_again_in_a_fresh_transaction(db: Database) -> None:
    from sqlalchemy import exc as sa_exc
    from sqlalchemy import func, select

    from pnplive.auth.models import ApiToken

    calls = 0

    async def work(session: AsyncSession) -> int:
        nonlocal calls
        calls += 1
        session.add(
            ApiToken(
                name=f"t{calls}",
                role="admin",
                token_hash=f"{calls:064d}",
                prefix="p",
                created_at=datetime.now(UTC),
            )
        )
        await session.flush()
        if calls == 1:  # PostgreSQL picked this transaction as the deadlock victim
            raise sa_exc.DBAPIError("UPDATE", None, _Deadlocked())
        return calls

    assert await db.run(work) == 2
    async with db.transaction() as s:  # the first attempt's work was rolled back
        assert await s.scalar(select(func.count(ApiToken.id))) == 1

    async def broken(session: AsyncSession) -> None:
        raise sa_exc.DBAPIError("SELECT", None, ValueError("a bug"))

    with pytest.raises(sa_exc.DBAPIError):
        await db.run(broken)
