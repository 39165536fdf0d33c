"""Read-side queries on performers: browse filters and sorts (F-PRF-5; the browse itself is
``catalog.browse``), the admin listing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.performer.models import Lifecycle, Performer, Visibility


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
