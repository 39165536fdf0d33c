"""What a booking's reader sees of its call: their join link when it is due, and (performers
and admins) the joins and leaves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.booking.events import CALL_STATES
from pnplive.booking.models import Booking
from pnplive.booking.states import Status
from pnplive.video.links import link_for_side
from pnplive.video.models import CallActivity, Side
from pnplive.video.timing import CallTiming


@dataclass(frozen=True, slots=True)
class ActivityView:
    at: datetime
    side: str | None
    kind: str
    source: str


@dataclass(frozen=True, slots=True)
class CallView:
    state: str  # the booking's status: confirmed (ahead), live, completed, no_show_* …
    opens_at: datetime
    closes_at: datetime
    join_url: str | None  # the reader's own link, only while the room may be entered
    activity: list[ActivityView] | None = None  # None unless asked for


async def call_view(
    session: AsyncSession,
    booking: Booking,
    *,
    side: Side | None,
    with_activity: bool,
    now: datetime,
    timing: CallTiming,
    base_url: str,
) -> CallView | None:
    """None for a booking that never became a call (held, unpaid, expired)."""
    if booking.paid_at is None and Status(booking.status) not in CALL_STATES:
        return None
    opens, closes = timing.opens(booking.start_at), timing.closes(booking.end_at)
    join_url = None
    if side is not None and Status(booking.status) in CALL_STATES and opens <= now <= closes:
        join_url = await link_for_side(session, booking, side, base_url)
    activity: list[ActivityView] | None = None
    if with_activity:
        rows = await session.scalars(
            select(CallActivity)
            .where(CallActivity.booking_id == booking.id)
            .order_by(CallActivity.at, CallActivity.id)
        )
        activity = [ActivityView(r.at, r.side, r.kind, r.source) for r in rows]
    return CallView(booking.status, opens, closes, join_url, activity)
