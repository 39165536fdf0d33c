"""Slot computation time: one performer over 14 days (0, 20, 100 busy intervals), and 1,000
performers over one day. Pure engine, no database. Prints a table of figures, then the target
(one performer, 14 days, 20 busy intervals: 0.5 ms) beside its anchor, ``json.dumps`` of the same
slots as ISO text: what the answer costs to write out once computed.

    python -m bench.slots_bench
"""

from __future__ import annotations

import json
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from pnplive.availability.slots import (
    Busy,
    Interval,
    Schedule,
    SlotRules,
    WeeklyInterval,
    free_slots,
    local_day_bounds,
)

NOW = datetime(2027, 3, 20, 8, 0, tzinfo=UTC)
TARGET_MS = 0.5  # the horizon crosses Europe's DST change
ZONES = ["Europe/Madrid", "America/New_York", "America/Bogota", "Asia/Tokyo", "UTC"]


def schedule(zone: str, rng: random.Random) -> Schedule:
    weekly = []
    for day in range(7):
        start = rng.choice([8, 9, 10, 12]) * 60
        weekly.append(WeeklyInterval(day, start, start + 4 * 60))
        weekly.append(WeeklyInterval(day, start + 5 * 60, start + 11 * 60))
    blocked = [Interval(NOW + timedelta(days=3), NOW + timedelta(days=3, hours=5))]
    return Schedule(ZoneInfo(zone), weekly, blocked, [])


def busy(n: int, rng: random.Random) -> Busy:
    items = []
    for _ in range(n):
        start = NOW + timedelta(minutes=15 * rng.randrange(4, 14 * 96))
        items.append(Interval(start, start + timedelta(minutes=rng.choice([30, 60, 90]))))
    return Busy.of(items)


def timed(fn, repeat: int) -> tuple[float, float, int]:  # type: ignore[no-untyped-def]
    times, result = [], 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000, max(times) * 1000, result


RULES = SlotRules(duration=60, buffer_before=5, buffer_after=10, notice_minutes=60)


def target_figures(repeat: int = 200) -> tuple[float, float]:
    """(median ms of one performer's 14 days with 20 busy intervals, median ms of ``json.dumps``
    of those slots as ISO text)."""
    rng = random.Random(1)
    sch, b = schedule("Europe/Madrid", rng), busy(20, rng)
    slots = free_slots(sch, RULES, b, NOW)
    figure, _, _ = timed(lambda: len(free_slots(sch, RULES, b, NOW)), repeat)
    anchor, _, _ = timed(lambda: len(json.dumps([s.isoformat() for s in slots])), repeat)
    return figure, anchor


def thousand_one_day(
    rng: random.Random | None = None, rules: SlotRules = RULES, repeat: int = 5
) -> tuple[float, float, int]:
    """(median ms, max ms, slots) of 1,000 performers in five zones over one day."""
    rng = rng or random.Random(2)
    performers = [schedule(ZONES[i % len(ZONES)], rng) for i in range(1000)]
    busies = [busy(3, rng) for _ in range(1000)]
    day = local_day_bounds(ZoneInfo("Europe/Madrid"), (NOW + timedelta(days=2)).date())

    def all_day() -> int:
        return sum(
            len(free_slots(s, rules, b, NOW, day.start, day.end))
            for s, b in zip(performers, busies, strict=True)
        )

    return timed(all_day, repeat)


def main() -> None:
    rng = random.Random(1)
    rules = RULES
    print("slot engine (pure, no database)")
    print(f"{'case':<44} {'median ms':>10} {'max ms':>9} {'slots':>7}")
    sch = schedule("Europe/Madrid", rng)
    for n in (0, 20, 100):
        b = busy(n, rng)
        med, worst, count = timed(lambda b=b: len(free_slots(sch, rules, b, NOW)), 30)
        label = f"1 performer, 14 days, {n} busy intervals"
        print(f"{label:<44} {med:>10.2f} {worst:>9.2f} {count:>7}")
    med, worst, count = thousand_one_day(rng, rules)
    print(f"{'1,000 performers, one day, 3 busy each':<44} {med:>10.2f} {worst:>9.2f} {count:>7}")
    figure, anchor = target_figures()
    print(
        f"target: 1 performer, 14 days, 20 busy: {figure:.3f} ms (target {TARGET_MS} ms, "
        f"{'met' if figure <= TARGET_MS else 'NOT met'}); anchor json.dumps of its slots "
        f"{anchor:.3f} ms; ratio {figure / anchor:.1f}"
    )


if __name__ == "__main__":
    main()
