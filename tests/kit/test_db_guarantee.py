"""The database itself refuses double booking (F-AV-6), whatever the code above it does."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.availability.slots import Busy, Schedule, SlotProblem, SlotRules, slot_problem
from pnplive.booking import service
from pnplive.booking.errors import SlotTaken
from pnplive.booking.models import Booking, SlotCell
from pnplive.booking.rules import BookingRules
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.performer.models import Performer
from pnplive.user.models import User
from tests.booking.test_holds import assert_no_overlap, live_bookings
from tests.factories import make_performer, make_user

pytestmark = pytest.mark.asyncio


async def _held(db: Database, clock: FrozenClock) -> Booking:
    async with db.transaction() as s:
        p = await make_performer(s, clock.now())
        u = await make_user(s, clock.now())
        start = clock.now().replace(hour=0) + timedelta(days=1, hours=10)
        return await service.place_hold(
            s,
            user=u,
            performer=p,
            start_at=start,
            duration=60,
            now=clock.now(),
            rules=BookingRules(),
        )


async def test_a_raw_overlapping_cell_insert_is_refused(db: Database, clock: FrozenClock) -> None:
    b = await _held(db, clock)
    with pytest.raises(IntegrityError):
        async with db.transaction() as s:
            await s.execute(
                insert(SlotCell).values(
                    performer_id=b.performer_id,
                    cell_start=b.start_at + timedelta(minutes=30),
                    booking_id=b.id,
                )
            )


async def test_postgresql_exclusion_refuses_overlapping_live_rows(
    db: Database, clock: FrozenClock
) -> None:
    if db.dialect != "postgresql":
        pytest.skip("the exclusion constraint exists on PostgreSQL only")
    b = await _held(db, clock)
    async with db.transaction() as s:
        other = await make_user(s, clock.now())
    # Bypass the cells entirely: a second live row over the same time is still refused.
    with pytest.raises(IntegrityError):
        async with db.transaction() as s:
            await s.execute(
                text(
                    "INSERT INTO bookings (public_id, user_id, performer_id, status, call_type, "
                    "start_at, end_at, duration_minutes, occupied_start, occupied_end, "
                    "price_per_minute, amount, currency, commission_bps, commission_amount, "
                    "performer_amount, user_timezone, reschedule_count, created_at, updated_at) "
                    "VALUES ('x1', :u, :p, 'confirmed', 'video', :s, :e, 60, :s, :e, 1, 60, 'USD', "
                    "0, 0, 60, 'UTC', 0, :s, :s)"
                ),
                {"u": other.id, "p": b.performer_id, "s": b.start_at, "e": b.end_at},
            )
    # A cancelled row over the same time is fine: only live statuses are guarded.
    async with db.transaction() as s:
        await s.execute(update(Booking).where(Booking.id == b.id).values(status="cancelled"))


def refusal_source(exc: BaseException) -> str:
    """Which guard refused a hold: the cells' key, the exclusion constraint, or the pre-check."""
    if isinstance(exc, SlotTaken):
        cause = exc.__cause__
        if isinstance(cause, IntegrityError):
            message = str(cause.orig)
            if "ex_bookings_no_overlap" in message:
                return "exclusion"
            return "cells" if "slot_cells" in message else f"other: {message}"
        # The cells are inserted ON CONFLICT DO NOTHING and counted: a short count says taken.
        return "cells" if "booking" in exc.details else "pre-check"
    if isinstance(exc, DBAPIError) and "deadlock" in str(exc).lower():
        # PostgreSQL broke a wait cycle between overlapping inserts (the performer lock is
        # off): the constraint check refused one of them.
        return "deadlock"
    raise exc


async def test_the_database_alone_refuses_every_overlap(
    db: Database, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Performer lock and busy pre-check switched off: only the constraints stand in the way."""

    async def no_lock(session: AsyncSession, performer_id: int) -> None:
        return None

    def blind_check(
        schedule: Schedule, rules: SlotRules, busy: Busy, now: datetime, start: datetime
    ) -> SlotProblem | None:
        # Everything but the busy time is still checked (grid, notice, hours ...).
        return slot_problem(schedule, rules, Busy.of([]), now, start)

    monkeypatch.setattr(service, "lock_performer", no_lock)
    monkeypatch.setattr(service, "slot_problem", blind_check)

    async with db.transaction() as s:
        performer = await make_performer(s, clock.now(), buffer_before=5, buffer_after=10)
        people = [await make_user(s, clock.now()) for _ in range(40)]
    rng = random.Random(11)
    day = clock.now().replace(hour=0) + timedelta(days=1, hours=10)
    wishes = [
        (day + timedelta(minutes=15 * rng.randrange(0, 16)), rng.choice([15, 30, 45, 60, 90, 120]))
        for _ in people
    ]

    async def attempt(user: User, start: datetime, minutes: int) -> str:
        try:
            async with db.transaction() as s:
                u = await s.get(User, user.id)
                p = await s.get(Performer, performer.id)
                assert u is not None and p is not None
                await service.place_hold(
                    s,
                    user=u,
                    performer=p,
                    start_at=start,
                    duration=minutes,
                    now=clock.now(),
                    rules=BookingRules(),
                )
        except (SlotTaken, DBAPIError) as exc:
            return refusal_source(exc)
        return "held"

    tries = (attempt(u, start, m) for u, (start, m) in zip(people, wishes, strict=True))
    outcomes = Counter(await asyncio.gather(*tries))
    live = await live_bookings(db)
    assert_no_overlap(live)
    assert outcomes["held"] == len(live) > 0
    refused = {k: n for k, n in outcomes.items() if k != "held"}
    assert refused, "the wishes overlap: some must be refused"
    assert "pre-check" not in refused, outcomes
    # SQLite runs writers one at a time: the cells' primary key refuses. PostgreSQL's exclusion
    # constraint sees the overlapping row first (or breaks a wait cycle between two of them).
    allowed = {"cells"} if db.dialect == "sqlite" else {"exclusion", "cells", "deadlock"}
    assert set(refused) <= allowed, outcomes
    assert refused.get("cells", 0) + refused.get("exclusion", 0) > 0, outcomes
    async with db.transaction() as s:
        cells = await s.scalar(select(func.count()).select_from(SlotCell))
    assert cells == sum((b.occupied_end - b.occupied_start) // timedelta(minutes=5) for b in live)
