"""Abuse limits (F-SAF-5): a member who keeps hitting the rate limits, or whose messages keep
being blocked, is restricted automatically, told why, and admins are alerted.

Events are rows, so every API process and the bot count together. Rate limiting counts
episodes (at most one a minute: a flood of refused requests is one episode); each blocked
message counts on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.config import Settings
from pnplive.kit.actor import SYSTEM
from pnplive.payment.refunds import alert_admins
from pnplive.safety.models import AbuseEvent, AbuseKind
from pnplive.user import membership
from pnplive.user.models import User

EPISODE = {AbuseKind.RATE_LIMITED: timedelta(minutes=1), AbuseKind.MESSAGE_BLOCKED: None}
REASONS = {
    AbuseKind.RATE_LIMITED: "Automatic restriction: too many requests, again and again.",
    AbuseKind.MESSAGE_BLOCKED: "Automatic restriction: several of your messages were blocked.",
}


@dataclass(frozen=True, slots=True)
class Limits:
    count: int  # events of one kind within ``window`` that restrict
    window: timedelta

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(settings.abuse_limit, timedelta(minutes=settings.abuse_window_minutes))


async def _count(session: AsyncSession, user_id: int, kind: AbuseKind, since: datetime) -> int:
    found = await session.scalar(
        select(func.count())
        .select_from(AbuseEvent)
        .where(AbuseEvent.user_id == user_id, AbuseEvent.kind == kind.value, AbuseEvent.at > since)
    )
    return int(found or 0)


async def record(
    session: AsyncSession, user_id: int, kind: AbuseKind, now: datetime, limits: Limits
) -> bool:
    """Count one event; True when it restricted the member just now."""
    episode = EPISODE[kind]
    if episode is not None and await _count(session, user_id, kind, now - episode):
        return False  # the same episode
    session.add(AbuseEvent(user_id=user_id, kind=kind.value, at=now))
    await session.flush()
    if await _count(session, user_id, kind, now - limits.window) < limits.count:
        return False
    user = await session.get(User, user_id, with_for_update=True)
    if user is None or user.restricted_at is not None or user.is_admin:
        return False
    await membership.restrict(session, user, REASONS[kind], SYSTEM, now)
    await alert_admins(
        session,
        f"auto_restricted:{user_id}:{now.isoformat()}",
        now,
        kind="auto_restricted",
        user=user_id,
        reason=kind.value,
        events=limits.count,
    )
    return True
