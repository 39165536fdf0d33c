"""A database that is busy or out of reach answers 503 with Retry-After, never 500."""

from __future__ import annotations

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import text

from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database, is_unavailable
from tests.api.support import client_for, make_app, make_settings, tma

pytestmark = pytest.mark.asyncio


def assert_503(r: object) -> None:
    import httpx

    assert isinstance(r, httpx.Response)
    assert r.status_code == 503, r.text
    assert r.headers["retry-after"] == "2"
    err = r.json()["error"]
    assert err["code"] == "service_unavailable" and "request_id" in err["details"]


async def test_an_exhausted_pool_answers_503(database_url: str, clock: FrozenClock) -> None:
    db = Database(database_url, pool_size=1, max_overflow=0, pool_timeout=0.2)
    try:
        async with db.engine.connect() as held:  # the only connection is taken
            await held.execute(text("SELECT 1"))
            app = make_app(db, clock, make_settings(db.url))
            async with client_for(app) as client:
                assert_503(await client.get("/api/me", headers=tma(42, clock.now())))
        async with client_for(make_app(db, clock, make_settings(db.url))) as client:
            ok = await client.get("/api/me", headers=tma(42, clock.now()))
            assert ok.status_code == 200  # and it serves again once a connection is free
    finally:
        await db.dispose()


async def test_an_unreachable_database_answers_503(clock: FrozenClock) -> None:
    url = "postgresql+asyncpg://postgres@127.0.0.1:9/pnplive"  # nothing listens on port 9
    db = Database(url, pool_timeout=0.5)
    try:
        app = make_app(db, clock, make_settings(url))
        async with client_for(app) as client:
            assert_503(await client.get("/api/me", headers=tma(42, clock.now())))
    finally:
        await db.dispose()


class _PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__("boom")
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (sa_exc.TimeoutError("pool"), True),
        (sa_exc.DBAPIError("x", None, _PgError("40P01")), True),  # deadlock
        (sa_exc.DBAPIError("x", None, _PgError("40001")), True),  # serialization failure
        (sa_exc.DBAPIError("x", None, _PgError("53300")), True),  # too many connections
        (sa_exc.IntegrityError("x", None, _PgError("23505")), False),  # our bug, not theirs
        (ConnectionRefusedError(), True),
        (ValueError("bug"), False),
    ],
)
async def test_what_counts_as_unavailable(error: BaseException, transient: bool) -> None:
    assert is_unavailable(error) is transient


async def test_a_bug_in_sql_is_still_a_500_not_a_503() -> None:
    import sqlite3

    bug = sa_exc.OperationalError("SELECT", None, sqlite3.OperationalError("no such table: x"))
    busy = sa_exc.OperationalError("BEGIN", None, sqlite3.OperationalError("database is locked"))
    assert not is_unavailable(bug)
    assert is_unavailable(busy)
