"""Instant calls (F-AV-8): a hold and a payment deadline that never outlive the call's start."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from pnplive.booking import service
from pnplive.booking.errors import SlotTaken
from pnplive.booking.instant import instant_start, place_instant_hold
from pnplive.booking.models import Booking
from pnplive.booking.rules import BookingRules
from pnplive.booking.states import Status
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.payment import service as payments
from pnplive.payment.errors import NotPayable
from pnplive.performer import service as performers
from pnplive.performer.models import Performer, Presence
from pnplive.user.models import User
from tests.booking.test_holds import setup
from tests.payment import support

RULES = BookingRules()
pytestmark = pytest.mark.asyncio


async def instant(db: Database, clock: FrozenClock, user: User, performer: Performer) -> Booking:
    async with db.transaction() as s:
        p = await s.get(Performer, performer.id)
        u = await s.get(User, user.id)
        assert p is not None and u is not None
        await performers.set_presence(s, p, Presence.ONLINE, clock.now())
        return await place_instant_hold(
            s, user=u, performer=p, duration=15, now=clock.now(), rules=RULES
        )


async def confirm(db: Database, clock: FrozenClock, b: Booking) -> Booking:
    async with db.transaction() as s:
        booking = await service.get_booking(s, b.public_id, lock=True)
        return await service.confirm_hold(
            s, booking, now=clock.now(), rules=RULES, actor_id=b.user_id
        )


@pytest.mark.parametrize("seconds", [0, 1, 59, 61, 150, 299])
def test_an_instant_call_starts_on_a_cell_a_few_minutes_ahead(seconds: int) -> None:
    now = datetime(2027, 3, 1, 9, 0) + timedelta(seconds=seconds)
    start = instant_start(now)
    assert timedelta(minutes=2) <= start - now < timedelta(minutes=7)
    assert start.minute % 5 == 0 and start.second == 0 and start.microsecond == 0


async def test_the_hold_never_outlives_the_start(db: Database, clock: FrozenClock) -> None:
    performer, (user,) = await setup(db, clock)
    b = await instant(db, clock, user, performer)
    assert b.start_at - clock.now() < timedelta(minutes=RULES.hold_minutes)
    assert b.expires_at == b.start_at


async def test_confirming_after_the_start_is_refused_and_the_booking_lapses(
    db: Database, clock: FrozenClock
) -> None:
    performer, (user,) = await setup(db, clock)
    b = await instant(db, clock, user, performer)
    clock.set(b.start_at + timedelta(minutes=1))
    with pytest.raises(SlotTaken) as info:
        await confirm(db, clock, b)
    assert info.value.status == 409 and "start" in info.value.message
    # Lapsed: nothing can be paid, the worker's pass records it expired, the time is free.
    async with db.transaction() as s:
        with pytest.raises(NotPayable):
            await payments.prepare_checkout(
                s,
                b.public_id,
                providers=support.all_providers(),
                now=clock.now(),
                public_base_url="http://testserver",
                provider="sandbox",
            )
    async with db.transaction() as s:
        assert await service.expire_due(s, clock.now()) == [b.public_id]
    async with db.transaction() as s:
        assert (await service.get_booking(s, b.public_id)).status == Status.EXPIRED


async def test_confirming_just_before_the_start_gives_a_deadline_at_the_start(
    db: Database, clock: FrozenClock
) -> None:
    performer, (user,) = await setup(db, clock)
    b = await instant(db, clock, user, performer)
    clock.set(b.start_at - timedelta(seconds=30))
    b = await confirm(db, clock, b)
    assert b.status == Status.PENDING_PAYMENT and b.expires_at == b.start_at
    clock.set(b.start_at)
    async with db.transaction() as s:
        assert await service.expire_due(s, clock.now()) == [b.public_id]
        statuses = (await s.scalars(select(Booking.status))).all()
    assert statuses == [Status.EXPIRED]
