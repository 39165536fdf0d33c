"""Builders for test data, going through the real services."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.availability import editing
from pnplive.booking.models import Booking
from pnplive.kit.actor import SYSTEM, Actor
from pnplive.performer import service as performers
from pnplive.performer.models import Performer
from pnplive.performer.schemas import PerformerCreate, WeeklyRuleIn
from pnplive.user import service as users
from pnplive.user.models import User

_ids = itertools.count(10_000)

ALL_WEEK_9_TO_21 = [(d, "09:00", "21:00") for d in range(7)]


async def make_user(
    session: AsyncSession,
    now: datetime,
    *,
    prime: bool = True,
    verified: bool = True,
    terms: bool = True,
    timezone: str = "UTC",
    role: str = "user",
    telegram_id: int | None = None,
    **extra: Any,
) -> User:
    user = await users.register(session, telegram_id or next(_ids), now, username=None)
    user.is_prime = prime
    user.age_verified_at = now if verified else None
    user.terms_accepted_at = now if terms else None
    user.terms_version = "1" if terms else None
    user.timezone = timezone
    user.role = role
    for k, v in extra.items():
        setattr(user, k, v)
    await session.flush()
    return user


async def make_performer(
    session: AsyncSession,
    now: datetime,
    *,
    weekly: list[tuple[int, str, str]] | None = None,
    **fields: Any,
) -> Performer:
    n = next(_ids)
    data: dict[str, Any] = {
        "username": f"performer_{n}",
        "display_name": f"Performer {n}",
        "price_per_minute": 200,
        "currency": "USD",
        "timezone": "UTC",
    }
    data.update(fields)
    performer = await performers.create(session, PerformerCreate.model_validate(data), now)
    await editing.set_weekly(
        session,
        performer,
        [WeeklyRuleIn(weekday=d, start=a, end=b) for d, a, b in (weekly or ALL_WEEK_9_TO_21)],
        now,
    )
    return performer


def actor_as(party: str, booking: Booking) -> Actor:
    """An actor standing to ``booking`` as ``party`` (user, performer, admin, system)."""
    if party == "user":
        return Actor.member(booking.user_id)
    if party == "performer":
        return Actor.of_performer(booking.performer_id)
    if party == "admin":
        return Actor.admin()
    if party == "system":
        return SYSTEM
    raise ValueError(party)
