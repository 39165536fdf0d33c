"""Money that did not confirm a booking never becomes earnings, and earnings become payable
only once the call can no longer be refunded (issue 7, defect 3)."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from pnplive.booking.models import Booking
from pnplive.earning import service as earning
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.payment import service
from pnplive.payment.errors import PayoutNotAllowed
from tests.payment import support
from tests.payment.signers import SIGNERS, Paid

pytestmark = pytest.mark.asyncio
PROVIDERS = support.all_providers()
SANDBOX = next(s for s in SIGNERS if s.provider == "sandbox")


async def pay(
    db: Database, clock: FrozenClock, *, amount: int | None = None, performer_id: int | None = None
) -> support.Setup:
    setup = await support.pending_booking(db, clock, days=2, performer_id=performer_id)
    p = await service.start_checkout(
        db,
        setup.booking_id,
        providers=PROVIDERS,
        clock=clock,
        public_base_url="http://testserver",
        provider="sandbox",
    )
    body, headers = SANDBOX.paid(p, clock.now(), Paid(amount=amount))
    await service.process_webhook(db, "sandbox", body, headers, providers=PROVIDERS, clock=clock)
    return setup


async def balance(db: Database, performer_id: int) -> earning.Balance | None:
    async with db.transaction() as s:
        found = await earning.balances(s, performer_id)
    return found[0] if found else None


async def set_status(db: Database, booking_id: str, status: str) -> None:
    async with db.transaction() as s:
        await s.execute(
            update(Booking).where(Booking.public_id == booking_id).values(status=status)
        )


async def payout(db: Database, clock: FrozenClock, performer_id: int, amount: int) -> None:
    async with db.transaction() as s:
        await earning.record_payout(
            s,
            performer_id=performer_id,
            amount=amount,
            currency="USD",
            method="bank",
            reference="r",
            note="",
            recorded_by=None,
            now=clock.now(),
        )


async def test_an_underpayment_never_credits_the_performer(
    db: Database, clock: FrozenClock
) -> None:
    short = await pay(db, clock, amount=100)  # 1.00 paid for a 60.00 call: flagged
    b = await balance(db, short.performer_id)
    assert b is None or (b.earnings, b.available) == (0, 0)
    with pytest.raises(PayoutNotAllowed):
        await payout(db, clock, short.performer_id, 70)


async def test_earnings_are_payable_once_the_call_is_over(db: Database, clock: FrozenClock) -> None:
    first = await pay(db, clock)  # 6000 paid, 4200 the performer's share
    b = await balance(db, first.performer_id)
    assert b is not None and (b.earnings, b.pending, b.available) == (4200, 4200, 0)
    with pytest.raises(PayoutNotAllowed):  # still refundable: a no-show would give it back
        await payout(db, clock, first.performer_id, 100)
    await set_status(db, first.booking_id, "completed")
    b = await balance(db, first.performer_id)
    assert b is not None and (b.pending, b.available) == (0, 4200)
    await payout(db, clock, first.performer_id, 4000)
    b = await balance(db, first.performer_id)
    assert b is not None and (b.available, b.balance) == (200, 200)
    with pytest.raises(PayoutNotAllowed):
        await payout(db, clock, first.performer_id, 201)
