"""A performer proposes a new time and the member answers (F-BK-6): nothing moves without the
member's consent; accepting moves the call through the usual checks; declining keeps it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from pnplive.booking import proposals
from pnplive.booking import service as bookings
from pnplive.booking.errors import NotYourBooking, SlotTaken, SlotUnavailable
from pnplive.booking.models import Booking, Proposal
from pnplive.booking.proposals import NoOpenProposal, ProposalNotAllowed
from pnplive.kit.actor import Actor
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.kit.jobs import Job
from pnplive.performer.models import Performer
from pnplive.user.models import User
from tests.factories import make_user
from tests.notification.test_jobs import confirmed_booking
from tests.payment.support import RULES

pytestmark = pytest.mark.asyncio


async def performer_actor(db: Database, booking: Booking) -> Actor:
    async with db.transaction() as s:
        p = await s.get(Performer, booking.performer_id)
        assert p is not None
        return Actor.of_performer(p.id, user_id=p.user_id)


async def propose(
    db: Database, clock: FrozenClock, booking: Booking, by: Actor, hours: int
) -> Proposal:
    new_start = booking.start_at + timedelta(hours=hours)
    async with db.transaction() as s:
        return await proposals.propose(
            s, booking.public_id, by, new_start, now=clock.now(), rules=RULES
        )


async def answer(
    db: Database, clock: FrozenClock, booking: Booking, member: User, accept: bool
) -> proposals.Answered:
    async with db.transaction() as s:
        return await proposals.answer(
            s, booking.public_id, member.id, accept, now=clock.now(), rules=RULES
        )


async def start_of(db: Database, booking: Booking) -> object:
    async with db.transaction() as s:
        return (await bookings.get_booking(s, booking.public_id)).start_at


async def test_accepting_moves_the_call_and_declining_keeps_it(
    db: Database, clock: FrozenClock
) -> None:
    booking, member, _performer_user = await confirmed_booking(db, clock)
    by = await performer_actor(db, booking)
    first = await propose(db, clock, booking, by, hours=-2)
    assert await start_of(db, booking) == booking.start_at  # nothing moves on a proposal
    # A newer proposal replaces the open one.
    second = await propose(db, clock, booking, by, hours=-3)
    async with db.transaction() as s:
        states = dict((await s.execute(select(Proposal.public_id, Proposal.status))).tuples().all())
        news = (await s.scalars(select(Job).where(Job.kind == proposals.PROPOSED_EVENT))).all()
    assert states == {first.public_id: "withdrawn", second.public_id: "open"}
    assert len(news) == 2
    declined = await answer(db, clock, booking, member, accept=False)
    assert declined.proposal.status == "declined"
    assert await start_of(db, booking) == booking.start_at
    with pytest.raises(NoOpenProposal):
        await answer(db, clock, booking, member, accept=True)

    third = await propose(db, clock, booking, by, hours=-2)
    accepted = await answer(db, clock, booking, member, accept=True)
    assert accepted.proposal.public_id == third.public_id and accepted.proposal.status == "accepted"
    assert await start_of(db, booking) == third.new_start
    async with db.transaction() as s:
        moved = await bookings.get_booking(s, booking.public_id)
        assert moved.reschedule_count == 1


async def test_only_the_performer_or_an_admin_proposes_and_only_the_member_answers(
    db: Database, clock: FrozenClock
) -> None:
    booking, member, _performer_user = await confirmed_booking(db, clock)
    async with db.transaction() as s:
        stranger = await make_user(s, clock.now())
        admin = await make_user(s, clock.now(), role="admin")
    with pytest.raises(NotYourBooking):
        await propose(db, clock, booking, Actor.member(member.id), hours=-2)
    with pytest.raises(NotYourBooking):
        await propose(db, clock, booking, Actor.member(stranger.id), hours=-2)
    await propose(db, clock, booking, Actor.admin(admin.id), hours=-2)
    with pytest.raises(NotYourBooking):
        await answer(db, clock, booking, stranger, accept=True)
    with pytest.raises(ProposalNotAllowed):
        await propose(db, clock, booking, Actor.admin(admin.id), hours=0)


async def test_a_time_not_offered_or_taken_is_refused(db: Database, clock: FrozenClock) -> None:
    booking, member, _performer_user = await confirmed_booking(db, clock)
    by = await performer_actor(db, booking)
    with pytest.raises(SlotUnavailable):
        await propose(db, clock, booking, by, hours=-17)  # 01:00 in the performer's night
    proposal = await propose(db, clock, booking, by, hours=-2)
    # Someone else holds the proposed time before the member answers.
    async with db.transaction() as s:
        rival = await make_user(s, clock.now())
        performer = await s.get(Performer, booking.performer_id)
        assert performer is not None
        await bookings.place_hold(
            s,
            user=rival,
            performer=performer,
            start_at=proposal.new_start,
            duration=booking.duration_minutes,
            now=clock.now(),
            rules=RULES,
        )
    with pytest.raises(SlotTaken):
        await answer(db, clock, booking, member, accept=True)
    assert await start_of(db, booking) == booking.start_at
    # The member can still keep their time.
    assert (await answer(db, clock, booking, member, accept=False)).proposal.status == "declined"


async def test_a_proposal_lapses_when_the_call_moved_meanwhile(
    db: Database, clock: FrozenClock
) -> None:
    booking, member, _performer_user = await confirmed_booking(db, clock)
    by = await performer_actor(db, booking)
    await propose(db, clock, booking, by, hours=-2)
    async with db.transaction() as s:
        b = await bookings.get_booking(s, booking.public_id, lock=True)
        performer = await s.get(Performer, b.performer_id)
        assert performer is not None
        await bookings.reschedule(
            s,
            b,
            performer,
            new_start=b.start_at - timedelta(hours=1),
            by=Actor.member(member.id),
            now=clock.now(),
            rules=RULES,
        )
    with pytest.raises(NoOpenProposal):
        await answer(db, clock, booking, member, accept=True)
