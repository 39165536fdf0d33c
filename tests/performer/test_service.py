"""Performer administration: validation, schedules, conflicts (F-AV-9), price snapshots."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from pnplive.availability import editing
from pnplive.booking import coverage
from pnplive.booking import service as bookings
from pnplive.booking.errors import AccessDenied
from pnplive.booking.instant import place_instant_hold
from pnplive.booking.models import Booking
from pnplive.booking.rules import BookingRules
from pnplive.errors import Conflict
from pnplive.kit.actor import Actor
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.performer import service
from pnplive.performer.models import Performer, Presence
from pnplive.performer.schemas import PerformerCreate, PerformerUpdate, WeeklyRuleIn
from tests.booking.test_holds import at, hold, setup
from tests.factories import make_user


@pytest.mark.parametrize(
    "bad",
    [
        {"username": "x", "display_name": "X", "price_per_minute": 1},
        {"username": "okname", "display_name": "X", "price_per_minute": -1},
        {"username": "okname", "display_name": "X", "price_per_minute": 1, "timezone": "Mars/Base"},
        {"username": "okname", "display_name": "X", "price_per_minute": 1, "currency": "ZZZ"},
        {"username": "okname", "display_name": "X", "price_per_minute": 1, "bio": "x" * 501},
        {"username": "okname", "display_name": "X", "price_per_minute": 1, "min_duration": 20},
        {"username": "okname", "display_name": "X", "price_per_minute": 1, "buffer_after": 7},
        {
            "username": "okname",
            "display_name": "X",
            "price_per_minute": 1,
            "min_duration": 60,
            "max_duration": 30,
        },
    ],
)
def test_invalid_profiles_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        PerformerCreate.model_validate(bad)


def test_weekly_rule_minutes_and_overnight() -> None:
    assert WeeklyRuleIn(weekday=0, start="09:00", end="17:30").minutes() == (540, 1050)
    assert WeeklyRuleIn(weekday=5, start="22:00", end="02:00").minutes() == (1320, 1560)
    assert WeeklyRuleIn(weekday=5, start="00:00", end="24:00").minutes() == (0, 1440)
    with pytest.raises(ValidationError):
        WeeklyRuleIn(weekday=7, start="09:00", end="10:00")


@pytest.mark.asyncio
async def test_usernames_are_unique(db: Database, clock: FrozenClock) -> None:
    data = PerformerCreate(username="solo", display_name="Solo", price_per_minute=100)
    async with db.transaction() as s:
        await service.create(s, data, clock.now())
    with pytest.raises(Conflict):
        async with db.transaction() as s:
            await service.create(s, data, clock.now())


@pytest.mark.asyncio
async def test_blocking_over_a_booking_lists_it_as_a_conflict(
    db: Database, clock: FrozenClock
) -> None:
    performer, (user,) = await setup(db, clock)
    b = await hold(db, clock, user, performer, at(clock), 60)
    async with db.transaction() as s:
        p = await s.get(Performer, performer.id)
        assert p is not None
        found = (
            await coverage.block(
                s, p, at(clock, hour=9), at(clock, hour=12), "dentist", clock.now()
            )
        ).conflicts
        assert [c.public_id for c in found] == [b.public_id]
        # The booking is kept, not dropped.
        assert (await bookings.get_booking(s, b.public_id)).status == "held"


@pytest.mark.asyncio
async def test_a_schedule_change_lists_conflicts_and_nothing_else(
    db: Database, clock: FrozenClock
) -> None:
    performer, (u1, u2) = await setup(db, clock, users=2)
    early = await hold(db, clock, u1, performer, at(clock, hour=10), 60)
    late = await hold(db, clock, u2, performer, at(clock, hour=18), 60)
    async with db.transaction() as s:
        p = await s.get(Performer, performer.id)
        assert p is not None
        found = (
            await coverage.set_weekly(
                s,
                p,
                [WeeklyRuleIn(weekday=d, start="12:00", end="21:00") for d in range(7)],
                clock.now(),
            )
        ).conflicts
    assert [c.public_id for c in found] == [early.public_id]
    assert late.public_id not in [c.public_id for c in found]


@pytest.mark.asyncio
async def test_a_price_change_never_touches_existing_bookings(
    db: Database, clock: FrozenClock
) -> None:
    performer, (user,) = await setup(db, clock)
    b = await hold(db, clock, user, performer, at(clock), 30)
    async with db.transaction() as s:
        p = await s.get(Performer, performer.id)
        assert p is not None
        await service.update(s, p, PerformerUpdate(price_per_minute=10_000), clock.now())
    async with db.transaction() as s:
        again = await bookings.get_booking(s, b.public_id)
    assert (again.price_per_minute, again.amount) == (200, 6_000)


@pytest.mark.asyncio
async def test_availability_is_needed_to_book(db: Database, clock: FrozenClock) -> None:
    performer, (user,) = await setup(db, clock)
    async with db.transaction() as s:
        p = await s.get(Performer, performer.id)
        assert p is not None
        await editing.set_weekly(s, p, [], clock.now())
    with pytest.raises(AccessDenied) as info:
        await hold(db, clock, user, performer, at(clock), 30)
    assert info.value.code == "no_availability"
    # One-off extra availability is enough.
    async with db.transaction() as s:
        p = await s.get(Performer, performer.id)
        assert p is not None
        await editing.add_extra(s, p, at(clock, hour=20), at(clock, hour=22), "special")
    b = await hold(db, clock, user, performer, at(clock, hour=20, minute=30), 60)
    assert b.start_at - at(clock, hour=20) == timedelta(minutes=30)


async def _instant_call(db: Database, clock: FrozenClock, performer: Performer) -> Booking:
    """A member's instant call (F-AV-8), made while the performer is online."""
    async with db.transaction() as s:
        p = await s.get(Performer, performer.id)
        assert p is not None
        user = await make_user(s, clock.now())
        await service.set_presence(s, p, Presence.ONLINE, clock.now())
        return await place_instant_hold(
            s, user=user, performer=p, duration=15, now=clock.now(), rules=BookingRules()
        )


@pytest.mark.asyncio
async def test_an_instant_call_outside_the_weekly_hours_is_no_conflict(
    db: Database, clock: FrozenClock
) -> None:
    evenings = [(d, "18:00", "21:00") for d in range(7)]
    performer, (user,) = await setup(db, clock, weekly=evenings)
    now_call = await _instant_call(db, clock, performer)  # 09:05: online, outside the hours
    regular = await hold(db, clock, user, performer, at(clock, hour=18), 60)
    async with db.transaction() as s:
        p = await s.get(Performer, performer.id)
        assert p is not None
        found = (
            await coverage.set_weekly(
                s,
                p,
                [WeeklyRuleIn(weekday=d, start="19:00", end="21:00") for d in range(7)],
                clock.now(),
            )
        ).conflicts
        assert [c.public_id for c in found] == [regular.public_id]
        assert now_call.public_id not in [
            c.public_id for c in await coverage.conflicts(s, p, clock.now())
        ]


@pytest.mark.asyncio
async def test_an_instant_call_moved_to_a_slot_is_checked_like_any_booking(
    db: Database, clock: FrozenClock
) -> None:
    rules = BookingRules()
    performer, _ = await setup(db, clock, users=0)
    b = await _instant_call(db, clock, performer)
    async with db.transaction() as s:
        p = await s.get(Performer, performer.id)
        booking = await bookings.get_booking(s, b.public_id, lock=True)
        assert p is not None
        await bookings.confirm_hold(s, booking, now=clock.now(), rules=rules, actor_id=b.user_id)
        await bookings.apply_payment(s, booking, now=clock.now())
        await bookings.reschedule(
            s,
            booking,
            p,
            new_start=at(clock, hour=20),
            by=Actor.admin(),
            now=clock.now(),
            rules=rules,
        )
    async with db.transaction() as s:
        p = await s.get(Performer, performer.id)
        assert p is not None
        found = (
            await coverage.set_weekly(
                s,
                p,
                [WeeklyRuleIn(weekday=d, start="09:00", end="12:00") for d in range(7)],
                clock.now(),
            )
        ).conflicts
    assert [c.public_id for c in found] == [b.public_id]
