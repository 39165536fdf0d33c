"""Calendar files for a booking (either side) and a performer's private feed (F-UX-5)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.booking.models import Booking
from pnplive.booking.states import Status
from pnplive.calendar.ics import CallEntry, calendar
from pnplive.calendar.models import CalendarFeed
from pnplive.errors import NotFound
from pnplive.kit.i18n import N_, t
from pnplive.performer.models import Performer
from pnplive.user.models import User
from pnplive.video.links import link_for_side
from pnplive.video.models import Side
from pnplive.video.passes import TOKEN_CHARS

# Bookings in a feed: calls ahead or held, and those of the last weeks (moves and cancellations
# of recent calls still reach the calendar app).
FEED_STATUSES = (
    Status.CONFIRMED,
    Status.LIVE,
    Status.COMPLETED,
    Status.CANCELLED,
    Status.NO_SHOW_USER,
    Status.NO_SHOW_PERFORMER,
    Status.REFUNDED,
)
FEED_PAST = timedelta(days=60)
CANCELLED_STATUSES = frozenset({Status.CANCELLED, Status.REFUNDED, Status.EXPIRED})


class FeedNotFound(NotFound):
    code = "calendar_feed_not_found"


def _entry(
    booking: Booking,
    other_name: str,
    side: Side,
    language: str,
    url: str | None,
    now: datetime,
) -> CallEntry:
    cancelled = Status(booking.status) in CANCELLED_STATUSES
    summary_id = (
        N_("calendar.summary.performer")
        if side is Side.PERFORMER
        else N_("calendar.summary.member")
    )
    description = t(language, N_("calendar.description"), booking=booking.public_id)
    if url and not cancelled:
        description += "\n" + t(language, N_("calendar.join"), url=url)
    return CallEntry(
        booking=booking.public_id,
        start=booking.start_at,
        end=booking.end_at,
        summary=t(language, summary_id, name=other_name, minutes=booking.duration_minutes),
        description=description,
        sequence=booking.reschedule_count + (1 if cancelled else 0),
        cancelled=cancelled,
        stamp=booking.updated_at or now,
        url=None if cancelled else url,
    )


async def booking_calendar(
    session: AsyncSession,
    booking: Booking,
    side: Side,
    base_url: str,
    now: datetime,
    *,
    with_link: bool = True,
) -> bytes:
    """One booking as an ``.ics`` for the member or the performer (with their own join link)."""
    performer = await session.get(Performer, booking.performer_id)
    member = await session.get(User, booking.user_id)
    assert performer is not None and member is not None
    if side is Side.PERFORMER:
        owner = await session.get(User, performer.user_id) if performer.user_id else None
        language, other = (owner.language if owner else "en"), member.shown_name
    else:
        language, other = member.language, performer.display_name
    url = await link_for_side(session, booking, side, base_url) if with_link else None
    entry = _entry(booking, other, side, language, url, now)
    return calendar([entry], cancel=entry.cancelled)


async def feed_token(
    session: AsyncSession, performer: Performer, now: datetime, *, rotate: bool = False
) -> str:
    """The performer's feed token, created on first use; ``rotate`` revokes the old URL."""
    feed: CalendarFeed | None = await session.scalar(
        select(CalendarFeed).where(CalendarFeed.performer_id == performer.id)
    )
    if feed is None:
        feed = CalendarFeed(
            performer_id=performer.id, token=secrets.token_urlsafe(32), created_at=now
        )
        session.add(feed)
    elif rotate:
        feed.token = secrets.token_urlsafe(32)
        feed.created_at = now
    await session.flush()
    return feed.token


def feed_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/calendar/{token}.ics"


async def performer_feed(session: AsyncSession, token: str, base_url: str, now: datetime) -> bytes:
    """Every recent and upcoming call of the feed's performer, as one calendar."""
    if not token or len(token) > 64 or not set(token) <= TOKEN_CHARS:
        raise FeedNotFound("no such calendar feed")
    performer = await session.scalar(
        select(Performer)
        .join(CalendarFeed, CalendarFeed.performer_id == Performer.id)
        .where(CalendarFeed.token == token)
    )
    if performer is None:
        raise FeedNotFound("no such calendar feed")
    owner = await session.get(User, performer.user_id) if performer.user_id else None
    language = owner.language if owner else "en"
    rows = (
        await session.execute(
            select(Booking, User)
            .join(User, User.id == Booking.user_id)
            .where(
                Booking.performer_id == performer.id,
                Booking.status.in_([s.value for s in FEED_STATUSES]),
                Booking.end_at >= now - FEED_PAST,
            )
            .order_by(Booking.start_at)
        )
    ).all()
    entries = []
    for booking, member in rows:
        url = await link_for_side(session, booking, Side.PERFORMER, base_url)
        entries.append(_entry(booking, member.shown_name, Side.PERFORMER, language, url, now))
    return calendar(entries, name=f"PNP Live · {performer.display_name}")
