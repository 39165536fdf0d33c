"""Idempotency keys for booking writes: the same key and body give the same result, once.

The key is claimed by inserting its row *first*, in the same transaction as the work it guards,
so two concurrent requests with one key cannot both do the work: on PostgreSQL the second insert
waits for the first transaction and then fails on the unique key; on SQLite transactions already
run one at a time. The stored response is replayed for the same body; another body under the same
key is refused (422). A request that fails rolls back with its claim, so it may simply be retried.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Integer, String, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from pnplive.errors import Conflict, InvalidInput
from pnplive.kit.orm import Base, UTCDateTime

KEY_TTL = timedelta(hours=24)
MAX_KEY_LENGTH = 255


class IdempotencyKey(Base):
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(128))  # who and which operation
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    response: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class IdempotencyKeyReused(InvalidInput):
    code = "idempotency_key_reused"


class IdempotencyKeyInFlight(Conflict):
    code = "idempotency_key_in_flight"


@dataclass(frozen=True, slots=True)
class Replay:
    status_code: int
    body: dict[str, Any]


def fingerprint(operation: str, payload: Any) -> str:
    canonical = json.dumps([operation, payload], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _verdict(row: IdempotencyKey, request_hash: str) -> Replay:
    if row.request_hash != request_hash:
        raise IdempotencyKeyReused("this Idempotency-Key was already used with a different request")
    if row.status_code is None or row.response is None:
        raise IdempotencyKeyInFlight("a request with this Idempotency-Key is still running")
    return Replay(row.status_code, row.response)


async def claim(
    session: AsyncSession, scope: str, key: str, request_hash: str, now: datetime
) -> Replay | IdempotencyKey:
    """The stored result to replay, or a fresh claim to complete after the work is done."""
    if not key or len(key) > MAX_KEY_LENGTH:
        raise InvalidInput(
            f"Idempotency-Key must have 1-{MAX_KEY_LENGTH} characters", field="Idempotency-Key"
        )
    q = select(IdempotencyKey).where(IdempotencyKey.scope == scope, IdempotencyKey.key == key)
    row = await session.scalar(q)
    if row is not None and row.expires_at <= now:
        await session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == row.id))
        row = None
    if row is not None:
        return _verdict(row, request_hash)
    fresh = IdempotencyKey(
        scope=scope,
        key=key,
        request_hash=request_hash,
        created_at=now,
        expires_at=now + KEY_TTL,
    )
    if session.get_bind().dialect.name == "sqlite":
        # Write transactions run one at a time (BEGIN IMMEDIATE): nobody can claim the key
        # between the look-up above and this insert.
        session.add(fresh)
        await session.flush()
        return fresh
    try:
        async with session.begin_nested():
            session.add(fresh)
            await session.flush()
    except IntegrityError:
        # A concurrent request with the same key committed first: answer as it did.
        row = await session.scalar(q.execution_options(populate_existing=True))
        if row is None:  # pragma: no cover - it was just there
            raise IdempotencyKeyInFlight(
                "a request with this Idempotency-Key is still running"
            ) from None
        return _verdict(row, request_hash)
    return fresh


async def complete(
    session: AsyncSession, row: IdempotencyKey, status_code: int, body: dict[str, Any]
) -> None:
    row.status_code = status_code
    row.response = body
    await session.flush()


async def purge_expired(session: AsyncSession, now: datetime) -> int:
    result = await session.execute(delete(IdempotencyKey).where(IdempotencyKey.expires_at <= now))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
