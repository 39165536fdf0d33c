"""Data minimalism (F-SAF-6): a booking that ended long ago keeps only its minimal record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from pnplive.booking import service as bookings
from pnplive.booking.models import BookingEvent
from pnplive.booking.states import Status
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.safety import incidents
from pnplive.safety.archive import archive_old
from pnplive.safety.models import Incident
from pnplive.video.models import CallActivity, CallPass, Side
from pnplive.worker.app import build_runner
from tests.payment.support import all_providers
from tests.video.support import VIDEO, RecordingProvider, paid_call, passes, run_due, worker
from tests.video.test_lifecycle import enter

pytestmark = pytest.mark.asyncio
AGE = timedelta(days=180)


async def finished_call(db: Database, clock: FrozenClock) -> str:
    """A call both sides joined, reported about afterwards, completed by the worker."""
    call = await paid_call(db, clock)
    provider = RecordingProvider()
    runner = worker(db, clock, provider)
    await run_due(runner)
    clock.set(call.start)
    await enter(db, clock, call.booking, Side.PERFORMER)
    await enter(db, clock, call.booking, Side.MEMBER)
    clock.set(call.end + timedelta(minutes=10))
    await run_due(runner)
    async with db.transaction() as s:
        await incidents.report(
            s,
            call.booking,
            call.member,
            None,
            category="harassment",
            text="Rude the whole call",
            end_call=False,
            now=clock.now(),
        )
        b = await bookings.get_booking(s, call.booking)
        b.cancel_reason = "a note that must not outlive the booking"
    return call.booking


async def test_old_bookings_keep_only_the_minimal_record(db: Database, clock: FrozenClock) -> None:
    public_id = await finished_call(db, clock)
    await finished_call(db, clock)  # a second one of the same age: both are archived below
    async with db.transaction() as s:
        assert await archive_old(s, clock.now(), AGE) == 0  # too young yet
    clock.advance(seconds=AGE.total_seconds() + 3600)
    async with db.transaction() as s:
        assert await archive_old(s, clock.now(), AGE) == 2
    archived_at = clock.now()
    young = await finished_call(db, clock)
    async with db.transaction() as s:
        b = await bookings.get_booking(s, public_id)
        before_status, start, end = b.status, b.start_at, b.end_at
        assert b.archived_at == archived_at
        assert b.cancel_reason is None and b.user_timezone == "UTC"
        # What stays: ids, times, duration, money, the call's status, joins and leaves.
        assert before_status == Status.COMPLETED.value and end - start == timedelta(minutes=30)
        assert b.amount > 0 and b.duration_minutes == 30
        history = (
            await s.scalars(select(BookingEvent).where(BookingEvent.booking_id == b.id))
        ).all()
        assert [e.to_status for e in history][-1] == Status.COMPLETED.value
        assert all(e.reason == "" for e in history)
        joined = (
            await s.scalars(select(CallActivity).where(CallActivity.booking_id == b.id))
        ).all()
        assert {a.kind for a in joined} >= {"joined"}
        report = await s.scalar(select(Incident).where(Incident.booking_id == b.id))
        assert report is not None and report.excerpt == "" and report.category == "harassment"
    for side, p in (await passes(db, public_id)).items():
        assert p.room_url is None and p.revoked_at is not None, side
    # A booking that ended recently is untouched, and a second run finds nothing left.
    async with db.transaction() as s:
        kept = await bookings.get_booking(s, young)
        assert kept.archived_at is None and kept.cancel_reason is not None
        assert await archive_old(s, clock.now(), AGE) == 0


async def test_the_worker_archives_old_bookings(db: Database, clock: FrozenClock) -> None:
    public_id = await finished_call(db, clock)
    runner = build_runner(
        db, clock, providers=all_providers(), video=RecordingProvider(), video_settings=VIDEO
    )
    clock.advance(seconds=AGE.total_seconds() + 3600)
    await runner.tick()
    async with db.transaction() as s:
        assert (await bookings.get_booking(s, public_id)).archived_at is not None
    async with db.transaction() as s:
        pass_rows = (await s.scalars(select(CallPass))).all()
    assert all(p.room_url is None for p in pass_rows)
