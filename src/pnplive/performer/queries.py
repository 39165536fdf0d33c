"""Read-side queries on performers: browse with filters and sorting (F-PRF-5), admin listing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.availability.service import performer_slots
from pnplive.availability.slots import MIN_DURATION, local_day_bounds
from pnplive.booking.rules import BookingRules
from pnplive.booking.service import slot_rules
from pnplive.performer.models import Lifecycle, Performer, Presence, Visibility


class BrowseSort(StrEnum):
    ONLINE = "online"  # online first, then rating
    RATING = "rating"
    PRICE = "price"
    PRICE_DESC = "-price"


@dataclass(frozen=True, slots=True)
class BrowseFilters:
    q: str | None = None
    tags: tuple[str, ...] = ()
    language: str | None = None
    online: bool | None = None
    price_min: int | None = None
    price_max: int | None = None
    currency: str | None = None
    min_rating: float | None = None
    available_on: date | None = None
    zone: str = "UTC"
    sort: BrowseSort = BrowseSort.ONLINE


@dataclass(slots=True)
class Page:
    items: list[Performer] = field(default_factory=list)
    total: int = 0


def like_pattern(text: str) -> str:
    """A case-insensitive substring pattern; the user's % and _ are taken literally."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def bookable() -> ColumnElement[bool]:
    return (Performer.status == Lifecycle.ACTIVE.value) & (
        Performer.visibility == Visibility.PUBLIC.value
    )


def shortest_duration(p: Performer) -> int:
    """The shortest call this performer takes, on the 15-minute grid."""
    d = max(MIN_DURATION, p.min_duration)
    return d + (-d % 15)


async def has_slot_on(
    session: AsyncSession,
    p: Performer,
    day: date,
    zone: ZoneInfo,
    rules: BookingRules,
    now: datetime,
) -> bool:
    bounds = local_day_bounds(zone, day)
    srules = slot_rules(p, shortest_duration(p), rules)
    found = await performer_slots(session, p, srules, now, bounds.start, bounds.end)
    return bool(found)


def _sort_key(sort: BrowseSort):  # type: ignore[no-untyped-def]
    def rating(p: Performer) -> float:
        return p.rating if p.rating is not None else -1.0

    if sort is BrowseSort.RATING:
        return lambda p: (-rating(p), -p.rating_count, p.id)
    if sort is BrowseSort.PRICE:
        return lambda p: (p.price_per_minute, p.id)
    if sort is BrowseSort.PRICE_DESC:
        return lambda p: (-p.price_per_minute, p.id)
    return lambda p: (p.presence != Presence.ONLINE.value, -rating(p), p.id)


async def browse(
    session: AsyncSession,
    filters: BrowseFilters,
    *,
    now: datetime,
    rules: BookingRules,
    limit: int,
    offset: int,
) -> Page:
    """Bookable performers matching ``filters``, sorted, one page of them and the total."""
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
    found = list((await session.scalars(q)).all())
    # Tags and languages are JSON lists: filtered here, the same way on both engines.
    if filters.tags:
        wanted = {t.lower() for t in filters.tags}
        found = [p for p in found if wanted <= {t.lower() for t in p.tags}]
    if filters.language:
        lang = filters.language.lower()
        found = [p for p in found if lang in p.languages]
    found.sort(key=_sort_key(filters.sort))
    if filters.available_on is not None:
        zone = ZoneInfo(filters.zone)
        found = [
            p
            for p in found
            if await has_slot_on(session, p, filters.available_on, zone, rules, now)
        ]
    return Page(items=found[offset : offset + limit], total=len(found))


async def admin_list(
    session: AsyncSession,
    *,
    status: str | None,
    visibility: str | None,
    q: str | None,
    limit: int,
    offset: int,
) -> Page:
    query = select(Performer)
    if status:
        query = query.where(Performer.status == status)
    if visibility:
        query = query.where(Performer.visibility == visibility)
    if q:
        needle = like_pattern(q)
        query = query.where(
            or_(
                func.lower(Performer.display_name).like(needle, escape="\\"),
                func.lower(Performer.username).like(needle, escape="\\"),
            )
        )
    total = int(await session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    items = (await session.scalars(query.order_by(Performer.id).limit(limit).offset(offset))).all()
    return Page(items=list(items), total=total)
