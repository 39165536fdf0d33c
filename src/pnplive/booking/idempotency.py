"""Idempotency keys for booking writes: the same key and body give the same result, once.

The key is claimed by inserting its row *first*, in the same transaction as the work it guards,
so two concurrent requests with one key cannot both do the work: on PostgreSQL the second insert
waits for the first transaction and then finds its row (``ON CONFLICT DO NOTHING``); on SQLite
transactions already run one at a time. The stored response is replayed for the same body;
another body under the same key is refused (422). A request that fails rolls back with its
claim, so it may simply be retried.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Integer, String, UniqueConstraint, delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
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


def _verdict(
    stored_hash: str,
    status_code: int | None,
    response: dict[str, Any] | None,
    request_hash: str,
) -> Replay:
    if stored_hash != request_hash:
        raise IdempotencyKeyReused("this Idempotency-Key was already used with a different request")
    if status_code is None or response is None:
        raise IdempotencyKeyInFlight("a request with this Idempotency-Key is still running")
    return Replay(status_code, response)


@dataclass(frozen=True, slots=True)
class Claim:
    """A key this request now holds: complete it with the answer once the work is done."""

    id: int


def _insert(session: AsyncSession) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql_insert if dialect == "postgresql" else sqlite_insert)(IdempotencyKey)


async def claim(
    session: AsyncSession, scope: str, key: str, request_hash: str, now: datetime
) -> Replay | Claim:
    """The stored result to replay, or a fresh claim to complete after the work is done.

    One ``INSERT … ON CONFLICT DO NOTHING RETURNING`` in the usual case (a new key). On
    PostgreSQL a concurrent insert of the same key waits for the first transaction, then finds
    its row; on SQLite write transactions already run one at a time."""
    if not key or len(key) > MAX_KEY_LENGTH:
        raise InvalidInput(
            f"Idempotency-Key must have 1-{MAX_KEY_LENGTH} characters", field="Idempotency-Key"
        )
    insert = (
        _insert(session)
        .values(
            scope=scope,
            key=key,
            request_hash=request_hash,
            created_at=now,
            expires_at=now + KEY_TTL,
        )
        .on_conflict_do_nothing(index_elements=["scope", "key"])
        .returning(IdempotencyKey.id)
    )
    for _ in range(2):
        claimed = await session.scalar(insert)
        if claimed is not None:
            return Claim(int(claimed))
        found = await session.execute(
            select(
                IdempotencyKey.id,
                IdempotencyKey.request_hash,
                IdempotencyKey.status_code,
                IdempotencyKey.response,
                IdempotencyKey.expires_at,
            ).where(IdempotencyKey.scope == scope, IdempotencyKey.key == key)
        )
        row = found.one_or_none()
        if row is None:  # removed meanwhile (expired and purged): claim it again
            continue
        if row.expires_at > now:
            return _verdict(row.request_hash, row.status_code, row.response, request_hash)
        # An expired key is a new key: its old row goes, and the claim is tried again.
        await session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == row.id))
    raise IdempotencyKeyInFlight("a request with this Idempotency-Key is still running")


async def complete(
    session: AsyncSession, claimed: Claim, status_code: int, body: dict[str, Any]
) -> None:
    await session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.id == claimed.id)
        .values(status_code=status_code, response=body)
    )


async def purge_expired(session: AsyncSession, now: datetime) -> int:
    result = await session.execute(delete(IdempotencyKey).where(IdempotencyKey.expires_at <= now))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
