"""Transaction-scoped locks that order writers without replacing the database's constraints.

On PostgreSQL two transactions inserting overlapping rows both check the exclusion constraint and
can deadlock; a per-performer advisory lock taken first makes them queue instead. SQLite needs
nothing: its transactions already begin IMMEDIATE and so run one at a time.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

PERFORMER_LOCK_SPACE = 0x504E  # "PN": keeps our advisory keys apart from anyone else's


async def lock_performer(session: AsyncSession, performer_id: int) -> None:
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        await session.execute(
            text("SELECT pg_advisory_xact_lock(:space, :key)"),
            {"space": PERFORMER_LOCK_SPACE, "key": performer_id},
        )
