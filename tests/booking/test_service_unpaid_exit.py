"""A booking that stops being payable closes its provider checkouts, whoever stops it.

Every way out of ``pending_payment`` into a non-paid state (a lapse done by another writer, a
replaced hold, a cancellation by anyone, the worker's lapse) writes one job, keyed by the booking,
in the same transaction; the worker then expires every open checkout of that booking.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pnplive.booking import service
from pnplive.booking.models import Booking
from pnplive.booking.states import Status
from pnplive.kit.actor import Actor
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.kit.jobs import Job
from pnplive.payment import service as payments
from pnplive.payment.models import Payment, PaymentStatus
from pnplive.performer.models import Performer
from pnplive.user.models import User
from pnplive.worker.app import build_runner
from tests.factories import actor_as, make_user
from tests.payment import support

PROVIDERS = support.all_providers()
RULES = support.RULES
pytestmark = pytest.mark.asyncio


async def payable(db: Database, clock: FrozenClock) -> tuple[support.Setup, Payment]:
    """A pending booking with an open sandbox checkout."""
    setup = await support.pending_booking(db, clock)
    p = await payments.start_checkout(
        db,
        setup.booking_id,
        providers=PROVIDERS,
        clock=clock,
        public_base_url="http://testserver",
        provider="sandbox",
    )
    assert p.status == PaymentStatus.OPEN and p.checkout_id
    return setup, p


async def close_jobs(db: Database) -> list[Job]:
    async with db.transaction() as s:
        q = select(Job).where(Job.kind == service.CLOSE_CHECKOUTS_JOB).order_by(Job.id)
        return list((await s.scalars(q)).all())


async def assert_closed(db: Database, clock: FrozenClock, setup: support.Setup, p: Payment) -> None:
    """The worker expires the checkout, through the one job keyed by the booking."""
    await build_runner(db, clock, PROVIDERS).tick()
    assert (await support.payment(db, p.public_id)).status == PaymentStatus.EXPIRED
    (job,) = await close_jobs(db)
    assert job.key == setup.booking_id and job.done_at is not None
    assert job.created_at == clock.now() and job.last_error is None


async def test_a_lapse_done_by_another_writer_closes_the_checkout(
    db: Database, clock: FrozenClock
) -> None:
    setup, p = await payable(db, clock)
    clock.advance(minutes=RULES.payment_timeout_minutes + 1)
    async with db.transaction() as s:
        other = await make_user(s, clock.now())
        performer = await s.get(Performer, setup.performer_id)
        assert performer is not None
        # Its hold needs the lapsed booking's time: the lapse happens inline, here.
        await service.place_hold(
            s,
            user=other,
            performer=performer,
            start_at=support.at(clock),
            duration=30,
            now=clock.now(),
            rules=RULES,
        )
        closing = select(Job).where(Job.kind == service.CLOSE_CHECKOUTS_JOB)
        assert [j.key for j in (await s.scalars(closing)).all()] == [setup.booking_id]
    assert (await support.booking(db, setup.booking_id)).status == Status.EXPIRED
    await assert_closed(db, clock, setup, p)


async def test_a_replaced_hold_closes_the_checkout(db: Database, clock: FrozenClock) -> None:
    setup, p = await payable(db, clock)
    async with db.transaction() as s:
        user = await s.get(User, setup.user_id)
        performer = await s.get(Performer, setup.performer_id)
        assert user is not None and performer is not None
        await service.place_hold(
            s,
            user=user,
            performer=performer,
            start_at=support.at(clock, hour=15),
            duration=30,
            now=clock.now(),
            rules=RULES,
        )
    assert (await support.booking(db, setup.booking_id)).status == Status.CANCELLED
    await assert_closed(db, clock, setup, p)


@pytest.mark.parametrize("by", ["user", "performer", "admin"])
async def test_a_cancellation_closes_the_checkout(
    db: Database, clock: FrozenClock, by: str
) -> None:
    setup, p = await payable(db, clock)
    async with db.transaction() as s:
        b = await service.get_booking(s, setup.booking_id, lock=True)
        c = await service.cancel(s, b, by=actor_as(by, b), now=clock.now(), rules=RULES)
        assert not c.was_paid
    assert (await support.booking(db, setup.booking_id)).status == Status.CANCELLED
    await assert_closed(db, clock, setup, p)


async def test_the_workers_lapse_closes_the_checkout(db: Database, clock: FrozenClock) -> None:
    setup, p = await payable(db, clock)
    clock.advance(minutes=RULES.payment_timeout_minutes)
    await assert_closed(db, clock, setup, p)
    assert (await support.booking(db, setup.booking_id)).status == Status.EXPIRED


async def test_the_job_is_written_in_the_same_transaction(db: Database, clock: FrozenClock) -> None:
    setup, p = await payable(db, clock)

    class Abandon(Exception):
        pass

    with pytest.raises(Abandon):
        async with db.transaction() as s:
            b = await service.get_booking(s, setup.booking_id, lock=True)
            await service.cancel(s, b, by=actor_as("user", b), now=clock.now(), rules=RULES)
            closing = select(Job).where(Job.kind == service.CLOSE_CHECKOUTS_JOB)
            assert len((await s.scalars(closing)).all()) == 1
            raise Abandon
    assert await close_jobs(db) == []
    assert (await support.booking(db, setup.booking_id)).status == Status.PENDING_PAYMENT
    assert (await support.payment(db, p.public_id)).status == PaymentStatus.OPEN


async def test_paying_or_dropping_a_bare_hold_writes_no_job(
    db: Database, clock: FrozenClock
) -> None:
    # Paid: the booking stays payable-and-paid; a hold never had a checkout (one opens only
    # for a pending_payment booking), so there is nothing to close.
    setup, _p = await payable(db, clock)
    async with db.transaction() as s:
        b = await service.get_booking(s, setup.booking_id, lock=True)
        await service.apply_payment(s, b, now=clock.now())
    async with db.transaction() as s:
        user = await make_user(s, clock.now())
        performer = await s.get(Performer, setup.performer_id)
        assert performer is not None
        held = await service.place_hold(
            s,
            user=user,
            performer=performer,
            start_at=support.at(clock, hour=15),
            duration=30,
            now=clock.now(),
            rules=RULES,
        )
        await service.cancel(s, held, by=Actor.member(user.id), now=clock.now(), rules=RULES)
    clock.advance(minutes=RULES.hold_minutes)
    await build_runner(db, clock, PROVIDERS).tick()
    assert await close_jobs(db) == []
    async with db.transaction() as s:
        statuses = sorted((await s.scalars(select(Booking.status))).all())
    assert statuses == [Status.CANCELLED, Status.CONFIRMED]


async def test_a_checkout_still_being_created_is_closed_once_it_exists(
    db: Database, clock: FrozenClock
) -> None:
    # The provider is called between two transactions: a lapse can land in between. The job
    # waits (retries) until the attempt is settled, then closes it.
    setup = await support.pending_booking(db, clock)
    async with db.transaction() as s:
        prepared = await payments.prepare_checkout(
            s,
            setup.booking_id,
            providers=PROVIDERS,
            now=clock.now(),
            public_base_url="http://testserver",
            provider="sandbox",
        )
    assert prepared.request is not None and prepared.provider is not None
    async with db.transaction() as s:
        b = await service.get_booking(s, setup.booking_id, lock=True)
        await service.cancel(s, b, by=actor_as("user", b), now=clock.now(), rules=RULES)
    runner = build_runner(db, clock, PROVIDERS)
    await runner.tick()
    (job,) = await close_jobs(db)
    assert job.done_at is None and job.last_error  # retried later
    checkout = await prepared.provider.create_checkout(prepared.request)
    async with db.transaction() as s:
        await payments.finish_checkout(s, prepared.payment.id, checkout, clock.now())
    clock.advance(minutes=5)
    await runner.tick()
    assert (await support.payment(db, prepared.payment.public_id)).status == PaymentStatus.EXPIRED
    (job,) = await close_jobs(db)
    assert job.done_at is not None
