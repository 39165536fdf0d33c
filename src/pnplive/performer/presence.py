"""Presence rules the worker keeps (F-PRF-2): idle performers go offline.

Coming online is announced through the jobs outbox (``performer_online``), so the broadcast to
followers starts from the same transaction as the change; the notification side handles it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.kit.jobs import enqueue
from pnplive.performer.models import Performer, Presence

ONLINE_JOB = "performer_online"
# A broadcast at most this often per performer, however often they toggle.
ANNOUNCE_EVERY = timedelta(minutes=30)


async def announce_online(session: AsyncSession, performer: Performer, now: datetime) -> None:
    """Queue the 'is online' broadcast; toggling within ``ANNOUNCE_EVERY`` reuses the same key,
    so followers are not flooded."""
    window = int(now.timestamp() // ANNOUNCE_EVERY.total_seconds())
    await enqueue(
        session,
        ONLINE_JOB,
        f"{performer.id}:{window}",
        due_at=now,
        now=now,
        payload={"performer": performer.id},
    )


async def idle_offline(session: AsyncSession, now: datetime, idle: timedelta) -> list[int]:
    """Online performers with no activity for ``idle`` go offline; returns their ids."""
    result = await session.execute(
        update(Performer)
        .where(
            Performer.presence == Presence.ONLINE.value,
            Performer.last_active_at < now - idle,
        )
        .values(presence=Presence.OFFLINE.value, presence_changed_at=now, updated_at=now)
        .returning(Performer.id)
    )
    return list(result.scalars().all())
