"""Enqueue jobs in the caller's transaction; ``UNIQUE(kind, key)`` makes enqueueing idempotent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.worker.models import Job


async def enqueue(
    session: AsyncSession,
    kind: str,
    key: str,
    due_at: datetime,
    now: datetime,
    payload: dict[str, Any] | None = None,
) -> None:
    """Add a job unless one of the same kind and key exists (then nothing happens)."""
    values = {
        "kind": kind,
        "key": key,
        "due_at": due_at,
        "payload": payload or {},
        "attempts": 0,
        "created_at": now,
    }
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    stmt: Any
    if dialect == "postgresql":
        stmt = (
            pg_insert(Job).values(**values).on_conflict_do_nothing(index_elements=["kind", "key"])
        )
    elif dialect == "sqlite":
        stmt = (
            sqlite_insert(Job)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["kind", "key"])
        )
    else:  # pragma: no cover - only two engines are supported
        stmt = insert(Job).values(**values)
    await session.execute(stmt)
