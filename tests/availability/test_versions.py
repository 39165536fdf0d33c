"""The availability version moves, in the transaction of the change, on every write path that can
change a performer's free time, and on no other: cached answers are trusted on its word."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from pnplive.availability import editing
from pnplive.availability.models import AvailabilityVersion
from pnplive.booking import proposals, service
from pnplive.booking.errors import SlotTaken
from pnplive.booking.models import Booking
from pnplive.booking.states import Status
from pnplive.kit.actor import Actor
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.performer.models import Performer
from pnplive.performer.schemas import WeeklyRuleIn
from tests.booking.test_holds import RULES, at, hold, setup
from tests.booking.test_service import pay, pending

pytestmark = pytest.mark.asyncio


async def version(db: Database, performer_id: int) -> int:
    async with db.transaction() as s:
        found = await s.scalar(
            select(AvailabilityVersion.version).where(
                AvailabilityVersion.performer_id == performer_id
            )
        )
    return found or 0


async def performer(db: Database, performer_id: int) -> Performer:
    async with db.transaction() as s:
        p = await s.get(Performer, performer_id)
    assert p is not None
    return p


async def test_schedule_edits_move_it(db: Database, clock: FrozenClock) -> None:
    p, _ = await setup(db, clock)
    now = clock.now()
    seen = [await version(db, p.id)]
    assert seen[0] > 0  # the factory wrote a weekly schedule

    async def moved() -> None:
        seen.append(await version(db, p.id))
        assert seen[-1] > seen[-2]

    async with db.transaction() as s:
        me = await s.get(Performer, p.id)
        assert me is not None
        await editing.set_weekly(s, me, [WeeklyRuleIn(weekday=0, start="10:00", end="12:00")], now)
    await moved()
    async with db.transaction() as s:
        me = await s.get(Performer, p.id)
        assert me is not None
        blocked = await editing.block(s, me, at(clock), at(clock, hour=12), "dentist")
    await moved()
    async with db.transaction() as s:
        me = await s.get(Performer, p.id)
        assert me is not None
        await editing.unblock(s, me, blocked.id)
    await moved()
    async with db.transaction() as s:
        me = await s.get(Performer, p.id)
        assert me is not None
        extra = await editing.add_extra(s, me, at(clock, hour=22), at(clock, hour=23), "late")
    await moved()
    async with db.transaction() as s:
        me = await s.get(Performer, p.id)
        assert me is not None
        await editing.remove_extra(s, me, extra.id)
    await moved()


async def test_every_booking_step_moves_it(db: Database, clock: FrozenClock) -> None:
    p, (u1, u2) = await setup(db, clock, users=2)
    other, _ = await setup(db, clock)
    before = await version(db, p.id)

    b = await pending(db, clock, u1, p)  # hold placed, then rules accepted
    after_hold = await version(db, p.id)
    assert after_hold > before
    assert await pay(db, clock, b) is service.PaymentOutcome.CONFIRMED
    after_pay = await version(db, p.id)
    assert after_pay > after_hold

    async with db.transaction() as s:
        booking = await service.get_booking(s, b.public_id, lock=True)
        me = await s.get(Performer, p.id)
        assert me is not None
        await service.reschedule(
            s,
            booking,
            me,
            new_start=at(clock, hour=17),
            by=Actor.admin(),
            now=clock.now(),
            rules=RULES,
        )
    after_move = await version(db, p.id)
    assert after_move > after_pay

    async with db.transaction() as s:
        booking = await service.get_booking(s, b.public_id)
        await service.transition(s, booking, Status.LIVE, actor="system", now=clock.now())
        await service.transition(s, booking, Status.COMPLETED, actor="system", now=clock.now())
    after_call = await version(db, p.id)
    assert after_call > after_move

    # A hold replaced by one with another performer moves both.
    h = await hold(db, clock, u2, p, at(clock, hour=12), 30)
    mid, other_before = await version(db, p.id), await version(db, other.id)
    await hold(db, clock, u2, other, at(clock, hour=12), 30)
    assert await version(db, p.id) > mid and await version(db, other.id) > other_before
    async with db.transaction() as s:
        assert (await service.get_booking(s, h.public_id)).status == Status.CANCELLED


async def test_cancel_expiry_and_proposals_move_it(db: Database, clock: FrozenClock) -> None:
    p, (u1, u2) = await setup(db, clock, users=2)
    b = await pending(db, clock, u1, p)
    await pay(db, clock, b)
    proposer = await performer(db, p.id)
    v = await version(db, p.id)
    async with db.transaction() as s:
        await proposals.propose(
            s,
            b.public_id,
            Actor.of_performer(p.id, user_id=proposer.user_id),
            b.start_at + timedelta(hours=3),
            now=clock.now(),
            rules=RULES,
        )
    assert await version(db, p.id) == v  # a proposal alone frees nothing
    async with db.transaction() as s:
        await proposals.answer(s, b.public_id, u1.id, True, now=clock.now(), rules=RULES)
    v, prev = await version(db, p.id), v
    assert v > prev

    async with db.transaction() as s:
        booking = await service.get_booking(s, b.public_id, lock=True)
        await service.cancel(s, booking, by=Actor.member(u1.id), now=clock.now(), rules=RULES)
    v, prev = await version(db, p.id), v
    assert v > prev

    await hold(db, clock, u2, p, at(clock, hour=14), 30)
    v = await version(db, p.id)
    clock.advance(minutes=RULES.hold_minutes + 1)
    async with db.transaction() as s:
        assert len(await service.expire_due(s, clock.now())) == 1  # the worker's job
    assert await version(db, p.id) > v


async def test_a_refused_hold_and_other_booking_writes_leave_it(
    db: Database, clock: FrozenClock
) -> None:
    p, (u1, u2) = await setup(db, clock, users=2)
    b = await hold(db, clock, u1, p, at(clock), 60)
    v = await version(db, p.id)
    with pytest.raises(SlotTaken):
        await hold(db, clock, u2, p, at(clock), 60)
    assert await version(db, p.id) == v  # rolled back with the refused hold
    async with db.transaction() as s:
        await s.execute(update(Booking).where(Booking.id == b.id).values(flagged_at=clock.now()))
    assert await version(db, p.id) == v  # not a change to anyone's free time
