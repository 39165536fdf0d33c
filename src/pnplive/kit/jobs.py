"""Jobs: the transactional outbox the worker drains (reminders, expiry, refunds, notices).

Every domain enqueues in its own transaction; ``UNIQUE(kind, key)`` makes enqueueing idempotent.
What a job does is the worker's business (``worker/``), which sits above the domains."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text, UniqueConstraint, insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from pnplive.kit.orm import Base, UTCDateTime


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (UniqueConstraint("kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(128))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


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
