"""Entering a call: our join links (``/j/<token>``) and the joins and leaves providers report.

A link lets its participant in from the early-join window until the end plus the grace; before
that it says when the room opens, afterwards (or once the call is over or cancelled) it refuses,
with no way back in (F-BK-8).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.booking import service as bookings
from pnplive.booking.events import CALL_STATES
from pnplive.booking.models import Booking
from pnplive.booking.states import Status
from pnplive.errors import NotFound
from pnplive.performer.models import Performer
from pnplive.user.models import User
from pnplive.video import calls
from pnplive.video.models import Activity, CallRoom, Side
from pnplive.video.passes import by_token, side_of_provider_user
from pnplive.video.providers.base import CallEvent, EventKind
from pnplive.video.timing import CallTiming

LINK_SOURCE = "link"


class JoinLinkNotFound(NotFound):
    code = "join_link_not_found"


class Entry(StrEnum):
    ENTER = "enter"  # redirect to the room
    TOO_EARLY = "too_early"  # the room opens at ``opens``
    PREPARING = "preparing"  # in the window, the room is being opened: try again shortly
    OVER = "over"  # completed, missed, cancelled or past the window: no entry


@dataclass(frozen=True, slots=True)
class JoinDecision:
    entry: Entry
    booking: str
    status: str
    performer_name: str
    start: datetime
    opens: datetime
    closes: datetime
    zone: str  # the viewer's zone, for the page
    language: str
    room_url: str | None = None


async def use_link(
    session: AsyncSession, token: str, now: datetime, timing: CallTiming
) -> JoinDecision:
    """What a join link does now; an entry is recorded as a join (which may make the call live)."""
    pass_ = await by_token(session, token)
    if pass_ is None or pass_.revoked_at is not None:
        raise JoinLinkNotFound("this join link does not exist")
    public_id = await session.scalar(
        select(Booking.public_id).where(Booking.id == pass_.booking_id)
    )
    assert public_id is not None
    booking = await bookings.get_booking(session, public_id, lock=True)
    performer = await session.get(Performer, booking.performer_id)
    assert performer is not None
    user = await session.get(User, pass_.user_id) if pass_.user_id is not None else None
    side = Side(pass_.side)
    if side is Side.PERFORMER:
        zone = performer.timezone
    else:
        zone = user.timezone if user is not None else booking.user_timezone
    opens, closes = timing.opens(booking.start_at), timing.closes(booking.end_at)

    def decide(entry: Entry, room_url: str | None = None) -> JoinDecision:
        return JoinDecision(
            entry=entry,
            booking=booking.public_id,
            status=booking.status,
            performer_name=performer.display_name,
            start=booking.start_at,
            opens=opens,
            closes=closes,
            zone=zone,
            language=user.language if user is not None else "en",
            room_url=room_url,
        )

    if Status(booking.status) not in CALL_STATES or now > closes:
        return decide(Entry.OVER)
    if now < opens:
        return decide(Entry.TOO_EARLY)
    if pass_.room_url is None:
        return decide(Entry.PREPARING)
    await calls.record(
        session,
        booking,
        side,
        Activity.JOINED,
        at=now,
        now=now,
        source=LINK_SOURCE,
        timing=timing,
    )
    return decide(Entry.ENTER, pass_.room_url)


_KINDS = {
    EventKind.JOINED: Activity.JOINED,
    EventKind.LEFT: Activity.LEFT,
    EventKind.ENDED: Activity.ENDED,
}


async def apply_events(
    session: AsyncSession,
    provider: str,
    events: Sequence[CallEvent],
    now: datetime,
    timing: CallTiming,
) -> int:
    """Record what a provider's webhook reported; returns how many events were new. Events for
    rooms we do not know (another deployment's, or long gone) are acknowledged and ignored."""
    fresh = 0
    for event in events:
        booking_id = await session.scalar(
            select(CallRoom.booking_id).where(
                CallRoom.provider == provider, CallRoom.room_name == event.room_name
            )
        )
        if booking_id is None:
            continue
        public_id = await session.scalar(select(Booking.public_id).where(Booking.id == booking_id))
        assert public_id is not None
        booking = await bookings.get_booking(session, public_id, lock=True)
        who = side_of_provider_user(event.user_id)
        side = who[1] if who is not None and who[0] == booking.public_id else None
        if event.kind is not EventKind.ENDED and side is None:
            continue  # a participant we did not invite (not ours to record)
        if await calls.record(
            session,
            booking,
            side,
            _KINDS[event.kind],
            at=event.at,
            now=now,
            source=provider,
            event_id=event.event_id,
            timing=timing,
        ):
            fresh += 1
    return fresh
