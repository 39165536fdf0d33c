"""Holds (F-AV-5, F-AV-6): placing, replacing, expiring, and never double-booking."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from pnplive.booking import service
from pnplive.booking.errors import AccessDenied, HoldInProgress, SlotTaken, SlotUnavailable
from pnplive.booking.models import Booking, BookingEvent, SlotCell
from pnplive.booking.rules import BookingRules
from pnplive.booking.states import OCCUPYING, Status
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.performer.models import Performer
from pnplive.user.models import User
from tests.factories import make_performer, make_user

RULES = BookingRules()
pytestmark = pytest.mark.asyncio


def at(clock: FrozenClock, days: int = 1, hour: int = 10, minute: int = 0) -> datetime:
    base = clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
    return base + timedelta(days=days, hours=hour, minutes=minute)


async def setup(
    db: Database, clock: FrozenClock, users: int = 1, **pf: object
) -> tuple[Performer, list[User]]:
    async with db.transaction() as s:
        performer = await make_performer(s, clock.now(), **pf)  # type: ignore[arg-type]
        people = [await make_user(s, clock.now()) for _ in range(users)]
    return performer, people


async def hold(
    db: Database,
    clock: FrozenClock,
    user: User,
    performer: Performer,
    start: datetime,
    minutes: int,
) -> Booking:
    async with db.transaction() as s:
        u = await s.get(User, user.id)
        p = await s.get(Performer, performer.id)
        assert u is not None and p is not None
        return await service.place_hold(
            s, user=u, performer=p, start_at=start, duration=minutes, now=clock.now(), rules=RULES
        )


async def live_bookings(db: Database) -> list[Booking]:
    async with db.transaction() as s:
        q = select(Booking).where(Booking.status.in_([x.value for x in OCCUPYING]))
        return list((await s.scalars(q)).all())


def assert_no_overlap(bookings: list[Booking]) -> None:
    by_performer: dict[int, list[Booking]] = {}
    for b in bookings:
        by_performer.setdefault(b.performer_id, []).append(b)
    for items in by_performer.values():
        items.sort(key=lambda b: b.occupied_start)
        for a, b in itertools.pairwise(items):
            assert a.occupied_end <= b.occupied_start, (a.public_id, b.public_id)


async def test_hold_occupies_its_cells_and_records_history(
    db: Database, clock: FrozenClock
) -> None:
    performer, (user,) = await setup(db, clock, buffer_before=5, buffer_after=10)
    b = await hold(db, clock, user, performer, at(clock), 30)
    assert b.status == Status.HELD
    assert b.expires_at == clock.now() + timedelta(minutes=RULES.hold_minutes)
    assert b.occupied_start == b.start_at - timedelta(minutes=5)
    assert b.occupied_end == b.end_at + timedelta(minutes=10)
    assert b.amount == 200 * 30 and b.commission_amount + b.performer_amount == b.amount
    async with db.transaction() as s:
        n = await s.scalar(select(func.count()).select_from(SlotCell))
        events = (await s.scalars(select(BookingEvent))).all()
    assert n == (5 + 30 + 10) // 5
    assert [(e.from_status, e.to_status) for e in events] == [(None, "held")]


async def test_fifty_concurrent_holds_on_one_slot_exactly_one_wins(
    db: Database, clock: FrozenClock
) -> None:
    performer, people = await setup(db, clock, users=50)
    start = at(clock)

    async def attempt(user: User) -> str:
        try:
            await hold(db, clock, user, performer, start, 60)
            return "ok"
        except SlotTaken:
            return "taken"

    results = await asyncio.gather(*(attempt(u) for u in people))
    assert results.count("ok") == 1
    assert results.count("taken") == 49
    live = await live_bookings(db)
    assert len(live) == 1
    async with db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(SlotCell)) == 12


async def test_concurrent_overlapping_holds_of_mixed_lengths_never_overlap(
    db: Database, clock: FrozenClock
) -> None:
    performer, people = await setup(db, clock, users=40, buffer_before=5, buffer_after=10)
    rng = random.Random(7)
    day = at(clock, hour=9)

    async def attempt(user: User) -> None:
        start = day + timedelta(minutes=15 * rng.randrange(0, 12))
        minutes = rng.choice([15, 30, 45, 60, 90, 120])
        with contextlib.suppress(SlotTaken, SlotUnavailable):
            await hold(db, clock, user, performer, start, minutes)

    await asyncio.gather(*(attempt(u) for u in people))
    live = await live_bookings(db)
    assert live, "some holds must succeed"
    assert_no_overlap(live)
    async with db.transaction() as s:
        cells = await s.scalar(select(func.count()).select_from(SlotCell))
    assert cells == sum((b.occupied_end - b.occupied_start) // timedelta(minutes=5) for b in live)


async def test_a_second_hold_releases_the_first(db: Database, clock: FrozenClock) -> None:
    performer, (user,) = await setup(db, clock)
    first = await hold(db, clock, user, performer, at(clock), 30)
    second = await hold(db, clock, user, performer, at(clock, hour=12), 30)
    async with db.transaction() as s:
        f = await s.get(Booking, first.id)
        assert f is not None and f.status == Status.CANCELLED
        cells = (await s.scalars(select(SlotCell.booking_id).distinct())).all()
    assert cells == [second.id]
    # The first slot is free again for someone else.
    _performer2, (other,) = await setup(db, clock)
    await hold(db, clock, other, performer, at(clock), 30)


async def test_a_refused_hold_keeps_the_previous_one(db: Database, clock: FrozenClock) -> None:
    performer, (u1, u2) = await setup(db, clock, users=2)
    mine = await hold(db, clock, u1, performer, at(clock), 30)
    theirs = await hold(db, clock, u2, performer, at(clock, hour=14), 30)
    with pytest.raises(SlotTaken):
        await hold(db, clock, u1, performer, at(clock, hour=14), 30)
    async with db.transaction() as s:
        m = await s.get(Booking, mine.id)
        t = await s.get(Booking, theirs.id)
    assert m is not None and m.status == Status.HELD
    assert t is not None and t.status == Status.HELD


async def test_an_expired_hold_frees_its_slot(db: Database, clock: FrozenClock) -> None:
    performer, (u1, u2) = await setup(db, clock, users=2)
    first = await hold(db, clock, u1, performer, at(clock), 60)
    with pytest.raises(SlotTaken):
        await hold(db, clock, u2, performer, at(clock, minute=30), 60)
    clock.advance(minutes=RULES.hold_minutes)
    second = await hold(db, clock, u2, performer, at(clock, minute=30), 60)
    async with db.transaction() as s:
        f = await s.get(Booking, first.id)
    assert f is not None and f.status == Status.EXPIRED
    assert second.status == Status.HELD


async def test_one_user_placing_two_holds_at_once_keeps_one(
    db: Database, clock: FrozenClock
) -> None:
    performer, (user,) = await setup(db, clock)
    starts = [at(clock, hour=10), at(clock, hour=13), at(clock, hour=16)]

    async def attempt(start: datetime) -> str:
        try:
            await hold(db, clock, user, performer, start, 30)
            return "ok"
        except (HoldInProgress, SlotTaken):
            return "refused"

    results = await asyncio.gather(*(attempt(s) for s in starts))
    assert "ok" in results
    live = await live_bookings(db)
    assert len(live) == 1


async def test_expire_due_lapses_unpaid_bookings(db: Database, clock: FrozenClock) -> None:
    performer, (u1, u2) = await setup(db, clock, users=2)
    b1 = await hold(db, clock, u1, performer, at(clock), 30)
    b2 = await hold(db, clock, u2, performer, at(clock, hour=12), 30)
    async with db.transaction() as s:
        b = await s.get(Booking, b2.id)
        assert b is not None
        await service.confirm_hold(s, b, now=clock.now(), rules=RULES, actor_id=u2.id)
    clock.advance(minutes=RULES.hold_minutes)
    async with db.transaction() as s:
        done = await service.expire_due(s, clock.now())
    assert done == [b1.public_id, b2.public_id]
    assert await live_bookings(db) == []


async def test_slot_problems_are_clean_errors(db: Database, clock: FrozenClock) -> None:
    performer, (user,) = await setup(db, clock, min_duration=30, max_duration=60)
    cases = [
        (at(clock, minute=5), 30, "off_grid"),
        (clock.now() + timedelta(minutes=30), 30, "too_soon"),
        (at(clock, days=20), 30, "beyond_horizon"),
        (at(clock, hour=3), 30, "outside_availability"),
        (at(clock, hour=20, minute=45), 30, "outside_availability"),
        (at(clock), 15, "duration_not_allowed"),
        (at(clock), 90, "duration_not_allowed"),
    ]
    for start, minutes, problem in cases:
        with pytest.raises(SlotUnavailable) as info:
            await hold(db, clock, user, performer, start, minutes)
        assert info.value.details["problem"] == problem, (start, minutes)
    assert await live_bookings(db) == []


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"verified": False}, "age_not_verified"),
        ({"terms": False}, "terms_not_accepted"),
        ({"prime": False}, "prime_required"),
    ],
)
async def test_access_rules_refuse_with_their_own_code(
    db: Database, clock: FrozenClock, fields: dict[str, bool], code: str
) -> None:
    async with db.transaction() as s:
        performer = await make_performer(s, clock.now())
        user = await make_user(s, clock.now(), **fields)
    with pytest.raises(AccessDenied) as info:
        await hold(db, clock, user, performer, at(clock), 30)
    assert info.value.code == code


async def test_choosing_the_same_time_again_replaces_ones_own_hold(
    db: Database, clock: FrozenClock
) -> None:
    performer, (user, other) = await setup(db, clock, users=2)
    first = await hold(db, clock, user, performer, at(clock), 30)
    again = await hold(db, clock, user, performer, at(clock), 60)
    live = await live_bookings(db)
    assert [b.id for b in live] == [again.id] and again.id != first.id
    # Someone else's hold still counts as busy.
    with pytest.raises(SlotTaken):
        await hold(db, clock, other, performer, at(clock, minute=15), 30)
