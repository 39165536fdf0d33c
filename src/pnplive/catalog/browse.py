"""Browse performers (F-PRF-5): filters, sorts and pages in SQL, on both engines."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.performer.models import Performer, Presence
from pnplive.performer.queries import BrowseFilters, bookable, like_pattern


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
