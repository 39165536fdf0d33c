"""One lock order for every writer (issue 7, defect 4): the performer's advisory lock, then the
booking row, then the payment row. Two writers taking them in opposite orders deadlock on
PostgreSQL (the review saw a cancel and a refund webhook do it); this records the order each
path takes its locks in and checks it never goes backwards."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import respx
from sqlalchemy import event, update

from pnplive.booking import service as bookings
from pnplive.kit.actor import Actor
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.payment import refunds, service
from pnplive.payment.models import Refund, RefundStatus
from pnplive.performer.models import Performer
from tests.payment import support
from tests.payment.signers import SIGNERS, session_object, stripe_event, stripe_sign
from tests.payment.test_stripe import charge_refunded

pytestmark = pytest.mark.asyncio
PROVIDERS = support.all_providers()
STRIPE = next(s for s in SIGNERS if s.provider == "stripe")
RANK = {"performer": 0, "bookings": 1, "payments": 2}
ROW_LOCK = re.compile(r"FROM (\w+)\b.*FOR UPDATE", re.S)


@pytest.fixture
def fake_stripe() -> Iterator[respx.Router]:
    with respx.mock(assert_all_called=False) as router:
        STRIPE.mock_checkout(router)
        yield router


class LockLog:
    """The locks a database's transactions take, in order (PostgreSQL only emits them)."""

    def __init__(self, db: Database) -> None:
        self.taken: list[str] = []
        event.listen(db.engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        # The first time each kind of lock is taken is what orders writers; taking one again
        # later in the same transaction waits for nobody.
        name = None
        if "pg_advisory_xact_lock" in statement:
            name = "performer"
        elif (match := ROW_LOCK.search(statement)) and match.group(1) in RANK:
            name = match.group(1)
        if name is not None and name not in self.taken:
            self.taken.append(name)

    def assert_in_order(self) -> None:
        ranks = [RANK[name] for name in self.taken]
        assert ranks == sorted(ranks), f"locks taken out of order: {self.taken}"


async def stripe_paid(db: Database, clock: FrozenClock, log: LockLog) -> tuple[Any, str]:
    setup = await support.pending_booking(db, clock, days=2)
    p = await service.start_checkout(
        db,
        setup.booking_id,
        providers=PROVIDERS,
        clock=clock,
        public_base_url="http://testserver",
        provider="stripe",
    )
    body = stripe_event("checkout.session.completed", session_object(p))
    log.taken.clear()
    await service.process_webhook(
        db, "stripe", body, stripe_sign(body, clock.now()), providers=PROVIDERS, clock=clock
    )
    return await support.payment(db, p.public_id), setup.booking_id


async def test_every_writer_takes_performer_then_booking_then_payment(
    db: Database, clock: FrozenClock, fake_stripe: respx.Router
) -> None:
    if db.dialect != "postgresql":
        pytest.skip("row and advisory locks are PostgreSQL's")
    log = LockLog(db)

    # A payment webhook confirming a booking.
    p, booking_id = await stripe_paid(db, clock, log)
    assert "payments" in log.taken and "performer" in log.taken
    log.assert_in_order()

    # A refund webhook completing a refund owed on that payment.
    async with db.transaction() as s:
        b = await bookings.get_booking(s, booking_id, lock=True)
        r = await refunds.refund_booking(
            s,
            b,
            amount=1000,
            reason="goodwill",
            requested_by="admin",
            actor_id=None,
            now=clock.now(),
        )
        await s.execute(
            update(Refund).where(Refund.id == r.id).values(status=RefundStatus.SUBMITTED.value)
        )
    log.taken.clear()
    body = charge_refunded(p, 1000)
    await service.process_webhook(
        db, "stripe", body, stripe_sign(body, clock.now()), providers=PROVIDERS, clock=clock
    )
    assert "payments" in log.taken and "bookings" in log.taken
    log.assert_in_order()

    # An admin moving the call to another time.
    log.taken.clear()
    async with db.transaction() as s:
        b = await bookings.get_booking(s, booking_id, lock=True)
        performer = await s.get(Performer, b.performer_id)
        assert performer is not None
        await bookings.reschedule(
            s,
            b,
            performer,
            new_start=support.at(clock, days=3),
            by=Actor.admin(),
            now=clock.now(),
            rules=support.RULES,
        )
    assert log.taken[:2] == ["performer", "bookings"]
    log.assert_in_order()

    # A cancellation that owes the rest back.
    log.taken.clear()
    async with db.transaction() as s:
        b = await bookings.get_booking(s, booking_id, lock=True)
        await refunds.cancel_booking(s, b, by=Actor.admin(), now=clock.now(), rules=support.RULES)
    assert "payments" in log.taken and "bookings" in log.taken
    log.assert_in_order()
