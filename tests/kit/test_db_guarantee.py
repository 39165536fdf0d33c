"""The database itself refuses double booking (F-AV-6), whatever the code above it does."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert, text, update
from sqlalchemy.exc import IntegrityError

from pnplive.booking import service
from pnplive.booking.models import Booking, SlotCell
from pnplive.booking.rules import BookingRules
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
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
