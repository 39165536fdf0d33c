"""The slot engine (F-AV-1..4): pure functions, no I/O, ``now`` passed in.

Weekly rules are wall-clock intervals in the performer's zone. They are turned into UTC intervals
exactly: the UTC range is cut into pieces where the zone's offset is constant, and on each piece a
wall-clock interval maps to UTC by subtracting that offset. So on a spring-forward day a rule
01:00-04:00 yields two real hours, on a fall-back day three hours become four real hours, and a
wall time that happens twice is available twice. Slots start on a grid counted from the Unix
epoch in UTC; every IANA offset is a multiple of 15 minutes, so the grid is the same in any zone.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DURATION_STEP = 15
MIN_DURATION = 15
MAX_DURATION = 120


@dataclass(frozen=True, slots=True, order=True)
class Interval:
    """A half-open UTC interval [start, end)."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("Interval needs aware datetimes")
        if self.end <= self.start:
            raise ValueError("Interval must end after it starts")

    def overlaps(self, other: Interval) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Interval) -> bool:
        return self.start <= other.start and other.end <= self.end


@dataclass(frozen=True, slots=True)
class WeeklyInterval:
    """Every ``weekday`` (0 = Monday), from ``start_minute`` to ``end_minute`` past local midnight.

    ``end_minute`` above 1440 runs into the next day (an overnight rule).
    """

    weekday: int
    start_minute: int
    end_minute: int

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError("weekday must be 0..6")
        if not 0 <= self.start_minute < 1440:
            raise ValueError("start_minute must be 0..1439")
        if not self.start_minute < self.end_minute <= self.start_minute + 1440:
            raise ValueError("end_minute must be after start_minute, at most a day later")


@dataclass(frozen=True, slots=True)
class Schedule:
    """What a performer offers, independent of bookings."""

    zone: ZoneInfo
    weekly: Sequence[WeeklyInterval] = ()
    blocked: Sequence[Interval] = ()
    extra: Sequence[Interval] = ()


@dataclass(frozen=True, slots=True)
class SlotRules:
    duration: int  # minutes
    buffer_before: int = 0
    buffer_after: int = 0
    notice_minutes: int = 60
    horizon_days: int = 14
    step_minutes: int = 15


@dataclass(frozen=True, slots=True)
class Busy:
    """Occupied intervals (each already including its booking's buffers), searchable."""

    starts: list[datetime] = field(default_factory=list)
    ends: list[datetime] = field(default_factory=list)

    @classmethod
    def of(cls, intervals: Iterable[Interval]) -> Busy:
        merged = merge(intervals)
        return cls([i.start for i in merged], [i.end for i in merged])

    def overlaps(self, start: datetime, end: datetime) -> bool:
        # First merged interval ending after ``start``; busy iff it begins before ``end``.
        k = bisect.bisect_right(self.ends, start)
        return k < len(self.starts) and self.starts[k] < end


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    out: list[Interval] = []
    for iv in sorted(intervals):
        if out and iv.start <= out[-1].end:
            if iv.end > out[-1].end:
                out[-1] = Interval(out[-1].start, iv.end)
        else:
            out.append(iv)
    return out


def subtract(base: Sequence[Interval], holes: Iterable[Interval]) -> list[Interval]:
    """``base`` minus ``holes``; both taken as unions."""
    hs = merge(holes)
    out: list[Interval] = []
    for iv in merge(base):
        cur = iv.start
        for h in hs:
            if h.end <= cur or h.start >= iv.end:
                continue
            if h.start > cur:
                out.append(Interval(cur, h.start))
            cur = max(cur, h.end)
            if cur >= iv.end:
                break
        if cur < iv.end:
            out.append(Interval(cur, iv.end))
    return out


# --- time zones ---------------------------------------------------------------------------


def _offset(zone: ZoneInfo, at: datetime) -> timedelta:
    off = at.astimezone(zone).utcoffset()
    assert off is not None
    return off


def _next_change(zone: ZoneInfo, start: datetime, end: datetime) -> datetime:
    """The first instant after ``start`` (at most ``end``) where the zone's offset changes."""
    off = _offset(zone, start)
    lo = start
    step = timedelta(hours=6)
    while lo < end:
        hi = min(lo + step, end)
        if _offset(zone, hi) != off:
            # The change lies in (lo, hi]: bisect to the second. Offsets change on whole
            # seconds, so flooring both ends keeps their offsets; a fractional ``hi`` must not
            # be returned (the boundary would land up to a second after the real change).
            lo, hi = lo.replace(microsecond=0), hi.replace(microsecond=0)
            while hi - lo > timedelta(seconds=1):
                mid = (lo + (hi - lo) / 2).replace(microsecond=0)
                if _offset(zone, mid) == off:
                    lo = mid
                else:
                    hi = mid
            return hi
        lo = hi
    return end


@lru_cache(maxsize=4096)
def offset_segments(
    zone: ZoneInfo, start: datetime, end: datetime
) -> tuple[tuple[datetime, datetime, timedelta], ...]:
    """[start, end) cut into (from, to, utc offset) pieces of constant offset."""
    segs: list[tuple[datetime, datetime, timedelta]] = []
    cur = start
    while cur < end:
        nxt = _next_change(zone, cur, end)
        segs.append((cur, nxt, _offset(zone, cur)))
        cur = nxt
    return tuple(segs)


def weekly_to_utc(
    zone: ZoneInfo, weekly: Sequence[WeeklyInterval], start: datetime, end: datetime
) -> list[Interval]:
    """The UTC instants in [start, end) whose wall-clock time falls in a weekly rule."""
    if not weekly:
        return []
    by_day: dict[int, list[WeeklyInterval]] = {}
    for w in weekly:
        by_day.setdefault(w.weekday, []).append(w)
    out: list[Interval] = []
    for seg_start, seg_end, off in offset_segments(zone, start, end):
        wall_lo = (seg_start + off).replace(tzinfo=None)
        wall_hi = (seg_end + off).replace(tzinfo=None)
        # Rules that start the day before can run past midnight into this piece.
        day = wall_lo.date() - DAY
        while day <= wall_hi.date():
            midnight = datetime.combine(day, time())
            for w in by_day.get(day.weekday(), ()):
                a = max(midnight + w.start_minute * MINUTE, wall_lo)
                b = min(midnight + w.end_minute * MINUTE, wall_hi)
                if a < b:
                    out.append(
                        Interval((a - off).replace(tzinfo=UTC), (b - off).replace(tzinfo=UTC))
                    )
            day += DAY
    return merge(out)


def available(schedule: Schedule, start: datetime, end: datetime) -> list[Interval]:
    """Offered time in [start, end): (weekly ∪ extra) − blocked, merged, in UTC."""
    window = Interval(start, end)
    extra = [
        Interval(max(i.start, start), min(i.end, end)) for i in schedule.extra if i.overlaps(window)
    ]
    base = weekly_to_utc(schedule.zone, schedule.weekly, start, end) + extra
    return subtract(base, schedule.blocked)


def local_day_bounds(zone: ZoneInfo, day: date) -> Interval:
    """The UTC instants whose wall-clock date in ``zone`` is ``day``."""
    day_lo, day_hi = datetime.combine(day, time()), datetime.combine(day + DAY, time())
    window_lo = day_lo.replace(tzinfo=UTC) - timedelta(hours=15)
    window_hi = day_hi.replace(tzinfo=UTC) + timedelta(hours=15)
    pieces = []
    for s, e, off in offset_segments(zone, window_lo, window_hi):
        a = max(s, (day_lo - off).replace(tzinfo=UTC))
        b = min(e, (day_hi - off).replace(tzinfo=UTC))
        if a < b:
            pieces.append(Interval(a, b))
    return Interval(pieces[0].start, pieces[-1].end)


# --- slots --------------------------------------------------------------------------------


class SlotProblem(StrEnum):
    DURATION = "duration_not_allowed"
    OFF_GRID = "off_grid"
    TOO_SOON = "too_soon"
    BEYOND_HORIZON = "beyond_horizon"
    OUTSIDE_AVAILABILITY = "outside_availability"
    BUSY = "busy"


def check_duration(duration: int, min_duration: int, max_duration: int) -> bool:
    return duration % DURATION_STEP == 0 and max(MIN_DURATION, min_duration) <= duration <= min(
        MAX_DURATION, max_duration
    )


def _ceil_to_grid(at: datetime, step: int) -> datetime:
    # Exact timedelta arithmetic: truncating to whole seconds would round a start with a
    # sub-second part *down*, before ``now + notice``.
    grid = timedelta(minutes=step)
    rem = (at - EPOCH) % grid
    return (at if not rem else at + (grid - rem)).astimezone(UTC)


def occupied(start: datetime, rules: SlotRules) -> Interval:
    """The interval a call starting at ``start`` occupies, buffers included."""
    return Interval(
        start - rules.buffer_before * MINUTE,
        start + (rules.duration + rules.buffer_after) * MINUTE,
    )


def bookable_window(now: datetime, rules: SlotRules) -> tuple[datetime, datetime]:
    """Starts are offered from now + notice up to (not including) now + horizon."""
    return now + rules.notice_minutes * MINUTE, now + rules.horizon_days * DAY


def free_slots(
    schedule: Schedule,
    rules: SlotRules,
    busy: Busy,
    now: datetime,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[datetime]:
    """Start times (UTC) of every free slot, optionally only those starting in [start, end)."""
    earliest, latest = bookable_window(now, rules)
    lo = earliest if start is None else max(earliest, start)
    hi = latest if end is None else min(latest, end)
    return slots_between(schedule, rules, busy, lo, hi)


def slots_between(
    schedule: Schedule, rules: SlotRules, busy: Busy, lo: datetime, hi: datetime
) -> list[datetime]:
    """Start times (UTC) of every free slot starting in [lo, hi), whatever the time now: the
    notice and the horizon are the caller's (``free_slots``, or a cached sheet at read time)."""
    if lo >= hi:
        return []
    length = rules.duration * MINUTE
    step = rules.step_minutes * MINUTE
    # What ``occupied`` computes, as two offsets: this loop runs once per offered start.
    before = rules.buffer_before * MINUTE
    after = (rules.duration + rules.buffer_after) * MINUTE
    out: list[datetime] = []
    for iv in available(schedule, lo, hi + length):
        s = _ceil_to_grid(max(iv.start, lo), rules.step_minutes)
        while s < hi and s + length <= iv.end:
            if not busy.starts or not busy.overlaps(s - before, s + after):
                out.append(s)
            s += step
    return out


def slot_problem(
    schedule: Schedule, rules: SlotRules, busy: Busy, now: datetime, at: datetime
) -> SlotProblem | None:
    """Why a call at ``at`` cannot be offered, or None if it can."""
    if _ceil_to_grid(at, rules.step_minutes) != at:
        return SlotProblem.OFF_GRID
    earliest, latest = bookable_window(now, rules)
    if at < earliest:
        return SlotProblem.TOO_SOON
    if at >= latest:
        return SlotProblem.BEYOND_HORIZON
    call = Interval(at, at + rules.duration * MINUTE)
    if not any(iv.contains(call) for iv in available(schedule, call.start, call.end)):
        return SlotProblem.OUTSIDE_AVAILABILITY
    occ = occupied(at, rules)
    if busy.overlaps(occ.start, occ.end):
        return SlotProblem.BUSY
    return None


def slots_on_local_day(slots: Iterable[datetime], zone: ZoneInfo, day: date) -> list[datetime]:
    bounds = local_day_bounds(zone, day)
    return [s for s in slots if bounds.start <= s < bounds.end]


def local_days(slots: Iterable[datetime], zone: ZoneInfo) -> list[date]:
    """The days (in ``zone``) that have at least one of ``slots``, in order."""
    return sorted({s.astimezone(zone).date() for s in slots})
