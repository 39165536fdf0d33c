"""Schedule editing and its validation (``availability/editing.py``), whatever the front door."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pnplive.availability import editing
from pnplive.availability.models import BlockedInterval, ExtraAvailability
from pnplive.errors import InvalidInput, NotFound
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.performer.schemas import WeeklyRuleIn
from tests.factories import make_performer

pytestmark = pytest.mark.asyncio


@pytest.mark.parametrize(
    ("length", "message"),
    [
        (timedelta(0), "must end after it starts"),
        (-timedelta(hours=1), "must end after it starts"),
        (timedelta(days=366, seconds=1), "at most 366 days"),
    ],
)
async def test_a_bad_interval_is_refused_and_nothing_is_written(
    db: Database, clock: FrozenClock, length: timedelta, message: str
) -> None:
    start = clock.now() + timedelta(days=1)
    async with db.transaction() as s:
        p = await make_performer(s, clock.now())
        with pytest.raises(InvalidInput, match=message):
            await editing.block(s, p, start, start + length, "x")
        with pytest.raises(InvalidInput, match=message):
            await editing.add_extra(s, p, start, start + length, "x")
        assert await s.scalar(select(func.count()).select_from(BlockedInterval)) == 0
        assert await s.scalar(select(func.count()).select_from(ExtraAvailability)) == 0
        # A year and a day is the longest allowed.
        await editing.block(s, p, start, start + timedelta(days=366), "holiday")


async def test_edits_touch_only_their_performer_and_the_view_hides_the_past(
    db: Database, clock: FrozenClock
) -> None:
    now = clock.now()
    async with db.transaction() as s:
        mine = await make_performer(s, now)
        other = await make_performer(s, now)
        past = await editing.block(s, mine, now - timedelta(days=2), now - timedelta(days=1), "")
        ahead = await editing.block(s, mine, now + timedelta(days=1), now + timedelta(days=2), "")
        extra = await editing.add_extra(
            s, mine, now + timedelta(hours=1), now + timedelta(hours=2), ""
        )
        with pytest.raises(NotFound):
            await editing.unblock(s, other, ahead.id)
        with pytest.raises(NotFound):
            await editing.remove_extra(s, other, extra.id)
        await editing.set_weekly(
            s, mine, [WeeklyRuleIn(weekday=0, start="10:00", end="12:00")], now
        )
        view = await editing.schedule_of(s, mine, now)
        assert [b.id for b in view.blocked] == [ahead.id] and past.id != ahead.id
        assert [x.id for x in view.extra] == [extra.id]
        assert [(w.weekday, w.start_minute, w.end_minute) for w in view.weekly] == [(0, 600, 720)]
        assert len((await editing.schedule_of(s, other, now)).weekly) == 7  # untouched
        await editing.unblock(s, mine, ahead.id)
        await editing.remove_extra(s, mine, extra.id)
        view = await editing.schedule_of(s, mine, now)
        assert view.blocked == [] and view.extra == []
