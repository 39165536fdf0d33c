"""The availability cache by itself: when an entry serves, what a read cuts, what it evicts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from pnplive.api import render
from pnplive.api.slot_cache import RenderedSheet, SheetKey, SlotCache
from pnplive.catalog.slot_sheet import SlotSheet

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
FIRST, LAST = date(2027, 3, 1), date(2027, 3, 3)
UTC_ZONE = ZoneInfo("UTC")


def key(performer_id: int) -> SheetKey:
    return SheetKey(performer_id, 30, FIRST, LAST, "UTC", "UTC", 0, 0, 15)


def sheet(
    starts: list[datetime], version: int = 1, fresh_until: datetime | None = None
) -> RenderedSheet:
    return RenderedSheet.of(
        SlotSheet(starts, fresh_until),
        version=version,
        now=NOW,
        duration=30,
        zone=UTC_ZONE,
        first=FIRST,
        last=LAST,
    )


def hours(*hs: int) -> list[datetime]:
    return [NOW.replace(hour=0) + timedelta(hours=h) for h in hs]


def test_an_entry_serves_only_its_version_until_a_counted_hold_lapses() -> None:
    lapse = NOW + timedelta(minutes=10)
    entry = sheet(hours(10), version=3, fresh_until=lapse)
    assert entry.serves(3, NOW) and entry.serves(3, lapse - timedelta(microseconds=1))
    assert not entry.serves(4, NOW)
    assert not entry.serves(3, lapse)
    assert not entry.serves(3, NOW - timedelta(seconds=1))  # the clock went back
    assert sheet(hours(10)).serves(1, NOW + timedelta(days=30))


def test_a_read_keeps_only_starts_in_the_window_and_renders_like_the_engine() -> None:
    starts = hours(8, 10, 20, 30, 34, 50, 60)  # 60 h is past the last day
    entry = sheet(starts[:-1])
    earliest, latest = NOW + timedelta(hours=1), hours(34)[0]
    price = render.money(100, "USD")
    kept = [t for t in starts if earliest <= t < latest]
    assert kept == hours(10, 20, 30)
    head = render.availability_head(7, 30, "UTC", 100, "USD")
    got = render.availability_document(head, entry.days_json(earliest, latest))
    assert got == render.availability_json(7, 30, UTC_ZONE, price, FIRST, LAST, kept)


def test_least_recently_used_entries_go_first_within_both_bounds() -> None:
    cache = SlotCache(max_entries=2, max_slots=100)
    cache.put(key(1), sheet(hours(10)))
    cache.put(key(2), sheet(hours(10)))
    assert cache.get(key(1), 1, NOW) is not None  # 1 is now the most recent
    cache.put(key(3), sheet(hours(10)))
    assert cache.get(key(2), 1, NOW) is None
    assert cache.get(key(1), 1, NOW) is not None and cache.get(key(3), 1, NOW) is not None

    cache = SlotCache(max_entries=10, max_slots=5)
    cache.put(key(1), sheet(hours(10, 11)))
    cache.put(key(2), sheet(hours(10, 11)))
    cache.put(key(3), sheet(hours(10, 11)))  # 6 slots: the oldest goes
    assert len(cache) == 2 and cache.get(key(1), 1, NOW) is None
    cache.put(key(4), sheet(hours(*range(9, 20))))  # alone above the bound: kept, alone
    assert len(cache) == 1 and cache.get(key(4), 1, NOW) is not None
