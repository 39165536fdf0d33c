"""Read-side queries on bookings: a member's, a performer's, the admin list (F-BK-7, F-ADM-2)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.booking.models import Booking, BookingEvent
from pnplive.performer.models import Performer
from pnplive.user.models import User


class When(StrEnum):
    UPCOMING = "upcoming"
    PAST = "past"
    ALL = "all"


@dataclass(frozen=True, slots=True)
class BookingFilters:
    user_id: int | None = None
    performer_id: int | None = None
    statuses: tuple[str, ...] = ()
    start_from: datetime | None = None
    start_to: datetime | None = None
    when: When = When.ALL


@dataclass(slots=True)
class BookingPage:
    items: list[Booking] = field(default_factory=list)
    total: int = 0


def _filtered(f: BookingFilters, now: datetime) -> Select[tuple[Booking]]:
    q = select(Booking)
    if f.user_id is not None:
        q = q.where(Booking.user_id == f.user_id)
    if f.performer_id is not None:
        q = q.where(Booking.performer_id == f.performer_id)
    if f.statuses:
        q = q.where(Booking.status.in_(f.statuses))
    if f.start_from is not None:
        q = q.where(Booking.start_at >= f.start_from)
    if f.start_to is not None:
        q = q.where(Booking.start_at < f.start_to)
    if f.when is When.UPCOMING:
        q = q.where(Booking.end_at > now)
    elif f.when is When.PAST:
        q = q.where(Booking.end_at <= now)
    return q


async def list_bookings(
    session: AsyncSession, f: BookingFilters, *, now: datetime, limit: int, offset: int
) -> BookingPage:
    """Upcoming ones soonest first; otherwise most recent first; ``id`` breaks ties."""
    q = _filtered(f, now)
    total = int(await session.scalar(select(func.count()).select_from(q.subquery())) or 0)
    if f.when is When.UPCOMING:
        order = (Booking.start_at.asc(), Booking.id.asc())
    else:
        order = (Booking.start_at.desc(), Booking.id.desc())
    items = (await session.scalars(q.order_by(*order).limit(limit).offset(offset))).all()
    return BookingPage(items=list(items), total=total)


async def performers_by_id(session: AsyncSession, ids: Iterable[int]) -> dict[int, Performer]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = (await session.scalars(select(Performer).where(Performer.id.in_(wanted)))).all()
    return {p.id: p for p in rows}


async def users_by_id(session: AsyncSession, ids: Iterable[int]) -> dict[int, User]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = (await session.scalars(select(User).where(User.id.in_(wanted)))).all()
    return {u.id: u for u in rows}


async def history(session: AsyncSession, booking_id: int) -> list[BookingEvent]:
    """Every change of the booking, including those recorded in this unit of work."""
    await session.flush()
    q = (
        select(BookingEvent)
        .where(BookingEvent.booking_id == booking_id)
        .order_by(BookingEvent.at, BookingEvent.id)
    )
    return list((await session.scalars(q)).all())
