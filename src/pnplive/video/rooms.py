"""Opening and closing a booking's room. The provider is called with no transaction open:
the facts are read first, the room is opened, and the result is stored in a second transaction
that re-checks the booking (a call cancelled or moved meanwhile gets its fresh room closed)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.booking import service as bookings
from pnplive.booking.events import CALL_STATES
from pnplive.booking.models import Booking
from pnplive.booking.states import Status
from pnplive.kit.clock import Clock
from pnplive.kit.db import Database
from pnplive.performer.models import Performer
from pnplive.user.models import User
from pnplive.video.calls import release_presence, schedule_check
from pnplive.video.models import CallRoom, RoomStatus, Side
from pnplive.video.passes import ensure_passes, provider_user_id
from pnplive.video.providers.base import OpenedRoom, Participant, RoomRequest, VideoProvider
from pnplive.video.timing import CallTiming
from pnplive.worker.queue import enqueue

CLOSE_ROOM_JOB = "call_room_close"


async def room_of(session: AsyncSession, booking_id: int) -> CallRoom | None:
    room: CallRoom | None = await session.scalar(
        select(CallRoom).where(CallRoom.booking_id == booking_id)
    )
    return room


def _is_current(booking: Booking, sequence: int) -> bool:
    return Status(booking.status) in CALL_STATES and booking.reschedule_count == sequence


async def prepare(
    db: Database,
    provider: VideoProvider,
    public_id: str,
    sequence: int,
    clock: Clock,
    timing: CallTiming,
) -> str:
    """The ``call_scheduled`` job: passes, the lifecycle check, and the room for this timing."""
    async with db.transaction() as session:
        booking = await session.scalar(select(Booking).where(Booking.public_id == public_id))
        if booking is None or not _is_current(booking, sequence):
            return "skipped: no such call at this time"
        performer = await session.get(Performer, booking.performer_id)
        member = await session.get(User, booking.user_id)
        assert performer is not None and member is not None
        passes = await ensure_passes(session, booking, performer, clock.now())
        await schedule_check(session, booking, clock.now(), timing)
        room = await room_of(session, booking.id)
        if (
            room is not None
            and room.status == RoomStatus.OPEN.value
            and room.sequence == sequence
            and all(p.room_url for p in passes.values())
        ):
            return "room ready"
        request = RoomRequest(
            booking_id=public_id,
            not_before=timing.opens(booking.start_at),
            expires=timing.closes(booking.end_at),
            participants=(
                Participant(provider_user_id(booking, Side.MEMBER), member.shown_name, False),
                Participant(
                    provider_user_id(booking, Side.PERFORMER), performer.display_name, True
                ),
            ),
        )
    opened = await provider.open_room(request)
    if await _store(db, public_id, sequence, opened, clock.now()):
        return f"room {opened.room_name} opened"
    await provider.close_room(opened.room_name)
    return "skipped: the call changed while its room was opened"


async def _store(
    db: Database, public_id: str, sequence: int, opened: OpenedRoom, now: datetime
) -> bool:
    async with db.transaction() as session:
        booking = await bookings.get_booking(session, public_id, lock=True)
        if not _is_current(booking, sequence):
            return False
        room = await room_of(session, booking.id)
        if room is None:
            room = CallRoom(booking_id=booking.id, opened_at=now)
            session.add(room)
        elif room.status == RoomStatus.OPEN.value and room.room_name != opened.room_name:
            # The call moved: its earlier room goes (tokens there were for the old times).
            await _queue_close(session, public_id, room.provider, room.room_name, now)
        room.provider = opened.provider
        room.room_name = opened.room_name
        room.status = RoomStatus.OPEN.value
        room.sequence = sequence
        room.opened_at = now
        room.closed_at = None
        performer = await session.get(Performer, booking.performer_id)
        assert performer is not None
        for side, pass_ in (await ensure_passes(session, booking, performer, now)).items():
            pass_.room_url = opened.join_urls[provider_user_id(booking, side)]
        return True


async def _queue_close(
    session: AsyncSession, public_id: str, provider: str, room_name: str, now: datetime
) -> None:
    await enqueue(
        session,
        CLOSE_ROOM_JOB,
        f"{public_id}:{room_name}"[:128],
        due_at=now,
        now=now,
        payload={"provider": provider, "room": room_name},
    )


async def call_over(db: Database, public_id: str, clock: Clock) -> str:
    """The ``call_over`` job: the call ended, was cancelled or was missed: close its room and
    give the performer their presence back."""
    async with db.transaction() as session:
        booking = await session.scalar(select(Booking).where(Booking.public_id == public_id))
        if booking is None:
            return "skipped: no such booking"
        await release_presence(session, booking.performer_id, clock.now())
        room = await room_of(session, booking.id)
        if room is None or room.status != RoomStatus.OPEN.value:
            return "no room to close"
        room.status = RoomStatus.CLOSED.value
        room.closed_at = clock.now()
        await _queue_close(session, public_id, room.provider, room.room_name, clock.now())
    return "room closing"


async def close_room(provider: VideoProvider, payload: dict[str, object]) -> str:
    """The ``call_room_close`` job: ask the provider to end the room (retried on failure)."""
    if payload.get("provider") != provider.name:
        return f"skipped: room of another provider ({payload.get('provider')})"
    await provider.close_room(str(payload["room"]))
    return "closed"
