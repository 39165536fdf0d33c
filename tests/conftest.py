"""Test database: SQLite by default; PostgreSQL when PNPLIVE_TEST_DATABASE_URL names one.

The schema is built once per run through the real Alembic migrations; each test gets a fresh
engine and an empty database afterwards. With CI set, an unreachable PostgreSQL is a failure.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.engine import make_url

from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.kit.migrate import upgrade
from pnplive.models import metadata

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)  # a Monday


def _admin_url(url: str) -> str:
    return (
        make_url(url)
        .set(drivername="postgresql+asyncpg", database="postgres")
        .render_as_string(hide_password=False)
    )


async def _pg_exec(url: str, sql: str) -> None:
    import asyncpg

    u = make_url(url)
    conn = await asyncpg.connect(
        host=u.host or "127.0.0.1",
        port=u.port or 5432,
        user=u.username or "postgres",
        password=u.password,
        database="postgres",
        timeout=10,
    )
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = os.environ.get("PNPLIVE_TEST_DATABASE_URL", "")
    if not base or base.startswith("sqlite"):
        path = Path(tmp_path_factory.mktemp("db")) / "test.sqlite3"
        url = f"sqlite+aiosqlite:///{path}"
        upgrade(url)
        yield url
        return
    name = f"pnplive_test_{uuid.uuid4().hex[:10]}"
    try:
        asyncio.run(_pg_exec(base, f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        message = f"PostgreSQL at {make_url(base).host} unreachable: {exc}"
        if os.environ.get("CI"):
            pytest.exit(message, returncode=3)
        pytest.skip(message)
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    yield url
    asyncio.run(_pg_exec(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest_asyncio.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    try:
        yield database
    finally:
        async with database.engine.begin() as conn:
            if database.dialect == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
                await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in reversed(metadata.sorted_tables):
                    await conn.execute(table.delete())
        await database.dispose()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)
