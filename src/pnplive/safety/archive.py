"""Data minimalism (F-SAF-6): a booking that ended long ago keeps only its minimal record.

Kept: ids, times, duration, the money (the ledger needs it), payment and call status, and the
join and leave times. Dropped: free text about the booking (cancellation reason, the reasons in
its history, incident excerpts), the member's zone at booking time, and the ways into the call
(room links, which are revoked).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.booking.models import Booking, BookingEvent
from pnplive.booking.states import OCCUPYING, UNPAID
from pnplive.safety.models import Incident
from pnplive.video.models import CallPass

BATCH = 500  # bookings per run; the periodic task comes back for the rest
OPEN_STATES = [s.value for s in OCCUPYING | UNPAID]


async def archive_old(session: AsyncSession, now: datetime, after: timedelta) -> int:
    """Reduce up to ``BATCH`` bookings that ended before ``now - after``; how many."""
    ids = (
        await session.scalars(
            select(Booking.id)
            .where(
                Booking.archived_at.is_(None),
                Booking.end_at < now - after,
                Booking.status.not_in(OPEN_STATES),
            )
            .order_by(Booking.id)
            .limit(BATCH)
        )
    ).all()
    if not ids:
        return 0
    await session.execute(
        update(Booking)
        .where(Booking.id.in_(ids))
        .values(cancel_reason=None, user_timezone="UTC", archived_at=now)
    )
    await session.execute(
        update(BookingEvent).where(BookingEvent.booking_id.in_(ids)).values(reason="")
    )
    await session.execute(
        update(CallPass).where(CallPass.booking_id.in_(ids)).values(room_url=None)
    )
    await session.execute(
        update(CallPass)
        .where(CallPass.booking_id.in_(ids), CallPass.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    await session.execute(
        update(Incident).where(Incident.booking_id.in_(ids)).values(excerpt="", resolution=None)
    )
    return len(ids)
