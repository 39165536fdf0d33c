"""Abuse limits (F-SAF-5): repeated rate limiting or blocked messages restrict a member
automatically, with the reason recorded and admins alerted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.kit.jobs import Job
from pnplive.safety import abuse
from pnplive.safety.abuse import Limits
from pnplive.safety.models import AbuseKind
from pnplive.user.models import User
from tests.factories import make_user

pytestmark = pytest.mark.asyncio
LIMITS = Limits(3, timedelta(hours=1))


async def count(db: Database, clock: FrozenClock, user_id: int, kind: AbuseKind) -> bool:
    async with db.transaction() as s:
        return await abuse.record(s, user_id, kind, clock.now(), LIMITS)


async def standing(db: Database, user_id: int) -> User:
    async with db.transaction() as s:
        user = await s.get(User, user_id)
        assert user is not None
        return user


async def test_episodes_of_rate_limiting_restrict_once_the_limit_is_reached(
    db: Database, clock: FrozenClock
) -> None:
    async with db.transaction() as s:
        member = await make_user(s, clock.now())
    # A flood within one minute is one episode.
    for _ in range(10):
        assert await count(db, clock, member.id, AbuseKind.RATE_LIMITED) is False
    clock.advance(seconds=120)
    assert await count(db, clock, member.id, AbuseKind.RATE_LIMITED) is False
    assert (await standing(db, member.id)).restricted_at is None
    clock.advance(seconds=120)
    assert await count(db, clock, member.id, AbuseKind.RATE_LIMITED) is True
    user = await standing(db, member.id)
    assert user.restricted_at == clock.now()
    assert user.restricted_reason == abuse.REASONS[AbuseKind.RATE_LIMITED]
    async with db.transaction() as s:
        alerts = (await s.scalars(select(Job).where(Job.kind == "admin_alert"))).all()
    assert [(a.payload["kind"], a.payload["user"]) for a in alerts] == [
        ("auto_restricted", member.id)
    ]
    # Already restricted: counted, but not restricted (or alerted) again.
    clock.advance(seconds=120)
    assert await count(db, clock, member.id, AbuseKind.RATE_LIMITED) is False


async def test_blocked_messages_count_each_and_old_ones_fall_out_of_the_window(
    db: Database, clock: FrozenClock
) -> None:
    async with db.transaction() as s:
        member = await make_user(s, clock.now())
        admin = await make_user(s, clock.now(), role="admin")
    assert await count(db, clock, member.id, AbuseKind.MESSAGE_BLOCKED) is False
    assert await count(db, clock, member.id, AbuseKind.MESSAGE_BLOCKED) is False
    clock.advance(seconds=3601)  # those two are outside the window now
    assert await count(db, clock, member.id, AbuseKind.MESSAGE_BLOCKED) is False
    assert await count(db, clock, member.id, AbuseKind.MESSAGE_BLOCKED) is False
    assert await count(db, clock, member.id, AbuseKind.MESSAGE_BLOCKED) is True
    assert (await standing(db, member.id)).restricted_reason == abuse.REASONS[
        AbuseKind.MESSAGE_BLOCKED
    ]
    # Kinds count apart, and admins are never restricted by a machine.
    for _ in range(3):
        assert await count(db, clock, admin.id, AbuseKind.MESSAGE_BLOCKED) is False
    assert (await standing(db, admin.id)).restricted_at is None
