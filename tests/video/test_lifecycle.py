"""The call from 'paid' to 'over', driven by the worker with a moved clock (no sleeping)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from pnplive.booking import service as bookings
from pnplive.booking.models import BookingEvent
from pnplive.booking.states import Status
from pnplive.earning import service as earning
from pnplive.kit.actor import Actor
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.kit.jobs import Job
from pnplive.payment import ledger as ledger_service
from pnplive.payment.models import LedgerEntry, Refund
from pnplive.performer.models import Lifecycle, Performer, Presence
from pnplive.video import joins
from pnplive.video.joins import Entry
from pnplive.video.models import CallActivity, RoomStatus, Side
from pnplive.video.timing import CallTiming
from tests.payment.support import RULES
from tests.video.support import (
    VIDEO,
    RecordingProvider,
    booking,
    paid_call,
    passes,
    performer,
    room,
    run_due,
    worker,
)

pytestmark = pytest.mark.asyncio
TIMING = CallTiming.of(VIDEO)


async def enter(db: Database, clock: FrozenClock, public_id: str, side: Side) -> joins.JoinDecision:
    token = (await passes(db, public_id))[side].token
    async with db.transaction() as s:
        return await joins.use_link(s, token, clock.now(), TIMING)


async def jobs_of(db: Database, kind: str) -> list[Job]:
    async with db.transaction() as s:
        return list(await s.scalars(select(Job).where(Job.kind == kind).order_by(Job.id)))


async def test_a_confirmed_call_gets_a_room_with_one_url_per_participant(
    db: Database, clock: FrozenClock
) -> None:
    call = await paid_call(db, clock)
    provider = RecordingProvider()
    await run_due(worker(db, clock, provider))
    assert len(provider.opened) == 1
    request = provider.opened[0]
    assert request.not_before == call.start - timedelta(minutes=5)
    assert request.expires == call.end + timedelta(minutes=5)
    performer_name = (await performer(db, call.performer_id)).display_name
    assert [(p.name, p.moderator) for p in request.participants] == [
        ("Carlos", False),
        (performer_name, True),
    ]
    found = await passes(db, call.booking)
    assert {found[Side.MEMBER].room_url, found[Side.PERFORMER].room_url} == {
        f"https://video.test/room-1?as={call.booking}-member&mod=False",
        f"https://video.test/room-1?as={call.booking}-performer&mod=True",
    }
    assert found[Side.MEMBER].token != found[Side.PERFORMER].token
    r = await room(db, call.booking)
    assert r is not None and (r.room_name, r.status) == ("room-1", RoomStatus.OPEN.value)
    # The first look at the call is due when a no-show would be declared.
    checks = await jobs_of(db, "call_check")
    assert [j.due_at for j in checks] == [call.start + timedelta(minutes=10)]
    # Running the job again opens nothing more.
    await run_due(worker(db, clock, provider))
    assert len(provider.opened) == 1


async def test_both_join_the_call_goes_live_and_completes_after_the_grace(
    db: Database, clock: FrozenClock
) -> None:
    call = await paid_call(db, clock)
    provider = RecordingProvider()
    runner = worker(db, clock, provider)
    await run_due(runner)
    async with db.transaction() as s:
        p = await s.get(Performer, call.performer_id)
        assert p is not None
        p.presence = Presence.ONLINE.value

    clock.set(call.start - timedelta(minutes=2))
    decision = await enter(db, clock, call.booking, Side.PERFORMER)
    assert decision.entry is Entry.ENTER
    assert (await booking(db, call.booking)).status == Status.LIVE.value
    assert (await performer(db, call.performer_id)).presence == Presence.BUSY.value
    clock.set(call.start + timedelta(minutes=1))
    assert (await enter(db, clock, call.booking, Side.MEMBER)).entry is Entry.ENTER

    clock.set(call.start + timedelta(minutes=10))
    await run_due(runner)
    assert (await booking(db, call.booking)).status == Status.LIVE.value  # both came
    clock.set(call.end + timedelta(minutes=5) - timedelta(seconds=1))
    await run_due(runner)
    assert (await booking(db, call.booking)).status == Status.LIVE.value
    clock.set(call.end + timedelta(minutes=5))
    await run_due(runner)
    assert (await booking(db, call.booking)).status == Status.COMPLETED.value
    assert provider.closed == ["room-1"]
    r = await room(db, call.booking)
    assert r is not None and r.status == RoomStatus.CLOSED.value
    assert (await performer(db, call.performer_id)).presence == Presence.ONLINE.value
    assert [j.kind for j in await jobs_of(db, "booking_completed")] == ["booking_completed"]
    # No re-entry once the call is over (F-BK-8).
    assert (await enter(db, clock, call.booking, Side.MEMBER)).entry is Entry.OVER
    # The performer's earnings from this call can be paid out now.
    async with db.transaction() as s:
        balances = await earning.balances(s, call.performer_id)
    assert sum(b.available for b in balances) > 0


async def test_performer_no_show_refunds_everything_and_alerts_admins(
    db: Database, clock: FrozenClock
) -> None:
    call = await paid_call(db, clock)
    provider = RecordingProvider()
    runner = worker(db, clock, provider)
    await run_due(runner)
    clock.set(call.start + timedelta(minutes=1))
    await enter(db, clock, call.booking, Side.MEMBER)
    assert (await booking(db, call.booking)).status == Status.LIVE.value
    clock.set(call.start + timedelta(minutes=10) - timedelta(seconds=1))
    await run_due(runner)
    assert (await booking(db, call.booking)).status == Status.LIVE.value
    clock.set(call.start + timedelta(minutes=10))
    await run_due(runner, rounds=6)
    b = await booking(db, call.booking)
    # The refund went through the provider path and the booking is refunded.
    assert b.status == Status.REFUNDED.value
    async with db.transaction() as s:
        refunds = list(await s.scalars(select(Refund).where(Refund.booking_id == b.id)))
        ledger = list(await s.scalars(select(LedgerEntry).where(LedgerEntry.booking_id == b.id)))
        net_paid = await ledger_service.booking_net_paid(s, b.id)
        history = [
            e.to_status
            for e in await s.scalars(select(BookingEvent).where(BookingEvent.booking_id == b.id))
        ]
    assert [(r.amount, r.status) for r in refunds] == [(b.amount, "succeeded")]
    assert sorted((e.kind, e.amount) for e in ledger) == [
        ("payment", b.amount),
        ("refund", b.amount),
    ]
    assert net_paid == 0
    assert "no_show_performer" in history
    alerts = await jobs_of(db, "admin_alert")
    assert any(j.payload.get("kind") == "performer_no_show" for j in alerts)
    assert provider.closed == ["room-1"]


async def test_member_no_show_pays_the_performer_and_refunds_nothing(
    db: Database, clock: FrozenClock
) -> None:
    call = await paid_call(db, clock)
    provider = RecordingProvider()
    runner = worker(db, clock, provider)
    await run_due(runner)
    clock.set(call.start)
    await enter(db, clock, call.booking, Side.PERFORMER)
    clock.set(call.start + timedelta(minutes=10))
    await run_due(runner)
    b = await booking(db, call.booking)
    assert b.status == Status.NO_SHOW_USER.value
    async with db.transaction() as s:
        assert list(await s.scalars(select(Refund).where(Refund.booking_id == b.id))) == []
        balances = await earning.balances(s, call.performer_id)
    assert [(x.available, x.pending) for x in balances] == [(b.performer_amount, 0)]


async def test_nobody_joins_counts_as_the_performers_no_show(
    db: Database, clock: FrozenClock
) -> None:
    call = await paid_call(db, clock)
    runner = worker(db, clock, RecordingProvider())
    await run_due(runner)
    clock.set(call.start + timedelta(minutes=10))
    await run_due(runner, rounds=6)
    assert (await booking(db, call.booking)).status == Status.REFUNDED.value


async def test_repeated_no_shows_pause_the_performer(db: Database, clock: FrozenClock) -> None:
    first = await paid_call(db, clock, days=1, hour=10)
    second = await paid_call(db, clock, days=1, hour=14, performer_id=first.performer_id)
    runner = worker(db, clock, RecordingProvider())
    await run_due(runner)
    clock.set(first.start + timedelta(minutes=10))
    await run_due(runner, rounds=6)
    assert (await performer(db, first.performer_id)).status == Lifecycle.ACTIVE.value
    clock.set(second.start + timedelta(minutes=10))
    await run_due(runner, rounds=6)
    assert (await performer(db, first.performer_id)).status == Lifecycle.PAUSED.value
    alerts = await jobs_of(db, "admin_alert")
    assert [j.payload["kind"] for j in alerts].count("repeated_no_shows") == 1


async def test_a_reschedule_moves_the_room_and_the_checks(db: Database, clock: FrozenClock) -> None:
    call = await paid_call(db, clock, days=2, hour=10)
    provider = RecordingProvider()
    runner = worker(db, clock, provider)
    await run_due(runner)
    links_before = {s: p.token for s, p in (await passes(db, call.booking)).items()}
    new_start = call.start + timedelta(hours=3)
    async with db.transaction() as s:
        b = await bookings.get_booking(s, call.booking, lock=True)
        p = await s.get(Performer, b.performer_id)
        assert p is not None
        await bookings.reschedule(
            s, b, p, new_start=new_start, by=Actor.admin(), now=clock.now(), rules=RULES
        )
    await run_due(runner)
    assert [r.not_before for r in provider.opened] == [
        call.start - timedelta(minutes=5),
        new_start - timedelta(minutes=5),
    ]
    assert provider.closed == ["room-1"]
    found = await passes(db, call.booking)
    # Same links for the people; the room behind them is the new one.
    assert {s: p.token for s, p in found.items()} == links_before
    assert all("room-2" in (p.room_url or "") for p in found.values())
    # At the old time nothing happens; at the new one the no-show rule applies.
    clock.set(call.start + timedelta(minutes=10))
    await run_due(runner)
    assert (await booking(db, call.booking)).status == Status.CONFIRMED.value
    clock.set(new_start + timedelta(minutes=10))
    await run_due(runner, rounds=6)
    assert (await booking(db, call.booking)).status == Status.REFUNDED.value


async def test_a_cancelled_call_closes_its_room_and_its_links(
    db: Database, clock: FrozenClock
) -> None:
    call = await paid_call(db, clock, days=3)
    provider = RecordingProvider()
    runner = worker(db, clock, provider)
    await run_due(runner)
    async with db.transaction() as s:
        b = await bookings.get_booking(s, call.booking, lock=True)
        await bookings.transition(s, b, Status.CANCELLED, actor="admin", now=clock.now())
    await run_due(runner)
    assert provider.closed == ["room-1"]
    clock.set(call.start)
    assert (await enter(db, clock, call.booking, Side.MEMBER)).entry is Entry.OVER


async def test_a_provider_outage_is_retried_and_the_link_waits_meanwhile(
    db: Database, clock: FrozenClock
) -> None:
    call = await paid_call(db, clock, days=0, hour=20)
    provider = RecordingProvider(failing=True)
    runner = worker(db, clock, provider)
    await run_due(runner)
    assert provider.opened == []
    clock.set(call.start - timedelta(minutes=1))
    assert (await enter(db, clock, call.booking, Side.MEMBER)).entry is Entry.PREPARING
    provider.failing = False
    clock.advance(minutes=5)
    await run_due(runner)
    assert len(provider.opened) == 1
    assert (await enter(db, clock, call.booking, Side.MEMBER)).entry is Entry.ENTER


async def test_joins_are_recorded_once_per_provider_event(db: Database, clock: FrozenClock) -> None:
    call = await paid_call(db, clock)
    provider = RecordingProvider()
    await run_due(worker(db, clock, provider))
    event = joins.CallEvent(
        event_id="evt-1",
        kind=joins.EventKind.JOINED,
        room_name="room-1",
        user_id=f"{call.booking}-member",
        at=call.start,
    )
    stranger = joins.CallEvent(
        "evt-2", joins.EventKind.JOINED, "room-1", "someone-else", call.start
    )
    elsewhere = joins.CallEvent(
        "evt-3", joins.EventKind.JOINED, "room-9", f"{call.booking}-member", call.start
    )
    for _ in range(2):
        async with db.transaction() as s:
            await joins.apply_events(
                s, "recording", [event, stranger, elsewhere], call.start, TIMING
            )
    async with db.transaction() as s:
        rows = list(await s.scalars(select(CallActivity)))
    assert [(r.side, r.kind, r.event_id) for r in rows] == [("member", "joined", "evt-1")]
    assert (await booking(db, call.booking)).status == Status.LIVE.value
