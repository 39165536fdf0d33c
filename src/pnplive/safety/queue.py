"""The moderation queue around what admins decide (F-ADM-6): what is held, with each author's
risk; one user's whole record; restricting an author from the item that showed the problem."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.booking.models import Booking
from pnplive.errors import NotFound
from pnplive.kit.actor import Actor
from pnplive.moderation import service as moderation
from pnplive.moderation.categories import Decision
from pnplive.moderation.models import Violation, ViolationOverride
from pnplive.review import service as reviews
from pnplive.safety.models import Incident
from pnplive.safety.risk import Risk, risk_of, risks
from pnplive.user import membership
from pnplive.user.models import User


class UserNotFound(NotFound):
    code = "user_not_found"


@dataclass(frozen=True, slots=True)
class Flagged:
    violation: Violation
    risk: Risk | None  # None when the author is unknown (a deleted account)


@dataclass(frozen=True, slots=True)
class Detail:
    violation: Violation
    risk: Risk | None
    overrides: list[ViolationOverride]


class ViolationNotFound(NotFound):
    code = "violation_not_found"


@dataclass(frozen=True, slots=True)
class Record:
    user: User
    risk: Risk
    violations: list[Violation]
    reported_in: list[tuple[Incident, str]]  # about this user, newest first, with the booking


async def held(session: AsyncSession, now: datetime, limit: int = 100) -> list[Flagged]:
    """What waits for an admin, oldest first, with each author's risk (two more statements)."""
    found = await moderation.held(session, limit)
    by = await risks(session, [v.author_user_id for v in found if v.author_user_id], now)
    return [Flagged(v, by.get(v.author_user_id) if v.author_user_id else None) for v in found]


async def detail(session: AsyncSession, violation_id: int, now: datetime) -> Detail:
    violation = await session.get(Violation, violation_id)
    if violation is None:
        raise ViolationNotFound("no such flagged item", violation=violation_id)
    author = violation.author_user_id
    return Detail(
        violation,
        await risk_of(session, author, now) if author is not None else None,
        await moderation.overrides_of(session, violation_id),
    )


async def record_of(session: AsyncSession, user_id: int, now: datetime) -> Record:
    user = await session.get(User, user_id)
    if user is None:
        raise UserNotFound("no such user", user=user_id)
    reported = await session.execute(
        select(Incident, Booking.public_id)
        .join(Booking, Booking.id == Incident.booking_id)
        .where(Incident.reported_user_id == user_id)
        .order_by(Incident.created_at.desc(), Incident.id.desc())
    )
    return Record(
        user,
        await risk_of(session, user_id, now),
        await moderation.history(session, user_id),
        [(i, b) for i, b in reported.tuples().all()],
    )


async def restrict_author(
    session: AsyncSession, violation_id: int, admin: User, reason: str, now: datetime
) -> tuple[Violation, User]:
    """Reject the item (the override is recorded) and restrict its author with ``reason``:
    booking access closes everywhere at once (F-ACC-3)."""
    violation = await reviews.decide(
        session, violation_id, admin.id, Decision.BLOCK.value, reason, now
    )
    if violation.author_user_id is None:
        raise UserNotFound("the author's account no longer exists", violation=violation_id)
    author = await session.get(User, violation.author_user_id)
    assert author is not None  # the foreign key keeps it, or sets it to None
    await membership.restrict(session, author, reason, Actor.admin(admin.id), now)
    return violation, author
