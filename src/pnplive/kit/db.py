"""Engine and unit of work for SQLite and PostgreSQL.

SQLite is put in WAL mode with a busy timeout, and every transaction begins IMMEDIATE: a writer
takes the database lock at BEGIN, so two writers never deadlock upgrading read locks, and the
unique index on slot cells decides conflicts.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite
from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.util import await_only

SQLITE_BUSY_TIMEOUT_MS = 30_000
DEFAULT_POOL_SIZE = 5
DEFAULT_MAX_OVERFLOW = 5
DEFAULT_POOL_TIMEOUT = 5.0
# Connections are replaced after this many seconds instead of being pinged before each checkout
# (a ping is one more round trip per transaction, ~3 of a hold's 5).
DEFAULT_POOL_RECYCLE = 1800
READ_ONLY = "pnplive_read_only"


def _prepare_sqlite(engine: AsyncEngine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Leave transaction control to the "begin" hook below instead of the driver.
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Readers (exports, reports) begin deferred: in WAL mode they read beside the writer
        # instead of queueing for the write lock.
        if conn.get_execution_options().get(READ_ONLY):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    @event.listens_for(engine.sync_engine, "handle_error")
    def _on_error(context: Any) -> None:
        # The aiosqlite adapter never closes the cursor of a failed statement; the exception's
        # traceback keeps it alive until the garbage collector runs, and until then the
        # statement holds SQLite's write lock, so every other writer waits out its busy
        # timeout. Close that cursor now: it is a local of the adapter's frame.
        exc = context.original_exception
        if not isinstance(exc, sqlite3.Error):
            return
        tb = exc.__traceback__
        while tb is not None:
            cursor = tb.tb_frame.f_locals.get("_cursor")
            if isinstance(cursor, aiosqlite.Cursor):
                await_only(cursor.close())
            tb = tb.tb_next


def create_engine(
    url: str, *, sqlite_busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS, **kwargs: Any
) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("pool_size", 8)
        kwargs.setdefault("max_overflow", 24)
        kwargs.setdefault("pool_timeout", 30)
        engine = create_async_engine(url, **kwargs)
        _prepare_sqlite(engine, sqlite_busy_timeout_ms)
        return engine
    # Per process; several API and worker processes share one server's max_connections.
    kwargs.setdefault("pool_size", DEFAULT_POOL_SIZE)
    kwargs.setdefault("max_overflow", DEFAULT_MAX_OVERFLOW)
    kwargs.setdefault("pool_timeout", DEFAULT_POOL_TIMEOUT)
    kwargs.setdefault("pool_recycle", DEFAULT_POOL_RECYCLE)
    return create_async_engine(url, **kwargs)


# SQLSTATEs that mean "the database cannot serve this now; the same request may work shortly":
# deadlock, serialization failure, lock timeout, shutting down, too many connections.
# A unit of work that lost a deadlock or a serialization check is run again, a few times.
RETRY_SQLSTATES = frozenset({"40P01", "40001"})
RETRY_ATTEMPTS = 3
T = TypeVar("T")
SQLITE_TRANSIENT = ("locked", "busy", "unable to open", "disk i/o")
TRANSIENT_SQLSTATES = frozenset({"40P01", "40001", "55P03", "57P01", "57P02", "57P03", "53300"})


def _sqlstate(exc: BaseException) -> str | None:
    for candidate in (exc, getattr(exc, "orig", None), getattr(exc, "__cause__", None)):
        if candidate is None:
            continue
        for attr in ("sqlstate", "pgcode"):
            code = getattr(candidate, attr, None)
            if isinstance(code, str):
                return code
        inner = getattr(candidate, "__cause__", None)
        code = getattr(inner, "sqlstate", None)
        if isinstance(code, str):
            return code
    return None


def is_unavailable(exc: BaseException) -> bool:
    """The database is out of reach or busy (pool exhausted, connection refused or lost,
    deadlock, too many connections): answer "try again shortly", never "our bug"."""
    if isinstance(exc, sa_exc.TimeoutError):  # no pooled connection within pool_timeout
        return True
    if isinstance(exc, sa_exc.DBAPIError):
        if exc.connection_invalidated or isinstance(exc, sa_exc.InterfaceError):
            return True
        state = _sqlstate(exc)
        if state is not None:  # PostgreSQL: transient states and connection exceptions
            return state in TRANSIENT_SQLSTATES or state.startswith("08")
        if isinstance(exc, sa_exc.OperationalError):  # SQLite names its transient states
            text = str(exc.orig).lower()
            return any(word in text for word in SQLITE_TRANSIENT)
    return isinstance(exc, ConnectionError | TimeoutError | OSError) and not isinstance(
        exc, FileNotFoundError | PermissionError
    )


class Database:
    """An engine plus a session factory; ``transaction()`` is the unit of work."""

    @classmethod
    def from_settings(cls, settings: Any) -> Database:
        """The database of ``settings`` (``pnplive.config.Settings``) with its pool sizes."""
        options: dict[str, Any] = {}
        if not str(settings.database_url).startswith("sqlite"):
            options = {
                "pool_size": settings.db_pool_size,
                "max_overflow": settings.db_max_overflow,
                "pool_timeout": settings.db_pool_timeout_seconds,
            }
        return cls(settings.database_url, **options)

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = create_engine(url, **engine_kwargs)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False, autoflush=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session whose work is committed on success and rolled back on any error."""
        async with self.sessions() as session, session.begin():
            yield session

    async def run(
        self, work: Callable[[AsyncSession], Awaitable[T]], *, attempts: int = RETRY_ATTEMPTS
    ) -> T:
        """``work`` in a transaction of its own, run again from the start (a fresh transaction)
        when PostgreSQL ends it as a deadlock victim or a serialization failure."""
        for attempt in range(1, attempts + 1):
            try:
                async with self.transaction() as session:
                    return await work(session)
            except sa_exc.DBAPIError as exc:
                if attempt == attempts or _sqlstate(exc) not in RETRY_SQLSTATES:
                    raise
                await asyncio.sleep(random.uniform(0.01, 0.05) * attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A session for reading only (long exports): never takes SQLite's write lock."""
        bind = self.engine.execution_options(**{READ_ONLY: True})
        async with AsyncSession(bind=bind, expire_on_commit=False) as session, session.begin():
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
