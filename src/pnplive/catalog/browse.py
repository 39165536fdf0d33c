"""Browse performers (F-PRF-5): filters, sorts and pages in SQL, on both engines."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Float, Numeric, Select, case, cast, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import noload
from sqlalchemy.types import TypeEngine

from pnplive.availability.slots import local_day_bounds
from pnplive.booking.rules import BookingRules
from pnplive.catalog.slots import free_slots_of_many, shortest_duration
from pnplive.performer.models import Performer, Presence
from pnplive.performer.queries import BrowseFilters, BrowseSort, bookable, like_pattern


@dataclass(slots=True)
class Page:
    items: list[Performer] = field(default_factory=list)
    total: int = 0


def _json_contains(session: AsyncSession, column: Any, value: str) -> ColumnElement[bool]:
    """SQL: the JSON list in ``column`` holds ``value`` (case-insensitively)."""
    if session.get_bind().dialect.name == "postgresql":
        items = func.json_array_elements_text(column).table_valued("value")
    else:
        items = func.json_each(column).table_valued("value")
    return exists(select(1).select_from(items).where(func.lower(items.c.value) == value.lower()))


def filtered(session: AsyncSession, filters: BrowseFilters) -> Select[tuple[Performer]]:
    """Bookable performers matching ``filters`` (all but ``available_on``), unsorted."""
    q = select(Performer).where(bookable())
    if filters.online is True:
        q = q.where(Performer.presence == Presence.ONLINE.value)
    elif filters.online is False:
        q = q.where(Performer.presence != Presence.ONLINE.value)
    if filters.price_min is not None:
        q = q.where(Performer.price_per_minute >= filters.price_min)
    if filters.price_max is not None:
        q = q.where(Performer.price_per_minute <= filters.price_max)
    if filters.currency:
        q = q.where(Performer.currency == filters.currency.upper())
    if filters.min_rating is not None:
        q = q.where(
            Performer.rating_count > 0,
            Performer.rating_sum >= filters.min_rating * Performer.rating_count,
        )
    if filters.q:
        needle = like_pattern(filters.q)
        q = q.where(
            or_(
                func.lower(Performer.display_name).like(needle, escape="\\"),
                func.lower(Performer.username).like(needle, escape="\\"),
                func.lower(Performer.bio).like(needle, escape="\\"),
            )
        )
    for tag in dict.fromkeys(t.lower() for t in filters.tags):
        q = q.where(_json_contains(session, Performer.tags, tag))
    if filters.language:
        q = q.where(_json_contains(session, Performer.languages, filters.language))
    return q


def _rating(session: AsyncSession) -> ColumnElement[Any]:
    """The rating as shown (two decimals), -1 for performers without reviews."""
    exact: TypeEngine[Any] = (
        Numeric() if session.get_bind().dialect.name == "postgresql" else Float()
    )
    average = cast(Performer.rating_sum, exact) / Performer.rating_count
    return case((Performer.rating_count > 0, func.round(average, 2)), else_=-1.0)


def sorted_by(
    session: AsyncSession, q: Select[tuple[Performer]], sort: BrowseSort
) -> Select[tuple[Performer]]:
    """``q`` in the order of ``sort``; the id breaks ties, so pages never overlap."""
    if sort is BrowseSort.RATING:
        return q.order_by(_rating(session).desc(), Performer.rating_count.desc(), Performer.id)
    if sort is BrowseSort.PRICE:
        return q.order_by(Performer.price_per_minute, Performer.id)
    if sort is BrowseSort.PRICE_DESC:
        return q.order_by(Performer.price_per_minute.desc(), Performer.id)
    online_first = case((Performer.presence == Presence.ONLINE.value, 0), else_=1)
    return q.order_by(online_first, _rating(session).desc(), Performer.id)


async def browse(
    session: AsyncSession,
    filters: BrowseFilters,
    *,
    now: datetime,
    rules: BookingRules,
    limit: int,
    offset: int,
) -> Page:
    """Bookable performers matching ``filters``, sorted, one page of them and the total.

    Filters, order and page are SQL. ``available_on`` (a free slot that local day) needs the
    slot engine: the filtered performers' schedules and bookings are then read in bulk (a fixed
    number of statements) and the page is cut after that check."""
    q = filtered(session, filters)
    if filters.available_on is None:
        total = int(await session.scalar(select(func.count()).select_from(q.subquery())) or 0)
        items = (
            await session.scalars(sorted_by(session, q, filters.sort).limit(limit).offset(offset))
        ).all()
        return Page(items=list(items), total=total)
    every = (
        await session.scalars(sorted_by(session, q, filters.sort).options(noload(Performer.photos)))
    ).all()
    day = local_day_bounds(ZoneInfo(filters.zone), filters.available_on)
    slots = await free_slots_of_many(
        session,
        every,
        q.with_only_columns(Performer.id),
        duration_of=shortest_duration,
        rules=rules,
        now=now,
        start=day.start,
        end=day.end,
    )
    ids = [p.id for p in every if slots[p.id]]
    page_ids = ids[offset : offset + limit]
    if not page_ids:
        return Page(items=[], total=len(ids))
    # The page's performers whole, photos included (the list above skipped them).
    whole = {
        p.id: p
        for p in (
            await session.scalars(
                select(Performer)
                .where(Performer.id.in_(page_ids))
                .execution_options(populate_existing=True)
            )
        ).all()
    }
    return Page(items=[whole[i] for i in page_ids], total=len(ids))
