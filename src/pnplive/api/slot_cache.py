"""Availability answers kept per process, rendered, and served only while still true.

Every API process keeps its own cache and none is ever told of a change, so an entry proves its
own freshness on each read:
- it was computed at the performer's availability version, which the request reads from the
  database with the performer (database triggers move it with every change to their free time);
- no unpaid booking it counted as busy has lapsed since (its time frees itself without a write);
- the notice window and the horizon move with the clock: the entry holds every free start of its
  days, and the ones not bookable now are cut at read time.
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from pnplive.api import render
from pnplive.catalog.slot_sheet import SlotSheet

MAX_ENTRIES = 2048
# Bounds memory too: a slot's JSON is ~150 bytes, so about 45 MB at most.
MAX_SLOTS = 300_000


@dataclass(frozen=True, slots=True)
class SheetKey:
    """What the slots depend on besides the version: the request, and the performer's own
    settings, read fresh with the performer on every request."""

    performer_id: int
    duration: int
    first: date
    last: date
    zone: str
    performer_zone: str
    buffer_before: int
    buffer_after: int
    step_minutes: int


@dataclass(frozen=True, slots=True)
class RenderedDay:
    day: date
    start: int  # the day's slots are pieces[start:end]
    end: int
    whole: str  # the day's JSON with all its slots


@dataclass(frozen=True, slots=True)
class RenderedSheet:
    version: int
    computed_at: datetime
    fresh_until: datetime | None
    starts: list[datetime]
    pieces: list[str]
    days: list[RenderedDay]

    @classmethod
    def of(
        cls,
        sheet: SlotSheet,
        *,
        version: int,
        now: datetime,
        duration: int,
        zone: ZoneInfo,
        first: date,
        last: date,
    ) -> RenderedSheet:
        texts = render.slot_texts(sheet.starts, duration, zone)
        pieces = [text for _day, text in texts]
        days, i, day = [], 0, first
        while day <= last:
            a = i
            while i < len(texts) and texts[i][0] == day:
                i += 1
            days.append(RenderedDay(day, a, i, render.day_json(day, ",".join(pieces[a:i]))))
            day += timedelta(days=1)
        return cls(version, now, sheet.fresh_until, list(sheet.starts), pieces, days)

    def serves(self, version: int, now: datetime) -> bool:
        # A clock that went back could see a lapsed hold live again: recompute.
        if version != self.version or now < self.computed_at:
            return False
        return self.fresh_until is None or now < self.fresh_until

    def days_json(self, earliest: datetime, latest: datetime) -> list[str]:
        """Each day's JSON with only the slots starting in [earliest, latest)."""
        lo = bisect.bisect_left(self.starts, earliest)
        hi = bisect.bisect_left(self.starts, latest)
        out = []
        for d in self.days:
            if lo <= d.start and d.end <= hi:
                out.append(d.whole)
            else:
                part = self.pieces[max(d.start, lo) : min(d.end, hi)]
                out.append(render.day_json(d.day, ",".join(part)))
        return out


class SlotCache:
    """Least recently used rendered sheets, bounded in entries and in slots."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_slots: int = MAX_SLOTS) -> None:
        self._entries: OrderedDict[SheetKey, RenderedSheet] = OrderedDict()
        self._slots = 0
        self.max_entries = max_entries
        self.max_slots = max_slots

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: SheetKey, version: int, now: datetime) -> RenderedSheet | None:
        found = self._entries.get(key)
        if found is None or not found.serves(version, now):
            return None
        self._entries.move_to_end(key)
        return found

    def put(self, key: SheetKey, sheet: RenderedSheet) -> RenderedSheet:
        old = self._entries.pop(key, None)
        if old is not None:
            self._slots -= len(old.starts)
        self._entries[key] = sheet
        self._slots += len(sheet.starts)
        while len(self._entries) > self.max_entries or (
            self._slots > self.max_slots and len(self._entries) > 1
        ):
            _key, dropped = self._entries.popitem(last=False)
            self._slots -= len(dropped.starts)
        return sheet
