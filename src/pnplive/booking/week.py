"""A performer's week as their dashboard draws it (F-SLF-2): the time offered, the blocked and
extra time, and the calls, day by day in the performer's zone; and their clients."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.availability import repository as avail_repo
from pnplive.availability.models import BlockedInterval, ExtraAvailability
from pnplive.availability.slots import Interval, available, local_day_bounds
from pnplive.booking.models import Booking
from pnplive.booking.states import Status
from pnplive.performer.models import Performer
from pnplive.user.models import User

# Calls a week shows: those that are or were on (not lapsed holds or cancelled ones).
SHOWN = (
    Status.HELD,
    Status.PENDING_PAYMENT,
    Status.CONFIRMED,
    Status.LIVE,
    Status.COMPLETED,
    Status.NO_SHOW_USER,
    Status.NO_SHOW_PERFORMER,
)
# Calls that count in a client's history: paid and held.
HAD_CALL = (Status.CONFIRMED, Status.LIVE, Status.COMPLETED, Status.NO_SHOW_USER)


@dataclass(slots=True)
class Day:
    day: date
    offered: list[Interval] = field(default_factory=list)
    bookings: list[Booking] = field(default_factory=list)
    blocked: list[BlockedInterval] = field(default_factory=list)
    extra: list[ExtraAvailability] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Week:
    first: date  # the Monday, in the performer's zone
    days: list[Day]
    members: dict[int, User]


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


async def performer_week(session: AsyncSession, performer: Performer, first: date) -> Week:
    """The seven local days from ``first`` (a Monday); each item is put on every day it
    touches."""
    zone = ZoneInfo(performer.timezone)
    bounds = [local_day_bounds(zone, first + timedelta(days=i)) for i in range(7)]
    start, end = bounds[0].start, bounds[-1].end
    schedule = await avail_repo.load_schedule(session, performer.id, performer.timezone, start, end)
    offered = available(schedule, start, end)
    calls = (
        await session.scalars(
            select(Booking)
            .where(
                Booking.performer_id == performer.id,
                Booking.start_at < end,
                Booking.end_at > start,
                Booking.status.in_([s.value for s in SHOWN]),
            )
            .order_by(Booking.start_at)
        )
    ).all()
    blocked = (
        await session.scalars(
            select(BlockedInterval)
            .where(
                BlockedInterval.performer_id == performer.id,
                BlockedInterval.start_at < end,
                BlockedInterval.end_at > start,
            )
            .order_by(BlockedInterval.start_at)
        )
    ).all()
    extra = (
        await session.scalars(
            select(ExtraAvailability)
            .where(
                ExtraAvailability.performer_id == performer.id,
                ExtraAvailability.start_at < end,
                ExtraAvailability.end_at > start,
            )
            .order_by(ExtraAvailability.start_at)
        )
    ).all()
    ids = {b.user_id for b in calls}
    members = (
        {u.id: u for u in (await session.scalars(select(User).where(User.id.in_(ids)))).all()}
        if ids
        else {}
    )
    days = []
    for i, window in enumerate(bounds):
        d = Day(first + timedelta(days=i))
        d.offered = [
            Interval(max(o.start, window.start), min(o.end, window.end))
            for o in offered
            if o.overlaps(window)
        ]
        d.bookings = [b for b in calls if b.start_at < window.end and b.end_at > window.start]
        d.blocked = [x for x in blocked if x.start_at < window.end and x.end_at > window.start]
        d.extra = [x for x in extra if x.start_at < window.end and x.end_at > window.start]
        days.append(d)
    return Week(first, days, members)


@dataclass(frozen=True, slots=True)
class Client:
    member: User
    calls: int
    minutes: int
    last_call: datetime


async def clients(session: AsyncSession, performer_id: int, limit: int = 50) -> list[Client]:
    """The members who had calls with this performer, most recent first (one query)."""
    rows = await session.execute(
        select(
            User,
            func.count(Booking.id),
            func.coalesce(func.sum(Booking.duration_minutes), 0),
            func.max(Booking.start_at),
        )
        .join(Booking, Booking.user_id == User.id)
        .where(
            Booking.performer_id == performer_id,
            Booking.status.in_([s.value for s in HAD_CALL]),
        )
        .group_by(User.id)
        .order_by(func.max(Booking.start_at).desc(), User.id)
        .limit(limit)
    )
    return [Client(u, int(n), int(m), last) for u, n, m, last in rows.all()]
