"""Smart matching as a service: the same answers as slot-by-slot, in a fixed number of
statements however many performers match."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, select

from pnplive.availability.matching import Wish
from pnplive.availability.models import BlockedInterval
from pnplive.booking.rules import BookingRules
from pnplive.booking.service import slot_rules
from pnplive.catalog.matching import smart_match
from pnplive.catalog.slots import free_slots_of_many, performer_slots
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.performer.models import Performer
from pnplive.performer.queries import BrowseFilters
from tests.booking.test_holds import at, hold
from tests.factories import make_performer, make_user

RULES = BookingRules()
pytestmark = pytest.mark.asyncio


async def add_performers(db: Database, clock: FrozenClock, n: int) -> None:
    """``n`` performers of varied zones and buffers, some with blocked time, some booked."""
    now = clock.now()
    async with db.transaction() as s:
        made = []
        for i in range(n):
            p = await make_performer(
                s,
                now,
                tags=["chat"] if i % 4 else ["chat", "music"],
                timezone=("UTC", "Europe/Madrid", "America/Bogota")[i % 3],
                buffer_before=(0, 5, 10)[i % 3],
                buffer_after=(0, 10)[i % 2],
            )
            p.rating_sum, p.rating_count = (4 * i) % 11, i % 3
            if i % 3 == 0:
                s.add(
                    BlockedInterval(
                        performer_id=p.id, start_at=at(clock, hour=12), end_at=at(clock, hour=15)
                    )
                )
            made.append(p)
        member = await make_user(s, now)
    for p in made[::5]:
        await hold(db, clock, member, p, at(clock, hour=17), 60)


@contextmanager
def counted(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def on_statement(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", on_statement)
    try:
        yield seen
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", on_statement)


async def match_counting(db: Database, clock: FrozenClock) -> tuple[int, int]:
    """(statements issued, results) of one smart match over the next three days."""
    wish = Wish(zone=ZoneInfo("UTC"), duration=30, window_start=17 * 60, window_end=19 * 60)
    today = clock.now().date()
    async with db.transaction() as s:
        with counted(db) as seen:
            found = await smart_match(
                s,
                wish,
                first=today,
                last=today + timedelta(days=2),
                filters=BrowseFilters(tags=("chat",)),
                now=clock.now(),
                rules=RULES,
                limit=20,
            )
    return len(seen), len(found)


async def test_the_statements_do_not_grow_with_the_performers(
    db: Database, clock: FrozenClock
) -> None:
    await add_performers(db, clock, 5)
    few, few_found = await match_counting(db, clock)
    await add_performers(db, clock, 45)
    many, many_found = await match_counting(db, clock)
    assert few_found == 15 and many_found == 20  # at most three slots per performer
    assert few == many
    assert many <= 8


async def test_bulk_slots_are_the_slots_of_each_performer(db: Database, clock: FrozenClock) -> None:
    await add_performers(db, clock, 12)
    start, end = at(clock, days=0, hour=0), at(clock, days=3, hour=0)
    async with db.transaction() as s:
        performers = (await s.scalars(select(Performer).order_by(Performer.id))).all()
        bulk = await free_slots_of_many(
            s,
            performers,
            select(Performer.id),
            duration_of=lambda p: 45 if p.id % 2 else 30,
            rules=RULES,
            now=clock.now(),
            start=start,
            end=end,
        )
        for p in performers:
            minutes = 45 if p.id % 2 else 30
            one = await performer_slots(
                s, p, slot_rules(p, minutes, RULES), clock.now(), start, end
            )
            assert bulk[p.id] == one, p.username
        assert any(bulk.values())
        assert len({len(v) for v in bulk.values()}) > 1  # blocked and booked time differ


async def test_a_match_skips_performers_outside_the_filters_or_the_duration(
    db: Database, clock: FrozenClock
) -> None:
    now = clock.now()
    async with db.transaction() as s:
        short = await make_performer(s, now, tags=["chat"], max_duration=15)
        music = await make_performer(s, now, tags=["music"])
        cheap = await make_performer(s, now, tags=["Chat"], price_per_minute=50)
        await make_performer(s, now, tags=["chat"], price_per_minute=500)
    wish = Wish(zone=ZoneInfo("UTC"), duration=30)
    async with db.transaction() as s:
        found = await smart_match(
            s,
            wish,
            first=now.date(),
            last=now.date() + timedelta(days=1),
            filters=BrowseFilters(tags=("chat",), price_max=100),
            now=now,
            rules=RULES,
            limit=10,
        )
    assert {f.performer.id for f in found} == {cheap.id}
    assert found and found[0].performer.id not in (short.id, music.id)
