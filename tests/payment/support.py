"""Shared test helpers for payments: bookings awaiting payment, configured providers, snapshots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from pnplive.booking import service as bookings
from pnplive.booking.models import Booking, BookingEvent, SlotCell
from pnplive.booking.rules import BookingRules
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.kit.jobs import Job
from pnplive.payment.models import LedgerEntry, Payment, Refund, WebhookEvent
from pnplive.payment.providers.registry import Providers, build
from pnplive.payment.settings import PaymentSettings
from pnplive.performer.models import Performer
from pnplive.user.models import User
from tests.factories import make_performer, make_user

RULES = BookingRules()
NOW_START = datetime(2027, 3, 1, 0, 0, tzinfo=UTC)

STRIPE_API = "http://stripe.fake"
EPAYCO_API = "http://epayco.fake"
DAIMO_API = "http://daimo.fake"
TELEGRAM_API = "http://telegram.fake"
BOT_TOKEN = "123456:TEST-token"

SECRETS = {
    "stripe_secret_key": "sk_test_123",
    "stripe_webhook_secret": "whsec_test_secret_abc",
    "epayco_p_cust_id_cliente": "900123",
    "epayco_p_key": "pkey-abc-123",
    "epayco_public_key": "pub-epayco",
    "epayco_private_key": "priv-epayco",
    "wompi_public_key": "pub_test_wompi",
    "wompi_events_secret": "test_events_secret",
    "wompi_integrity_secret": "test_integrity_secret",
    "daimo_api_key": "daimo-key",
    "daimo_webhook_token": "daimo-webhook-token",
    "daimo_destination_address": "0x000000000000000000000000000000000000dEaD",
    "telegram_webhook_secret": "tg-secret-token",
}


def payment_settings(**over: Any) -> PaymentSettings:
    values: dict[str, Any] = {
        **SECRETS,
        "public_base_url": "http://testserver",
        "secret_key": "test-secret-key-0123456789",
        "bot_token": BOT_TOKEN,
        "telegram_stars": True,
        "sandbox_payments": True,
        "stripe_api_base": STRIPE_API,
        "epayco_api_base": EPAYCO_API,
        "daimo_api_base": DAIMO_API,
        "telegram_api_base": TELEGRAM_API,
        "http_retry_backoff_seconds": 0,
        "http_retries": 1,
    }
    values.update(over)
    return PaymentSettings(_env_file=None, **values)  # type: ignore[call-arg]


def all_providers(**over: Any) -> Providers:
    return build(payment_settings(**over))


def at(clock: FrozenClock, days: int = 1, hour: int = 10, minute: int = 0) -> datetime:
    base = clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
    return base + timedelta(days=days, hours=hour, minutes=minute)


@dataclass
class Setup:
    performer_id: int
    user_id: int
    booking_id: str


async def pending_booking(
    db: Database,
    clock: FrozenClock,
    *,
    currency: str = "USD",
    price: int = 200,
    minutes: int = 30,
    days: int = 1,
    hour: int = 10,
    performer_id: int | None = None,
) -> Setup:
    """A member's booking in ``pending_payment`` (hold placed, rules accepted)."""
    now = clock.now()
    async with db.transaction() as s:
        if performer_id is None:
            performer = await make_performer(s, now, price_per_minute=price, currency=currency)
        else:
            p = await s.get(Performer, performer_id)
            assert p is not None
            performer = p
        user = await make_user(s, now)
        booking = await bookings.place_hold(
            s,
            user=user,
            performer=performer,
            start_at=at(clock, days=days, hour=hour),
            duration=minutes,
            now=now,
            rules=RULES,
        )
        await bookings.confirm_hold(s, booking, now=now, rules=RULES, actor_id=user.id)
        return Setup(performer.id, user.id, booking.public_id)


async def booking(db: Database, public_id: str) -> Booking:
    async with db.transaction() as s:
        return await bookings.get_booking(s, public_id)


async def payment(db: Database, public_id: str) -> Payment:
    async with db.transaction() as s:
        p = await s.scalar(select(Payment).where(Payment.public_id == public_id))
        assert p is not None
        return p


async def refunds_of(db: Database, booking_public_id: str) -> list[Refund]:
    async with db.transaction() as s:
        b = await bookings.get_booking(s, booking_public_id)
        return list(
            await s.scalars(select(Refund).where(Refund.booking_id == b.id).order_by(Refund.id))
        )


async def jobs(db: Database, kind: str | None = None) -> list[Job]:
    async with db.transaction() as s:
        q = select(Job).order_by(Job.id)
        if kind is not None:
            q = q.where(Job.kind == kind)
        return list((await s.scalars(q)).all())


async def user(db: Database, user_id: int) -> User:
    async with db.transaction() as s:
        u = await s.get(User, user_id)
        assert u is not None
        return u


async def snapshot(db: Database) -> dict[str, Any]:
    """Everything a webhook could change, to prove that a refused one changed nothing."""
    async with db.transaction() as s:
        out: dict[str, Any] = {}
        for model in (WebhookEvent, LedgerEntry, Refund, Job, BookingEvent, SlotCell):
            out[model.__tablename__] = await s.scalar(select(func.count()).select_from(model))
        out["bookings"] = sorted(
            (b.public_id, b.status, b.paid_at) for b in (await s.scalars(select(Booking))).all()
        )
        out["payments"] = sorted(
            (p.public_id, p.status, p.paid_amount, p.transaction_id, p.applied)
            for p in (await s.scalars(select(Payment))).all()
        )
        return out
