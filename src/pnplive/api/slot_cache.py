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
from array import array
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from pnplive.api import render
from pnplive.catalog.slot_sheet import SlotSheet

MAX_ENTRIES = 2048
MAX_SLOTS = 300_000  # bounds memory too: about 50 MB
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


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


def _micros(t: datetime) -> int:
    return (t - EPOCH) // MICROSECOND


@dataclass(frozen=True, slots=True)
class RenderedDay:
    day: date
    first: int  # the sheet's index of the day's first slot
    slots: str  # the day's slots as JSON, comma-separated
    offsets: array[int]  # where each slot's JSON begins in ``slots``

    def json(self, lo: int, hi: int) -> str:
        """The day's JSON with only the sheet's slots lo..hi-1."""
        n = len(self.offsets)
        a, b = max(lo - self.first, 0), min(hi - self.first, n)
        if a == 0 and b == n:
            return render.day_json(self.day, self.slots)
        if a >= b:
            return render.day_json(self.day, "")
        end = self.offsets[b] - 1 if b < n else len(self.slots)  # a comma precedes slot b
        return render.day_json(self.day, self.slots[self.offsets[a] : end])


@dataclass(frozen=True, slots=True)
class RenderedSheet:
    """The rendered slots of whole days. Each slot is kept once, as text within its day's text;
    starts as integers (microseconds since the epoch): about 170 bytes a slot."""

    version: int
    computed_at: datetime
    fresh_until: datetime | None
    starts: array[int]
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
        days, i, day = [], 0, first
        while day <= last:
            a, offsets, length = i, array("l"), 0
            while i < len(texts) and texts[i][0] == day:
                offsets.append(length)
                length += len(texts[i][1]) + 1
                i += 1
            slots = ",".join(text for _day, text in texts[a:i])
            days.append(RenderedDay(day, a, slots, offsets))
            day += timedelta(days=1)
        starts = array("q", (_micros(t) for t in sheet.starts))
        return cls(version, now, sheet.fresh_until, starts, days)

    def serves(self, version: int, now: datetime) -> bool:
        # A clock that went back could see a lapsed hold live again: recompute.
        if version != self.version or now < self.computed_at:
            return False
        return self.fresh_until is None or now < self.fresh_until

    def days_json(self, earliest: datetime, latest: datetime) -> list[str]:
        """Each day's JSON with only the slots starting in [earliest, latest)."""
        lo = bisect.bisect_left(self.starts, _micros(earliest))
        hi = bisect.bisect_left(self.starts, _micros(latest))
        return [d.json(lo, hi) for d in self.days]


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
