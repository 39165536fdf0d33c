"""Bookings a schedule no longer covers (F-AV-9): the admin's list over every performer gives
what each performer's own list gives, in a fixed number of statements."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pnplive.availability import editing
from pnplive.booking import coverage
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.performer.models import Performer
from pnplive.performer.schemas import WeeklyRuleIn
from tests.booking.test_holds import at, hold
from tests.catalog.test_matching import counted
from tests.factories import make_performer, make_user

pytestmark = pytest.mark.asyncio


async def performers_with_bookings(db: Database, clock: FrozenClock, n: int) -> None:
    """``n`` performers with two holds each (10:00 and 18:00 tomorrow); every other one then
    works only 09:00-12:00, leaving the 18:00 hold uncovered; some have no booking at all."""
    async with db.transaction() as s:
        made = [await make_performer(s, clock.now()) for _ in range(n)]
        idle = [await make_performer(s, clock.now()) for _ in range(2)]
        # A member holds one unpaid booking at a time: one member per hold.
        members = [await make_user(s, clock.now()) for _ in range(2 * n)]
    for i, p in enumerate(made):
        await hold(db, clock, members[2 * i], p, at(clock, hour=10), 30)
        await hold(db, clock, members[2 * i + 1], p, at(clock, hour=18), 30)
    async with db.transaction() as s:
        for p in made[::2] + idle:
            q = await s.get(Performer, p.id)
            assert q is not None
            morning = [WeeklyRuleIn(weekday=d, start="09:00", end="12:00") for d in range(7)]
            await editing.set_weekly(s, q, morning, clock.now())


async def test_the_admin_list_is_every_performers_own_list(
    db: Database, clock: FrozenClock
) -> None:
    await performers_with_bookings(db, clock, 5)
    async with db.transaction() as s:
        everyone = (await s.scalars(select(Performer).order_by(Performer.id))).all()
        expected = [
            (p.id, b.public_id)
            for p in everyone
            for b in await coverage.conflicts(s, p, clock.now())
        ]
        found = await coverage.all_conflicts(s, clock.now())
        assert [(p.id, b.public_id) for p, b in found] == expected
        assert len(expected) == 3  # performers 1, 3 and 5: their 18:00 holds
        one = expected[1][0]
        only = await coverage.all_conflicts(s, clock.now(), performer_id=one)
        assert [(p.id, b.public_id) for p, b in only] == [e for e in expected if e[0] == one]


async def test_the_admin_list_reads_in_a_fixed_number_of_statements(
    db: Database, clock: FrozenClock
) -> None:
    async def statements() -> tuple[int, int]:
        async with db.transaction() as s:
            with counted(db) as seen:
                found = await coverage.all_conflicts(s, clock.now())
        return len(seen), len(found)

    await performers_with_bookings(db, clock, 2)
    few, few_found = await statements()
    await performers_with_bookings(db, clock, 10)
    many, many_found = await statements()
    assert (few_found, many_found) == (1, 6)
    assert few == many
