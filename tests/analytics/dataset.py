"""A small week of business whose figures are worked out by hand in the tests.

Week: Monday 2027-03-01 00:00 UTC to Monday 2027-03-08 00:00 UTC.
Performer A (Europe/Madrid, UTC+1 that week) offers Mondays 10:00-14:00 local (09:00-13:00 UTC),
an extra hour on Wednesday 18:00-19:00 UTC and blocks Monday 12:00-13:00 UTC: 240 minutes.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pnplive.availability.models import BlockedInterval, ExtraAvailability
from pnplive.booking.models import Booking
from pnplive.kit.db import Database
from pnplive.payment.models import LedgerEntry, Payment, Refund
from pnplive.performer.models import Performer
from tests.factories import make_performer, make_user

WEEK_START = datetime(2027, 3, 1, tzinfo=UTC)
WEEK_END = WEEK_START + timedelta(days=7)
_n = itertools.count(1)


@dataclass
class Week:
    a: Performer
    b: Performer
    bookings: dict[str, Booking]


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return WEEK_START + timedelta(days=day, hours=hour, minutes=minute)


async def build(db: Database) -> Week:
    now = WEEK_START - timedelta(days=3)
    async with db.transaction() as s:
        a = await make_performer(
            s, now, timezone="Europe/Madrid", weekly=[(0, "10:00", "14:00")], currency="USD"
        )
        b = await make_performer(s, now, weekly=[(1, "09:00", "21:00")], currency="EUR")
        a.rating_sum, a.rating_count = 14, 3
        s.add(ExtraAvailability(performer_id=a.id, start_at=at(2, 18), end_at=at(2, 19)))
        s.add(BlockedInterval(performer_id=a.id, start_at=at(0, 12), end_at=at(0, 13)))
        member = await make_user(s, now)

        def booking(
            p: Performer, start: datetime, minutes: int, status: str, amount: int, paid: bool
        ) -> Booking:
            n = next(_n)
            bk = Booking(
                public_id=f"{n:016x}",
                user_id=member.id,
                performer_id=p.id,
                status=status,
                call_type="video",
                start_at=start,
                end_at=start + timedelta(minutes=minutes),
                duration_minutes=minutes,
                occupied_start=start,
                occupied_end=start + timedelta(minutes=minutes),
                price_per_minute=amount // minutes,
                amount=amount,
                currency=p.currency,
                commission_bps=3000,
                commission_amount=amount * 3 // 10,
                performer_amount=amount - amount * 3 // 10,
                user_timezone="UTC",
                paid_at=start - timedelta(days=1) if paid else None,
                reschedule_count=0,
                instant=False,
                created_at=now,
                updated_at=now,
            )
            s.add(bk)
            return bk

        bk = {
            "b1": booking(a, at(0, 9), 30, "completed", 3000, True),
            "b2": booking(a, at(0, 10), 60, "no_show_performer", 6000, True),
            "b3": booking(a, at(2, 18), 45, "confirmed", 4500, True),
            "b4": booking(a, at(0, 11), 30, "held", 3000, False),
            "b5": booking(a, at(8, 9), 30, "confirmed", 3000, True),  # next week
            "b6": booking(b, at(1, 15), 30, "no_show_user", 2000, True),
            "b7": booking(b, at(1, 16), 15, "completed", 1000, True),
        }
        await s.flush()

        def payment(key: str, status: str, created: datetime) -> Payment:
            target = bk[key]
            p = Payment(
                public_id=f"pay_{next(_n)}",
                booking_id=target.id,
                provider="sandbox",
                status=status,
                amount=target.amount,
                currency=target.currency,
                applied=status == "paid",
                created_at=created,
                updated_at=created,
            )
            s.add(p)
            return p

        day = at(0, 1)
        pays = {k: payment(k, "paid", day) for k in ("b1", "b2", "b3", "b6", "b7")}
        payment("b4", "failed", day)
        payment("b4", "expired", day)
        payment("b4", "open", day)  # not finished: left out
        payment("b6", "flagged", day)
        payment("b5", "paid", WEEK_END + timedelta(hours=1))  # next week
        await s.flush()

        def refund(key: str, status: str) -> None:
            s.add(
                Refund(
                    public_id=f"ref_{next(_n)}",
                    idempotency_key=f"idem_{next(_n)}",
                    payment_id=pays[key].id,
                    booking_id=bk[key].id,
                    provider="sandbox",
                    amount=bk[key].amount,
                    currency=bk[key].currency,
                    reason="test",
                    status=status,
                    requested_by="system",
                    attempts=1,
                    created_at=day,
                    updated_at=day,
                )
            )

        refund("b2", "succeeded")
        refund("b7", "failed")  # a failed refund is not a refund

        def entry(key: str, kind: str, amount: int) -> None:
            target = bk[key]
            commission = amount * 3 // 10
            s.add(
                LedgerEntry(
                    source=f"{kind}:{next(_n)}",
                    kind=kind,
                    booking_id=target.id,
                    performer_id=target.performer_id,
                    payment_id=pays[key].id,
                    provider="sandbox",
                    amount=amount,
                    currency=target.currency,
                    commission_bps=3000,
                    commission=commission,
                    performer_amount=amount - commission,
                    status="done",
                    created_at=day,
                )
            )

        for key in ("b1", "b2", "b3", "b6", "b7"):
            entry(key, "payment", bk[key].amount)
        entry("b2", "refund", 6000)
    return Week(a, b, bk)
