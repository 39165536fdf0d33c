"""The availability answer rendered in bulk is byte for byte what the pydantic models write."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pnplive.api import render
from pnplive.api import schemas as s


def via_models(
    performer_id: int,
    minutes: int,
    zone: ZoneInfo,
    price: s.MoneyOut,
    first: date,
    last: date,
    found: list[datetime],
) -> str:
    by_day: dict[date, list[s.SlotOut]] = {}
    for t in found:
        by_day.setdefault(t.astimezone(zone).date(), []).append(render.slot(t, minutes, zone))
    days = []
    day = first
    while day <= last:
        days.append(s.DaySlots(day=day, slots=by_day.get(day, [])))
        day += timedelta(days=1)
    out = s.AvailabilityOut(
        performer_id=performer_id, duration=minutes, timezone=zone.key, price=price, days=days
    )
    return out.model_dump_json()


@pytest.mark.parametrize(
    "zone", ["UTC", "Europe/Madrid", "Asia/Kolkata", "America/St_Johns", "America/New_York"]
)
@pytest.mark.parametrize("currency", ["USD", "EUR", "XTR"])
def test_bulk_rendering_matches_the_models_across_zones_and_dst(zone: str, currency: str) -> None:
    tz = ZoneInfo(zone)
    # Spans the March change in Europe and America.
    first, last = date(2027, 3, 8), date(2027, 4, 1)
    start = datetime(2027, 3, 8, tzinfo=UTC)
    found = [start + timedelta(minutes=45 * k) for k in range(700) if k % 7 != 3]
    price = render.money(12_345, currency)
    expected = via_models(7, 60, tz, price, first, last, found)
    assert render.availability_json(7, 60, tz, price, first, last, found) == expected


def test_an_empty_range_has_no_days() -> None:
    price = render.money(100, "USD")
    tz = ZoneInfo("Europe/Madrid")
    first, last = date(2027, 3, 9), date(2027, 3, 8)
    expected = via_models(1, 30, tz, price, first, last, [])
    assert render.availability_json(1, 30, tz, price, first, last, []) == expected
    assert '"days":[]' in expected
