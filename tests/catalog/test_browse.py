"""Browse (F-PRF-5) filters, sorts and pages in SQL: every page, joined, is what filtering and
sorting the whole catalogue would give; with ``available_on`` too, in a fixed number of
statements."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from pnplive.booking.rules import BookingRules
from pnplive.catalog.browse import browse
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.performer.models import Performer
from pnplive.performer.queries import BrowseFilters, BrowseSort
from tests.catalog.test_matching import counted
from tests.factories import make_performer

RULES = BookingRules()
pytestmark = pytest.mark.asyncio
THURSDAY = date(2027, 3, 4)

TAGS = (["chat"], ["Chat", "music"], ["night"], ["music", "night", "chat"])
LANGS = (["en"], ["es", "en"], ["es"])


async def catalogue(db: Database, clock: FrozenClock, n: int, first: int = 0) -> None:
    now = clock.now()
    async with db.transaction() as s:
        for i in range(first, first + n):
            p = await make_performer(
                s,
                now,
                username=f"{'thu' if i % 3 == 0 else 'any'}_{i}",
                tags=TAGS[i % 4],
                languages=LANGS[i % 3],
                price_per_minute=100 + 25 * (i % 5),
                bio="loves vinyl" if i % 2 else "plays chess",
                # Every third one works on Thursdays only; the others every day.
                weekly=[(3, "14:00", "22:00")] if i % 3 == 0 else None,
                visibility="hidden" if i % 11 == 10 else "public",
            )
            p.rating_sum, p.rating_count = (7 * i) % 16, i % 4  # many ties, some unrated
            p.presence = "online" if i % 4 == 1 else "offline"


def rating(p: Performer) -> float:
    return p.rating if p.rating is not None else -1.0


def reference(everyone: list[Performer], f: BrowseFilters) -> list[int]:
    """Filter and sort in Python, the way the whole catalogue would be."""
    found = [p for p in everyone if p.is_bookable]
    if f.tags:
        found = [p for p in found if {t.lower() for t in f.tags} <= {t.lower() for t in p.tags}]
    if f.language:
        found = [p for p in found if f.language in p.languages]
    if f.price_max is not None:
        found = [p for p in found if p.price_per_minute <= f.price_max]
    if f.online is not None:
        found = [p for p in found if (p.presence == "online") is f.online]
    if f.q:
        found = [p for p in found if f.q in p.bio]
    if f.available_on is not None:
        works_then = f.available_on == THURSDAY
        found = [p for p in found if works_then or not p.username.startswith("thu")]
    keys = {
        BrowseSort.ONLINE: lambda p: (p.presence != "online", -rating(p), p.id),
        BrowseSort.RATING: lambda p: (-rating(p), -p.rating_count, p.id),
        BrowseSort.PRICE: lambda p: (p.price_per_minute, p.id),
        BrowseSort.PRICE_DESC: lambda p: (-p.price_per_minute, p.id),
    }
    return [p.id for p in sorted(found, key=keys[f.sort])]


CASES = [
    BrowseFilters(),
    BrowseFilters(sort=BrowseSort.RATING),
    BrowseFilters(tags=("chat",), sort=BrowseSort.PRICE),
    BrowseFilters(tags=("CHAT", "music"), language="es", sort=BrowseSort.PRICE_DESC),
    BrowseFilters(online=False, price_max=150, q="vinyl", sort=BrowseSort.RATING),
    BrowseFilters(available_on=THURSDAY, tags=("night",), sort=BrowseSort.PRICE),
    BrowseFilters(available_on=date(2027, 3, 5), language="en"),
]


@pytest.mark.parametrize("filters", CASES)
async def test_pages_joined_are_the_filtered_sorted_catalogue(
    db: Database, clock: FrozenClock, filters: BrowseFilters
) -> None:
    await catalogue(db, clock, 40)
    async with db.transaction() as s:
        everyone = list((await s.scalars(select(Performer))).all())
        expected = reference(everyone, filters)
        seen: list[int] = []
        for offset in range(0, 45, 7):
            page = await browse(s, filters, now=clock.now(), rules=RULES, limit=7, offset=offset)
            assert page.total == len(expected)
            seen.extend(p.id for p in page.items)
    assert expected, filters
    assert seen == expected


async def test_available_on_reads_in_a_fixed_number_of_statements(
    db: Database, clock: FrozenClock
) -> None:
    filters = BrowseFilters(available_on=date(2027, 3, 5), sort=BrowseSort.PRICE)

    async def statements() -> tuple[int, int]:
        async with db.transaction() as s:
            with counted(db) as seen:
                page = await browse(s, filters, now=clock.now(), rules=RULES, limit=5, offset=0)
        assert len(page.items) == 5
        return len(seen), page.total

    await catalogue(db, clock, 9)
    few, few_total = await statements()
    await catalogue(db, clock, 60, first=9)
    many, many_total = await statements()
    assert few == many and many_total > few_total
