"""Booking use cases past the hold: confirm, pay (also late), cancel, reschedule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from pnplive.booking import service
from pnplive.booking.errors import (
    CancelNotAllowed,
    ConsentRequired,
    NotYourBooking,
    RescheduleNotAllowed,
    SlotTaken,
)
from pnplive.booking.models import Booking, BookingEvent, SlotCell
from pnplive.booking.rules import BookingRules
from pnplive.booking.service import PaymentOutcome
from pnplive.booking.states import Status
from pnplive.kit.actor import Actor
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.performer import service as performers
from pnplive.performer.models import Performer
from pnplive.performer.schemas import PerformerUpdate
from pnplive.user.models import User
from tests.booking.test_holds import at, hold, setup
from tests.factories import actor_as

RULES = BookingRules()
pytestmark = pytest.mark.asyncio


async def pending(
    db: Database, clock: FrozenClock, user: User, performer: Performer, **kw: int
) -> Booking:
    b = await hold(db, clock, user, performer, at(clock, **kw), 60)
    async with db.transaction() as s:
        booking = await service.get_booking(s, b.public_id)
        return await service.confirm_hold(
            s, booking, now=clock.now(), rules=RULES, actor_id=user.id
        )


async def reload(db: Database, booking: Booking) -> Booking:
    async with db.transaction() as s:
        return await service.get_booking(s, booking.public_id)


async def pay(db: Database, clock: FrozenClock, booking: Booking) -> PaymentOutcome:
    async with db.transaction() as s:
        b = await service.get_booking(s, booking.public_id)
        return await service.apply_payment(s, b, now=clock.now())


async def test_confirm_then_pay_in_time(db: Database, clock: FrozenClock) -> None:
    performer, (user,) = await setup(db, clock)
    b = await pending(db, clock, user, performer)
    assert b.status == Status.PENDING_PAYMENT
    assert b.expires_at == clock.now() + timedelta(minutes=RULES.payment_timeout_minutes)
    assert await pay(db, clock, b) is PaymentOutcome.CONFIRMED
    assert await pay(db, clock, b) is PaymentOutcome.ALREADY_CONFIRMED
    b = await reload(db, b)
    assert b.status == Status.CONFIRMED and b.expires_at is None and b.paid_at == clock.now()
    async with db.transaction() as s:
        hist = (await s.scalars(select(BookingEvent).order_by(BookingEvent.id))).all()
    assert [(e.from_status, e.to_status) for e in hist] == [
        (None, "held"),
        ("held", "pending_payment"),
        ("pending_payment", "confirmed"),
    ]


async def test_confirming_a_lapsed_hold_fails_and_frees_it(
    db: Database, clock: FrozenClock
) -> None:
    performer, (user,) = await setup(db, clock)
    b = await hold(db, clock, user, performer, at(clock), 60)
    clock.advance(minutes=RULES.hold_minutes + 1)
    with pytest.raises(SlotTaken):
        async with db.transaction() as s:
            booking = await service.get_booking(s, b.public_id)
            await service.confirm_hold(s, booking, now=clock.now(), rules=RULES, actor_id=user.id)
    # The refused confirmation rolled back as a whole; the worker's expiry then frees it.
    async with db.transaction() as s:
        assert await service.expire_due(s, clock.now()) == [b.public_id]


async def test_late_payment_with_the_slot_still_free_confirms(
    db: Database, clock: FrozenClock
) -> None:
    performer, (user,) = await setup(db, clock)
    b = await pending(db, clock, user, performer)
    clock.advance(minutes=30)
    async with db.transaction() as s:
        await service.expire_due(s, clock.now())
    assert (await reload(db, b)).status == Status.EXPIRED
    assert await pay(db, clock, b) is PaymentOutcome.CONFIRMED
    b = await reload(db, b)
    assert b.status == Status.CONFIRMED
    async with db.transaction() as s:
        cells = (await s.scalars(select(SlotCell).where(SlotCell.booking_id == b.id))).all()
    assert len(cells) == 12


async def test_late_payment_on_a_taken_slot_needs_a_refund(
    db: Database, clock: FrozenClock
) -> None:
    performer, (u1, u2) = await setup(db, clock, users=2)
    b = await pending(db, clock, u1, performer)
    clock.advance(minutes=30)
    taker = await hold(db, clock, u2, performer, at(clock, minute=30), 60)  # lapses b's hold
    assert (await reload(db, b)).status == Status.EXPIRED
    assert await pay(db, clock, b) is PaymentOutcome.REFUND_NEEDED
    assert (await reload(db, b)).status == Status.EXPIRED
    assert (await reload(db, taker)).status == Status.HELD


async def test_user_cancellation_follows_the_policy(db: Database, clock: FrozenClock) -> None:
    performer, (user,) = await setup(db, clock)
    b = await pending(db, clock, user, performer, days=3)
    await pay(db, clock, b)
    async with db.transaction() as s:
        booking = await service.get_booking(s, b.public_id)
        c = await service.cancel(s, booking, by=Actor.member(user.id), now=clock.now(), rules=RULES)
    assert c.was_paid and c.refund.amount == b.amount
    b = await reload(db, b)
    assert b.status == Status.CANCELLED and b.cancelled_by == "user"
    async with db.transaction() as s:
        assert (await s.scalars(select(SlotCell))).all() == []


async def test_user_cannot_cancel_after_the_cutoff(db: Database, clock: FrozenClock) -> None:
    performer, (user,) = await setup(db, clock)
    b = await pending(db, clock, user, performer)
    await pay(db, clock, b)
    clock.set(b.start_at - timedelta(hours=1))
    with pytest.raises(CancelNotAllowed):
        async with db.transaction() as s:
            booking = await service.get_booking(s, b.public_id)
            await service.cancel(s, booking, by=Actor.member(user.id), now=clock.now(), rules=RULES)
    async with db.transaction() as s:
        booking = await service.get_booking(s, b.public_id)
        c = await service.cancel(
            s, booking, by=actor_as("performer", booking), now=clock.now(), rules=RULES
        )
    assert c.refund.amount == b.amount


async def test_reschedule_moves_cells_and_keeps_the_price(db: Database, clock: FrozenClock) -> None:
    performer, (u1, u2) = await setup(db, clock, users=2)
    b = await pending(db, clock, u1, performer)
    await pay(db, clock, b)
    async with db.transaction() as s:
        p = await s.get(Performer, performer.id)
        assert p is not None
        await performers.update(s, p, PerformerUpdate(price_per_minute=999), clock.now())
    other = await hold(db, clock, u2, performer, at(clock, hour=15), 60)
    async with db.transaction() as s:
        p = await s.get(Performer, performer.id)
        booking = await service.get_booking(s, b.public_id)
        assert p is not None
        with pytest.raises(SlotTaken):
            await service.reschedule(
                s,
                booking,
                p,
                new_start=at(clock, hour=15, minute=30),
                by=Actor.admin(),
                now=clock.now(),
                rules=RULES,
            )
    async with db.transaction() as s:
        p = await s.get(Performer, performer.id)
        booking = await service.get_booking(s, b.public_id)
        assert p is not None
        await service.reschedule(
            s,
            booking,
            p,
            new_start=at(clock, hour=17),
            by=Actor.member(u1.id),
            now=clock.now(),
            rules=RULES,
        )
    b = await reload(db, b)
    assert b.start_at == at(clock, hour=17) and b.amount == 200 * 60 and b.reschedule_count == 1
    # The old time is free again.
    async with db.transaction() as s:
        starts = (
            await s.scalars(select(SlotCell.cell_start).where(SlotCell.booking_id == b.id))
        ).all()
    assert min(starts) == at(clock, hour=17)
    assert (await reload(db, other)).status == Status.HELD


async def test_only_confirmed_bookings_move(db: Database, clock: FrozenClock) -> None:
    performer, (user,) = await setup(db, clock)
    b = await pending(db, clock, user, performer)
    async with db.transaction() as s:
        p = await s.get(Performer, performer.id)
        booking = await service.get_booking(s, b.public_id)
        assert p is not None
        with pytest.raises(RescheduleNotAllowed):
            await service.reschedule(
                s,
                booking,
                p,
                new_start=at(clock, hour=17),
                by=Actor.member(user.id),
                now=clock.now(),
                rules=RULES,
            )


async def test_the_payment_deadline_never_passes_the_start(
    db: Database, clock: FrozenClock
) -> None:
    from pnplive.booking.instant import place_instant_hold
    from pnplive.performer.models import Presence

    performer, (user,) = await setup(db, clock)
    async with db.transaction() as s:
        p = await s.get(Performer, performer.id)
        u = await s.get(User, user.id)
        assert p is not None and u is not None
        await performers.set_presence(s, p, Presence.ONLINE, clock.now())
        b = await place_instant_hold(
            s, user=u, performer=p, duration=15, now=clock.now(), rules=RULES
        )
        await service.confirm_hold(s, b, now=clock.now(), rules=RULES, actor_id=u.id)
    assert b.start_at - clock.now() < timedelta(minutes=RULES.payment_timeout_minutes)
    assert b.expires_at == b.start_at


async def test_the_service_refuses_whoever_may_not_cancel_or_move(
    db: Database, clock: FrozenClock
) -> None:
    performer, (owner, stranger) = await setup(db, clock, users=2)
    b = await pending(db, clock, owner, performer, days=3)
    await pay(db, clock, b)
    async with db.transaction() as s:
        booking = await service.get_booking(s, b.public_id, lock=True)
        p = await s.get(Performer, performer.id)
        assert p is not None
        with pytest.raises(NotYourBooking):
            await service.cancel(
                s, booking, by=Actor.member(stranger.id), now=clock.now(), rules=RULES
            )
        with pytest.raises(NotYourBooking):
            await service.cancel(
                s, booking, by=Actor.of_performer(p.id + 1), now=clock.now(), rules=RULES
            )
        with pytest.raises(ConsentRequired):
            await service.reschedule(
                s,
                booking,
                p,
                new_start=at(clock, hour=17, days=3),
                by=Actor.of_performer(p.id),
                now=clock.now(),
                rules=RULES,
            )
    assert (await reload(db, b)).status == Status.CONFIRMED
    # The history names the party, as it always has: "user", "performer", "admin".
    async with db.transaction() as s:
        booking = await service.get_booking(s, b.public_id, lock=True)
        p = await s.get(Performer, performer.id)
        assert p is not None
        await service.reschedule(
            s,
            booking,
            p,
            new_start=at(clock, hour=17, days=3),
            by=Actor.admin(user_id=owner.id),  # an admin acts as an admin, even on their own
            now=clock.now(),
            rules=RULES,
        )
        await service.cancel(
            s, booking, by=Actor.of_performer(p.id, user_id=None), now=clock.now(), rules=RULES
        )
    async with db.transaction() as s:
        actors = (
            await s.scalars(
                select(BookingEvent.actor)
                .where(BookingEvent.booking_id == b.id)
                .order_by(BookingEvent.id)
            )
        ).all()
    assert actors[-2:] == ["admin", "performer"]
    assert (await reload(db, b)).cancelled_by == "performer"
