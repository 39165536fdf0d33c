"""Each figure against the hand-built week (tests/analytics/dataset.py), on both engines."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pnplive.analytics import service as a
from pnplive.analytics.service import Scope
from pnplive.kit.db import Database
from tests.analytics.dataset import WEEK_END, WEEK_START, build

pytestmark = pytest.mark.asyncio


async def test_money_per_currency(db: Database) -> None:
    await build(db)
    async with db.transaction() as s:
        lines = await a.money(s, Scope(WEEK_START, WEEK_END))
    by = {m.currency: m for m in lines}
    usd, eur = by["USD"], by["EUR"]
    assert (usd.payments, usd.refunds, usd.net) == (13500, 6000, 7500)
    assert (usd.commission, usd.performer_earnings) == (2250, 5250)
    assert (eur.payments, eur.refunds, eur.net, eur.commission, eur.performer_earnings) == (
        3000,
        0,
        3000,
        900,
        2100,
    )


async def test_money_of_one_performer(db: Database) -> None:
    week = await build(db)
    async with db.transaction() as s:
        lines = await a.money(s, Scope(WEEK_START, WEEK_END, week.b.id))
    assert [(m.currency, m.net) for m in lines] == [("EUR", 3000)]


async def test_bookings_per_performer_count_paid_calls_in_the_range(db: Database) -> None:
    week = await build(db)
    async with db.transaction() as s:
        rows = await a.bookings_per_performer(s, Scope(WEEK_START, WEEK_END))
    assert [(r.performer_id, r.bookings, r.booked_minutes) for r in rows] == [
        (week.a.id, 3, 135),
        (week.b.id, 2, 45),
    ]


async def test_average_rating(db: Database) -> None:
    week = await build(db)
    async with db.transaction() as s:
        rows = {r.performer_id: r for r in await a.ratings(s, Scope(WEEK_START, WEEK_END))}
    assert rows[week.a.id].average == Decimal("4.67") and rows[week.a.id].reviews == 3
    assert rows[week.b.id].average is None


async def test_busiest_hours_in_the_viewers_zone(db: Database) -> None:
    await build(db)
    async with db.transaction() as s:
        madrid = await a.busiest_hours(s, Scope(WEEK_START, WEEK_END), "Europe/Madrid")
        bogota = await a.busiest_hours(s, Scope(WEEK_START, WEEK_END), "America/Bogota")
        kathmandu = await a.busiest_hours(s, Scope(WEEK_START, WEEK_END), "Asia/Kathmandu")

    def cells(grid: list[list[int]]) -> dict[tuple[int, int], int]:
        return {(d, h): n for d, row in enumerate(grid) for h, n in enumerate(row) if n}

    assert cells(madrid) == {(0, 10): 1, (0, 11): 1, (2, 19): 1, (1, 16): 1, (1, 17): 1}
    assert cells(bogota) == {(0, 4): 1, (0, 5): 1, (2, 13): 1, (1, 10): 1, (1, 11): 1}
    # UTC+5:45: 09:00 UTC is 14:45, 10:00 is 15:45, 18:00 is 23:45, 15:00 is 20:45, 16:00 21:45
    assert cells(kathmandu) == {(0, 14): 1, (0, 15): 1, (2, 23): 1, (1, 20): 1, (1, 21): 1}


async def test_payment_success_rate(db: Database) -> None:
    week = await build(db)
    async with db.transaction() as s:
        everyone = await a.payment_success(s, Scope(WEEK_START, WEEK_END))
        one = await a.payment_success(s, Scope(WEEK_START, WEEK_END, week.a.id))
    assert (everyone.numerator, everyone.denominator, everyone.percent) == (5, 8, Decimal("62.5"))
    assert (one.numerator, one.denominator, one.percent) == (3, 5, Decimal("60.0"))


async def test_refund_rate_counts_bookings_with_a_live_refund(db: Database) -> None:
    await build(db)
    async with db.transaction() as s:
        rate = await a.refund_rate(s, Scope(WEEK_START, WEEK_END))
    assert (rate.numerator, rate.denominator, rate.percent) == (1, 5, Decimal("20.0"))


async def test_no_show_rates_by_side(db: Database) -> None:
    await build(db)
    async with db.transaction() as s:
        ns = await a.no_shows(s, Scope(WEEK_START, WEEK_END))
    assert (ns.performer.numerator, ns.performer.denominator) == (1, 4)
    assert (ns.member.percent, ns.performer.percent) == (Decimal("25.0"), Decimal("25.0"))


async def test_utilisation_of_a_performers_offered_time(db: Database) -> None:
    week = await build(db)
    async with db.transaction() as s:
        u = await a.utilisation(s, Scope(WEEK_START, WEEK_END, week.a.id))
    assert (u.booked_minutes, u.offered_minutes) == (135, 240)
    assert u.rate.percent == Decimal("56.3")


async def test_an_empty_range_has_no_rates(db: Database) -> None:
    await build(db)
    empty = Scope(WEEK_END, WEEK_END)
    async with db.transaction() as s:
        assert (await a.payment_success(s, empty)).percent is None
        assert (await a.refund_rate(s, empty)).percent is None
        assert await a.money(s, empty) == []
