"""Tests for the pure slot engine (SPEC §3, F-AV-1..4).

The property tests check the engine against an independent oracle: every minute of a call is
converted to wall-clock time with ``datetime.astimezone`` and looked up in a 7 x 1440 table of the
weekly rules, and in per-minute tables of the extra / blocked intervals. Nothing of the engine's
offset-segment conversion is reused.
"""

from __future__ import annotations

import bisect
from datetime import UTC, date, datetime, timedelta
from functools import cache
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pnplive.availability.slots import (
    EPOCH,
    Busy,
    Interval,
    Schedule,
    SlotProblem,
    SlotRules,
    WeeklyInterval,
    available,
    check_duration,
    free_slots,
    local_day_bounds,
    merge,
    occupied,
    offset_segments,
    slot_problem,
    slots_on_local_day,
    subtract,
)

M = timedelta(minutes=1)
H = timedelta(hours=1)
GRID = timedelta(minutes=15)
SUNDAY = 6

ZONES = [
    "Europe/Madrid",
    "America/New_York",
    "America/Bogota",
    "Asia/Kathmandu",
    "Australia/Lord_Howe",
    "UTC",
]
MADRID = ZoneInfo("Europe/Madrid")
NEW_YORK = ZoneInfo("America/New_York")
BOGOTA = ZoneInfo("America/Bogota")
YEARS_START = datetime(2026, 1, 1, tzinfo=UTC)
YEARS_END = datetime(2029, 1, 1, tzinfo=UTC)

PROPERTY = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def on_grid(at: datetime) -> bool:
    return (at - EPOCH) % GRID == timedelta(0)


@cache
def transitions(zone_name: str) -> tuple[datetime, ...]:
    """Instants (to the half hour) in 2026-2028 where the zone's UTC offset changes."""
    zone = ZoneInfo(zone_name)
    out = []
    t = YEARS_START
    prev = t.astimezone(zone).utcoffset()
    while t < YEARS_END:
        t += timedelta(minutes=30)
        off = t.astimezone(zone).utcoffset()
        if off != prev:
            out.append(t)
            prev = off
    return tuple(out)


# --- strategies ---------------------------------------------------------------------------


@st.composite
def weekly_rules(draw: st.DrawFn) -> list[WeeklyInterval]:
    rule = st.builds(
        lambda wd, start, length: WeeklyInterval(wd, start, start + length),
        st.integers(0, 6),
        st.one_of(st.integers(0, 1439), st.integers(0, 95).map(lambda q: q * 15)),
        st.one_of(st.integers(1, 1440), st.sampled_from([60, 120, 180, 240, 480, 720, 1440])),
    )
    return draw(st.lists(rule, max_size=8))


@st.composite
def scenarios(draw: st.DrawFn, min_horizon: int = 1, max_horizon: int = 14) -> dict:
    zone_name = draw(st.sampled_from(ZONES))
    zone = ZoneInfo(zone_name)
    horizon = draw(st.integers(min_horizon, max_horizon))
    notice = draw(st.integers(0, 180))
    trans = transitions(zone_name)
    how = draw(st.sampled_from(["uniform", "near-transition", "6h-before-transition"]))
    if trans and how == "near-transition":
        # Put a DST transition inside the horizon.
        t = draw(st.sampled_from(trans))
        anchor = t - draw(st.integers(0, horizon * 1440)) * M
    elif trans and how == "6h-before-transition":
        # now + notice a whole number of 6-hour steps before a transition: the engine's
        # offset scan then lands (with a sub-second ``now``) just past the change.
        t = draw(st.sampled_from(trans))
        anchor = t - draw(st.integers(1, horizon * 4)) * 6 * H - notice * M
    else:
        span = int((YEARS_END - YEARS_START) / M) - 1
        anchor = YEARS_START + draw(st.integers(0, span)) * M
    # ``now`` usually on a whole minute, sometimes with seconds and/or microseconds.
    fraction = draw(
        st.one_of(
            st.just(timedelta(0)),
            st.integers(1, 999_999).map(lambda us: timedelta(microseconds=us)),
            st.builds(
                lambda s, us: timedelta(seconds=s, microseconds=us),
                st.integers(0, 59),
                st.integers(0, 999_999),
            ),
        )
    )
    now = anchor + fraction

    span_lo, span_hi = -1440, horizon * 1440 + 1440

    def intervals(max_size: int, max_len: int) -> st.SearchStrategy[list[Interval]]:
        one = st.builds(
            lambda off, length: Interval(anchor + off * M, anchor + (off + length) * M),
            st.integers(span_lo, span_hi),
            st.integers(1, max_len),
        )
        return st.lists(one, max_size=max_size)

    schedule = Schedule(
        zone=zone,
        weekly=draw(weekly_rules()),
        blocked=draw(intervals(4, 900)),
        extra=draw(intervals(4, 900)),
    )
    rules = SlotRules(
        duration=draw(st.sampled_from(range(15, 121, 15))),
        buffer_before=draw(st.sampled_from(range(0, 31, 5))),
        buffer_after=draw(st.sampled_from(range(0, 31, 5))),
        notice_minutes=notice,
        horizon_days=horizon,
    )
    busy = draw(intervals(6, 240))
    return {
        "schedule": schedule,
        "rules": rules,
        "busy_list": busy,
        "busy": Busy.of(busy),
        "now": now,
        "anchor": anchor,
    }


# --- the independent oracle ----------------------------------------------------------------


class Oracle:
    """Minute-by-minute truth about a scenario, without the engine's zone conversion."""

    def __init__(self, sc: dict) -> None:
        self.sc = sc
        schedule: Schedule = sc["schedule"]
        rules: SlotRules = sc["rules"]
        self.zone = schedule.zone
        self.now: datetime = sc["now"]
        self.rules = rules
        self.busy_list: list[Interval] = sc["busy_list"]
        # Weekly rules as a table of (weekday, minute of day), overnight rules spill over.
        self.week = bytearray(7 * 1440)
        for w in schedule.weekly:
            for m in range(w.start_minute, w.end_minute):
                self.week[(w.weekday * 1440 + m) % (7 * 1440)] = 1
        # Minutes from ``base`` (a whole minute at or before now) to past the last call end.
        self.base: datetime = sc["anchor"]
        self.size = (rules.horizon_days + 1) * 1440 + rules.duration + 2
        self.extra = self._mark(schedule.extra)
        self.blocked = self._mark(schedule.blocked)
        self._ok: dict[int, bool] = {}

    def _mark(self, intervals: list[Interval]) -> bytearray:
        arr = bytearray(self.size)
        for iv in intervals:
            a = max(0, int((iv.start - self.base) / M))
            b = min(self.size, int((iv.end - self.base) / M))
            for i in range(a, b):
                arr[i] = 1
        return arr

    def minute_ok(self, i: int) -> bool:
        """Is minute ``base + i`` offered (weekly or extra, and not blocked)?"""
        assert 0 <= i < self.size, i
        if i not in self._ok:
            wall = (self.base + i * M).astimezone(self.zone)
            weekly = self.week[wall.weekday() * 1440 + wall.hour * 60 + wall.minute]
            self._ok[i] = bool((weekly or self.extra[i]) and not self.blocked[i])
        return self._ok[i]

    def call_ok(self, s: datetime) -> bool:
        first = (s - self.base) / M
        assert first == int(first), "grid starts are whole minutes"
        first = int(first)
        return all(self.minute_ok(i) for i in range(first, first + self.rules.duration))

    def busy_ok(self, s: datetime) -> bool:
        occ_lo = s - self.rules.buffer_before * M
        occ_hi = s + (self.rules.duration + self.rules.buffer_after) * M
        return not any(b.start < occ_hi and occ_lo < b.end for b in self.busy_list)

    def earliest(self) -> datetime:
        return self.now + self.rules.notice_minutes * M

    def latest(self) -> datetime:
        return self.now + self.rules.horizon_days * timedelta(days=1)

    def window_ok(self, s: datetime) -> bool:
        return self.earliest() <= s < self.latest()

    def bookable(self, s: datetime) -> bool:
        return on_grid(s) and self.window_ok(s) and self.call_ok(s) and self.busy_ok(s)

    def grid_starts(self) -> list[datetime]:
        """Every grid point from just before ``earliest`` to just past ``latest``."""
        lo = self.earliest() - ((self.earliest() - EPOCH) % GRID) - GRID
        out = []
        s = lo
        while s <= self.latest() + GRID:
            out.append(s)
            s += GRID
        return out


def run(sc: dict) -> list[datetime]:
    return free_slots(sc["schedule"], sc["rules"], sc["busy"], sc["now"])


# --- properties -----------------------------------------------------------------------------


@PROPERTY
@given(sc=scenarios())
def test_every_offered_slot_is_valid(sc: dict) -> None:
    slots = run(sc)
    oracle = Oracle(sc)
    rules: SlotRules = sc["rules"]
    length = rules.duration * M

    assert slots == sorted(set(slots)), "sorted and unique"

    avail = available(sc["schedule"], sc["now"], oracle.latest() + length)
    avail_starts = [iv.start for iv in avail]
    for s in slots:
        assert s.tzinfo is not None
        assert on_grid(s), s
        assert s >= oracle.earliest(), (s, oracle.earliest())
        assert s < oracle.latest(), (s, oracle.latest())
        call = Interval(s, s + length)
        # Inside one merged available interval (the engine's own view) ...
        k = bisect.bisect_right(avail_starts, s) - 1
        assert k >= 0 and avail[k].contains(call), (s, avail[k] if k >= 0 else None)
        # ... and, independently, every minute is offered on the wall clock.
        assert oracle.call_ok(s), s
        occ = occupied(s, rules)
        assert occ.end - occ.start == length + (rules.buffer_before + rules.buffer_after) * M
        assert oracle.busy_ok(s), s


@PROPERTY
@given(sc=scenarios(min_horizon=1, max_horizon=3))
def test_no_slot_is_lost(sc: dict) -> None:
    slots = run(sc)
    oracle = Oracle(sc)
    expected = [s for s in oracle.grid_starts() if oracle.bookable(s)]
    assert slots == expected


@PROPERTY
@given(sc=scenarios(min_horizon=1, max_horizon=4), data=st.data())
def test_slot_problem_agrees_with_free_slots(sc: dict, data: st.DataObject) -> None:
    slots = run(sc)
    offered = set(slots)
    oracle = Oracle(sc)
    args = (sc["schedule"], sc["rules"], sc["busy"], sc["now"])

    for s in data.draw(st.lists(st.sampled_from(slots), max_size=5)) if slots else []:
        assert slot_problem(*args, s) is None

    candidates = oracle.grid_starts()
    for s in data.draw(st.lists(st.sampled_from(candidates), min_size=1, max_size=12)):
        problem = slot_problem(*args, s)
        assert (problem is None) == (s in offered), (s, problem)
        if s < oracle.earliest():
            assert problem is SlotProblem.TOO_SOON
        elif s >= oracle.latest():
            assert problem is SlotProblem.BEYOND_HORIZON
        elif not oracle.call_ok(s):
            assert problem is SlotProblem.OUTSIDE_AVAILABILITY
        elif not oracle.busy_ok(s):
            assert problem is SlotProblem.BUSY

    # Off-grid instants are never bookable.
    s = data.draw(st.sampled_from(candidates))
    shift = data.draw(
        st.one_of(
            st.integers(1, 14).map(lambda m: m * M),
            st.integers(1, 899).map(lambda x: timedelta(seconds=x)),
            st.just(timedelta(microseconds=1)),
        )
    )
    assert slot_problem(*args, s + shift) is SlotProblem.OFF_GRID


@PROPERTY
@given(sc=scenarios(min_horizon=1, max_horizon=4), data=st.data())
def test_start_end_filter_is_a_sub_range(sc: dict, data: st.DataObject) -> None:
    slots = run(sc)
    oracle = Oracle(sc)
    candidates = oracle.grid_starts()
    a = data.draw(st.sampled_from(candidates))
    b = a + data.draw(st.integers(1, 4 * 96)) * GRID
    sub = free_slots(sc["schedule"], sc["rules"], sc["busy"], sc["now"], start=a, end=b)
    assert sub == [s for s in slots if a <= s < b]


@PROPERTY
@given(
    zone_name=st.sampled_from(ZONES),
    data=st.data(),
    length=st.integers(1, 30 * 24 * 60),
    fraction=st.integers(0, 999_999),
)
def test_offset_segments_cut_exactly_at_transitions(
    zone_name: str, data: st.DataObject, length: int, fraction: int
) -> None:
    zone = ZoneInfo(zone_name)
    trans = transitions(zone_name)
    if trans and data.draw(st.booleans()):
        # Start a whole number of hours (or 6 h steps) before a change, plus a fraction.
        t = data.draw(st.sampled_from(trans))
        start = t - data.draw(st.integers(1, 120)) * H
    else:
        start = YEARS_START + data.draw(st.integers(0, 2 * 365 * 24)) * H
    start += timedelta(microseconds=fraction)
    end = start + length * M
    segs = offset_segments(zone, start, end)
    assert segs[0][0] == start and segs[-1][1] == end
    for (_, a_end, _), (b_start, _, _) in pairwise(segs):
        assert a_end == b_start
    for lo, hi, off in segs:
        assert lo < hi
        assert lo.astimezone(zone).utcoffset() == off
        assert (hi - timedelta(microseconds=1)).astimezone(zone).utcoffset() == off
    inner = [t for t in trans if start < t < end]
    assert [lo for lo, _, _ in segs[1:]] == inner


def test_transition_oracle_is_exact() -> None:
    for zone_name in ZONES:
        zone = ZoneInfo(zone_name)
        for t in transitions(zone_name):
            before = (t - timedelta(microseconds=1)).astimezone(zone).utcoffset()
            assert before != t.astimezone(zone).utcoffset()
    assert len(transitions("Europe/Madrid")) == 6
    assert transitions("America/Bogota") == transitions("UTC") == ()


# --- regressions ----------------------------------------------------------------------------


def test_sub_second_now_never_offers_a_start_before_the_notice() -> None:
    # Was: the grid ceiling truncated to whole seconds and rounded 04:15:00.000001 *down*.
    schedule = Schedule(zone=BOGOTA, weekly=[WeeklyInterval(d, 0, 1440) for d in range(7)])
    rules = SlotRules(duration=15, notice_minutes=0, horizon_days=1)
    now = utc(2026, 1, 1, 4, 15) + timedelta(microseconds=1)
    slots = free_slots(schedule, rules, Busy(), now)
    assert slots[0] == utc(2026, 1, 1, 4, 30)
    assert all(s.tzinfo is UTC for s in slots)
    assert slot_problem(schedule, rules, Busy(), now, utc(2026, 1, 1, 4, 15)) is (
        SlotProblem.TOO_SOON
    )


@pytest.mark.parametrize("fraction_us", [0, 1, 500_000, 999_999])
def test_sub_second_now_keeps_the_repeated_hour(fraction_us: int) -> None:
    # Was: with now + notice exactly 6 h (the offset scan step) plus a fraction of a second
    # before Madrid's fall back, the offset change was placed at 01:00:00.5 UTC instead of
    # 01:00:00, so the second 02:00 (01:00 UTC) was lost.
    change = utc(2027, 10, 31, 1)
    schedule = Schedule(zone=MADRID, weekly=[WeeklyInterval(SUNDAY, 120, 150)])
    rules = SlotRules(duration=15, notice_minutes=0, horizon_days=1)
    now = change - 6 * H + timedelta(microseconds=fraction_us)
    assert free_slots(schedule, rules, Busy(), now) == [
        utc(2027, 10, 31, 0, 0),
        utc(2027, 10, 31, 0, 15),
        utc(2027, 10, 31, 1, 0),
        utc(2027, 10, 31, 1, 15),
    ]


# --- DST examples ---------------------------------------------------------------------------

# (zone, local Sunday, expected UTC interval of "Sunday 01:00-04:00 local", day length in hours)
DST_CASES = [
    pytest.param(MADRID, date(2027, 3, 28), utc(2027, 3, 28, 0), utc(2027, 3, 28, 2), 23,
                 id="madrid-spring"),
    pytest.param(MADRID, date(2027, 10, 31), utc(2027, 10, 30, 23), utc(2027, 10, 31, 3), 25,
                 id="madrid-fall"),
    pytest.param(NEW_YORK, date(2027, 3, 14), utc(2027, 3, 14, 6), utc(2027, 3, 14, 8), 23,
                 id="newyork-spring"),
    pytest.param(NEW_YORK, date(2027, 11, 7), utc(2027, 11, 7, 5), utc(2027, 11, 7, 9), 25,
                 id="newyork-fall"),
    pytest.param(BOGOTA, date(2027, 3, 28), utc(2027, 3, 28, 6), utc(2027, 3, 28, 9), 24,
                 id="bogota-mar28"),
    pytest.param(BOGOTA, date(2027, 10, 31), utc(2027, 10, 31, 6), utc(2027, 10, 31, 9), 24,
                 id="bogota-oct31"),
    pytest.param(BOGOTA, date(2027, 3, 14), utc(2027, 3, 14, 6), utc(2027, 3, 14, 9), 24,
                 id="bogota-mar14"),
    pytest.param(BOGOTA, date(2027, 11, 7), utc(2027, 11, 7, 6), utc(2027, 11, 7, 9), 24,
                 id="bogota-nov7"),
]  # fmt: skip


def day_slots(zone: ZoneInfo, day: date, rule: WeeklyInterval, duration: int) -> list[datetime]:
    schedule = Schedule(zone=zone, weekly=[rule])
    rules = SlotRules(duration=duration, notice_minutes=0, horizon_days=4)
    now = datetime.combine(day - timedelta(days=2), datetime.min.time(), tzinfo=UTC)
    slots = free_slots(schedule, rules, Busy(), now)
    return slots_on_local_day(slots, zone, day)


@pytest.mark.parametrize(("zone", "day", "start", "end", "hours"), DST_CASES)
def test_local_day_bounds_length(
    zone: ZoneInfo, day: date, start: datetime, end: datetime, hours: int
) -> None:
    bounds = local_day_bounds(zone, day)
    assert bounds.end - bounds.start == timedelta(hours=hours)
    assert bounds.start.astimezone(zone).replace(tzinfo=None) == datetime.combine(
        day, datetime.min.time()
    )
    assert (bounds.start - M).astimezone(zone).date() == day - timedelta(days=1)
    assert (bounds.end - M).astimezone(zone).date() == day
    assert bounds.end.astimezone(zone).date() == day + timedelta(days=1)


@pytest.mark.parametrize(("zone", "day", "start", "end", "hours"), DST_CASES)
def test_rule_across_transition(
    zone: ZoneInfo, day: date, start: datetime, end: datetime, hours: int
) -> None:
    rule = WeeklyInterval(SUNDAY, 60, 240)  # Sunday 01:00-04:00 local
    schedule = Schedule(zone=zone, weekly=[rule])
    bounds = local_day_bounds(zone, day)
    assert available(schedule, bounds.start, bounds.end) == [Interval(start, end)]

    real_minutes = int((end - start) / M)
    assert real_minutes == {23: 120, 24: 180, 25: 240}[hours]

    # 15-minute calls: one per quarter hour of real time.
    q = day_slots(zone, day, rule, 15)
    assert q == [start + i * GRID for i in range(real_minutes // 15)]

    # 60-minute calls on a 15-minute grid, and the ones on the hour.
    h = day_slots(zone, day, rule, 60)
    assert len(h) == len(set(h)) == real_minutes // 15 - 3
    assert h[0] == start and h[-1] + H == end
    on_the_hour = [s for s in h if (s - EPOCH) % H == timedelta(0)]
    assert len(on_the_hour) == real_minutes // 60
    rules = SlotRules(duration=60)
    for s in h:
        occ = occupied(s, rules)
        assert occ.end - occ.start == H  # a call never changes length in real time
        assert Interval(start, end).contains(occ)


@pytest.mark.parametrize(
    ("zone", "day"),
    [(MADRID, date(2027, 3, 28)), (NEW_YORK, date(2027, 3, 14))],
    ids=["madrid", "newyork"],
)
def test_rule_inside_skipped_hour_yields_nothing(zone: ZoneInfo, day: date) -> None:
    rule = WeeklyInterval(SUNDAY, 120, 180)  # Sunday 02:00-03:00, which does not exist that day
    schedule = Schedule(zone=zone, weekly=[rule])
    bounds = local_day_bounds(zone, day)
    assert available(schedule, bounds.start, bounds.end) == []
    assert day_slots(zone, day, rule, 15) == []
    # The Sundays around it are normal.
    for other in (day - timedelta(days=7), day + timedelta(days=7)):
        assert len(day_slots(zone, other, rule, 60)) == 1
        assert len(day_slots(zone, other, rule, 15)) == 4


@pytest.mark.parametrize(
    ("zone", "day", "start"),
    [
        (MADRID, date(2027, 10, 31), utc(2027, 10, 31, 0)),  # 02:00-03:00 twice
        (NEW_YORK, date(2027, 11, 7), utc(2027, 11, 7, 5)),  # 01:00-02:00 twice
    ],
    ids=["madrid", "newyork"],
)
def test_repeated_hour_is_offered_twice(zone: ZoneInfo, day: date, start: datetime) -> None:
    minute = 120 if zone is MADRID else 60
    rule = WeeklyInterval(SUNDAY, minute, minute + 60)
    schedule = Schedule(zone=zone, weekly=[rule])
    bounds = local_day_bounds(zone, day)
    assert available(schedule, bounds.start, bounds.end) == [Interval(start, start + 2 * H)]
    slots = day_slots(zone, day, rule, 60)
    assert slots == [start + i * GRID for i in range(5)]
    # Both real hours show the same wall-clock hour.
    assert slots[0].astimezone(zone).hour == slots[-1].astimezone(zone).hour == minute // 60
    assert slots[0].astimezone(zone).utcoffset() != slots[-1].astimezone(zone).utcoffset()


def test_overnight_rule_across_fall_back() -> None:
    # Saturday 22:00 -> Sunday 04:00 Madrid, over the 2027-10-31 fall back: 7 real hours.
    rule = WeeklyInterval(5, 22 * 60, 28 * 60)
    schedule = Schedule(zone=MADRID, weekly=[rule])
    got = available(schedule, utc(2027, 10, 30), utc(2027, 11, 1))
    assert got == [Interval(utc(2027, 10, 30, 20), utc(2027, 10, 31, 3))]


def test_slots_on_local_day_uses_the_users_zone() -> None:
    # Madrid performer, every day 05:00-07:00 Madrid (04:00-06:00 UTC in winter).
    schedule = Schedule(zone=MADRID, weekly=[WeeklyInterval(d, 300, 420) for d in range(7)])
    rules = SlotRules(duration=15, notice_minutes=0, horizon_days=5)
    slots = free_slots(schedule, rules, Busy(), utc(2027, 3, 12))
    assert len(slots) == 5 * 8
    # 2027-03-14 is New York's spring-forward day (23 hours): 00:00 EST = 05:00 UTC up to
    # 2027-03-15 00:00 EDT = 04:00 UTC. It keeps the 05:xx UTC slots of Madrid's Sunday, while
    # the 04:xx UTC ones are Saturday evening or Monday midnight in New York.
    ny_day = slots_on_local_day(slots, NEW_YORK, date(2027, 3, 14))
    assert ny_day == [utc(2027, 3, 14, 5) + i * GRID for i in range(4)]
    # Madrid's view of the same Sunday has all eight.
    assert slots_on_local_day(slots, MADRID, date(2027, 3, 14)) == [
        utc(2027, 3, 14, 4) + i * GRID for i in range(8)
    ]
    # New York days partition the slots, each slot on the right local date.
    days = [date(2027, 3, 11) + timedelta(days=i) for i in range(8)]
    per_day = [slots_on_local_day(slots, NEW_YORK, d) for d in days]
    assert sorted(s for day in per_day for s in day) == slots
    for d, day_list in zip(days, per_day, strict=True):
        assert all(s.astimezone(NEW_YORK).date() == d for s in day_list)


def test_kathmandu_and_lord_howe_grid() -> None:
    # +05:45 and +10:30/+11:00: a rule on the local quarter hour is on the UTC grid.
    for zone_name in ("Asia/Kathmandu", "Australia/Lord_Howe"):
        zone = ZoneInfo(zone_name)
        schedule = Schedule(zone=zone, weekly=[WeeklyInterval(d, 600, 660) for d in range(7)])
        rules = SlotRules(duration=60, notice_minutes=0, horizon_days=14)
        slots = free_slots(schedule, rules, Busy(), utc(2027, 9, 25))  # Lord Howe DST 10-03
        assert len(slots) == 14
        assert all(s.astimezone(zone).strftime("%H:%M") == "10:00" for s in slots)


# --- units ----------------------------------------------------------------------------------

T0 = utc(2027, 1, 1)


def iv(a: int, b: int) -> Interval:
    """An interval in minutes after T0."""
    return Interval(T0 + a * M, T0 + b * M)


def test_interval_validation() -> None:
    with pytest.raises(ValueError):
        Interval(datetime(2027, 1, 1), datetime(2027, 1, 2))
    with pytest.raises(ValueError):
        iv(10, 10)
    with pytest.raises(ValueError):
        iv(10, 5)
    assert iv(0, 10).overlaps(iv(9, 20))
    assert not iv(0, 10).overlaps(iv(10, 20))
    assert iv(0, 10).contains(iv(0, 10))
    assert not iv(0, 10).contains(iv(5, 11))


def test_merge() -> None:
    assert merge([]) == []
    assert merge([iv(5, 10)]) == [iv(5, 10)]
    assert merge([iv(20, 30), iv(0, 10)]) == [iv(0, 10), iv(20, 30)]
    assert merge([iv(0, 10), iv(10, 20)]) == [iv(0, 20)]  # touching
    assert merge([iv(0, 10), iv(5, 15), iv(14, 16)]) == [iv(0, 16)]
    assert merge([iv(0, 100), iv(10, 20), iv(30, 40)]) == [iv(0, 100)]  # nested
    assert merge([iv(0, 10), iv(0, 10)]) == [iv(0, 10)]
    assert merge(iter([iv(3, 4), iv(1, 2)])) == [iv(1, 2), iv(3, 4)]  # any iterable


def test_subtract() -> None:
    assert subtract([], [iv(0, 10)]) == []
    assert subtract([iv(0, 10)], []) == [iv(0, 10)]
    assert subtract([iv(0, 10)], [iv(3, 5)]) == [iv(0, 3), iv(5, 10)]
    assert subtract([iv(0, 10)], [iv(0, 10)]) == []
    assert subtract([iv(0, 10)], [iv(-5, 20)]) == []
    assert subtract([iv(0, 10)], [iv(10, 20), iv(-5, 0)]) == [iv(0, 10)]  # touching only
    assert subtract([iv(0, 10)], [iv(5, 20)]) == [iv(0, 5)]
    assert subtract([iv(0, 10)], [iv(-5, 5)]) == [iv(5, 10)]
    assert subtract([iv(0, 10), iv(20, 30)], [iv(5, 25)]) == [iv(0, 5), iv(25, 30)]
    assert subtract([iv(0, 30)], [iv(8, 9), iv(2, 4), iv(3, 6)]) == [
        iv(0, 2),
        iv(6, 8),
        iv(9, 30),
    ]
    # The base is taken as a union too.
    assert subtract([iv(5, 15), iv(0, 10)], [iv(12, 13)]) == [iv(0, 12), iv(13, 15)]


def test_busy_overlaps() -> None:
    empty = Busy()
    assert not empty.overlaps(T0, T0 + H)
    assert not Busy.of([]).overlaps(T0, T0 + H)

    busy = Busy.of([iv(60, 120), iv(200, 210), iv(100, 150)])  # merges to [60,150), [200,210)
    assert busy.starts == [T0 + 60 * M, T0 + 200 * M]
    assert busy.ends == [T0 + 150 * M, T0 + 210 * M]

    def over(a: int, b: int) -> bool:
        return busy.overlaps(T0 + a * M, T0 + b * M)

    assert not over(0, 60)  # ends where busy starts
    assert not over(150, 200)  # exactly the gap
    assert not over(210, 300)  # starts where busy ends
    assert over(0, 61)
    assert over(149, 160)
    assert over(70, 80)  # inside
    assert over(0, 300)  # covers everything
    assert over(199, 201)
    assert over(205, 206)
    assert not over(300, 400)


def test_check_duration() -> None:
    assert check_duration(15, 15, 120)
    assert check_duration(120, 15, 120)
    assert check_duration(60, 30, 90)
    assert not check_duration(45, 15, 30)  # above the performer's max
    assert not check_duration(15, 30, 120)  # below the performer's min
    assert not check_duration(20, 15, 120)  # off the 15-minute step
    assert not check_duration(0, 0, 120)  # global minimum 15
    assert not check_duration(135, 15, 240)  # global maximum 120
    assert check_duration(120, 15, 240)
    assert not check_duration(-15, -30, 120)


@pytest.mark.parametrize(
    ("weekday", "start", "end"),
    [
        (-1, 0, 60),
        (7, 0, 60),
        (0, -1, 60),
        (0, 1440, 1500),
        (0, 60, 60),  # empty
        (0, 60, 30),  # backwards
        (0, 60, 60 + 1441),  # longer than a day
    ],
)
def test_weekly_interval_validation(weekday: int, start: int, end: int) -> None:
    with pytest.raises(ValueError):
        WeeklyInterval(weekday, start, end)


def test_weekly_interval_valid_edges() -> None:
    WeeklyInterval(0, 0, 1)
    WeeklyInterval(6, 1439, 1440)
    WeeklyInterval(6, 1439, 2879)  # overnight, a full day long
    WeeklyInterval(3, 0, 1440)
