"""A user's risk in the moderation queue: how often they were reported, and how often what they
wrote was blocked or held, over the last 90 days. Counted, never guessed."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.moderation.models import Violation
from pnplive.safety.models import Incident

WINDOW = timedelta(days=90)
# Reports by others weigh more than our own classifier's flags.
HIGH_REPORTS, HIGH_VIOLATIONS = 3, 6
RAISED_REPORTS, RAISED_VIOLATIONS = 1, 2


@dataclass(frozen=True, slots=True)
class Risk:
    reports: int
    violations: int

    @property
    def level(self) -> str:
        if self.reports >= HIGH_REPORTS or self.violations >= HIGH_VIOLATIONS:
            return "high"
        if self.reports >= RAISED_REPORTS or self.violations >= RAISED_VIOLATIONS:
            return "raised"
        return "low"


async def risks(session: AsyncSession, user_ids: Collection[int], now: datetime) -> dict[int, Risk]:
    """Every user's risk in two statements, whatever their number."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    since = now - WINDOW
    reports = dict(
        (
            await session.execute(
                select(Incident.reported_user_id, func.count())
                .where(Incident.reported_user_id.in_(ids), Incident.created_at >= since)
                .group_by(Incident.reported_user_id)
            )
        )
        .tuples()
        .all()
    )
    flagged = dict(
        (
            await session.execute(
                select(Violation.author_user_id, func.count(func.distinct(Violation.text_sha256)))
                .where(
                    Violation.author_user_id.in_(ids),
                    Violation.created_at >= since,
                    Violation.final_decision != "allow",
                )
                .group_by(Violation.author_user_id)
            )
        )
        .tuples()
        .all()
    )
    return {u: Risk(int(reports.get(u, 0)), int(flagged.get(u, 0))) for u in ids}


async def risk_of(session: AsyncSession, user_id: int, now: datetime) -> Risk:
    return (await risks(session, [user_id], now))[user_id]
