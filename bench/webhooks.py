"""Signed Stripe webhooks for the load generator: pending payments seeded through the services,
``checkout.session.completed`` events signed with the ``stripe`` package, the raw-insert anchor and
the exactly-once check. The completed checkout session is the event that pays a booking here:
``payment_intent.*`` events are acknowledged and ignored by the Stripe provider.

The server gets the same webhook secret (``SERVER_ENV``) and an API base nobody answers: a webhook
makes no outgoing call, and a checkout here is written by the services without asking Stripe.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import stripe
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.booking import service as bookings
from pnplive.booking.models import Booking, BookingEvent
from pnplive.booking.rules import BookingRules
from pnplive.config import Settings
from pnplive.kit.db import Database
from pnplive.payment import service as payments
from pnplive.payment.models import Payment, WebhookEvent
from pnplive.payment.providers.base import Checkout
from pnplive.payment.providers.registry import build
from pnplive.payment.settings import PaymentSettings
from pnplive.performer.models import Performer
from pnplive.user import service as users
from pnplive.user.models import User

STRIPE_KEY = "sk_test_bench"
STRIPE_SECRET = "whsec_bench_secret"
SERVER_ENV = {
    "PNPLIVE_STRIPE_SECRET_KEY": STRIPE_KEY,
    "PNPLIVE_STRIPE_WEBHOOK_SECRET": STRIPE_SECRET,
    "PNPLIVE_STRIPE_API_BASE": "http://127.0.0.1:9",
}
BATCH = 250  # bookings per seeding transaction
TELEGRAM_IDS = 7_000_000  # the payers' ids start here, clear of the other members'


@dataclass(frozen=True, slots=True)
class Pending:
    payment_id: str
    checkout_id: str
    amount: int
    currency: str


async def seed_pending(url: str, performer_ids: list[int], day: datetime, n: int) -> list[Pending]:
    """``n`` bookings awaiting a Stripe payment: hold, confirm, checkout, as a member's would go,
    on 30-minute slots of ``day`` spread over ``performer_ids``. Each has a member of its own:
    confirming a member's hold ends the booking that member had awaiting payment."""
    now = datetime.now(UTC)
    rules = BookingRules()
    terms = Settings().terms_version  # read once: settings parse the environment each time
    providers = build(
        PaymentSettings(
            _env_file=None,  # type: ignore[call-arg]
            stripe_secret_key=STRIPE_KEY,
            stripe_webhook_secret=STRIPE_SECRET,
        )
    )
    db = Database(url)
    out: list[Pending] = []
    try:
        for first in range(0, n, BATCH):
            async with db.transaction() as s:
                ps = await s.scalars(select(Performer).where(Performer.id.in_(performer_ids)))
                performers = ps.all()
                for k in range(first, min(n, first + BATCH)):
                    user = await member(s, TELEGRAM_IDS + k, now, terms)
                    b = await bookings.place_hold(
                        s,
                        user=user,
                        performer=performers[k % len(performers)],
                        start_at=day + timedelta(minutes=30 * (k // len(performers))),
                        duration=30,
                        now=now,
                        rules=rules,
                    )
                    await bookings.confirm_hold(s, b, now=now, rules=rules, actor_id=user.id)
                    prepared = await payments.prepare_checkout(
                        s,
                        b.public_id,
                        providers=providers,
                        now=now,
                        public_base_url="http://127.0.0.1",
                        provider="stripe",
                    )
                    p = prepared.payment
                    checkout = Checkout(checkout_id=f"cs_bench_{p.public_id}", url=None)
                    await payments.finish_checkout(s, p.id, checkout, now)
                    out.append(Pending(p.public_id, checkout.checkout_id, p.amount, p.currency))
    finally:
        await db.dispose()
    return out


async def member(s: AsyncSession, telegram_id: int, now: datetime, terms: str) -> User:
    """A PRIME, age-verified member who accepted the terms (version ``terms``): one who may book."""
    u = await users.register(s, telegram_id, now)
    u.is_prime = True
    u.age_verified_at = u.terms_accepted_at = now
    u.terms_version = terms
    return u


def completed(p: Pending, seq: int) -> bytes:
    """A distinct ``checkout.session.completed`` event paying ``p`` in full."""
    return json.dumps(
        {
            "id": f"evt_bench_{seq}_{p.payment_id}",
            "object": "event",
            "api_version": "2025-01-27.acacia",
            "type": "checkout.session.completed",
            "data": {
                "object": {
                    "id": p.checkout_id,
                    "object": "checkout.session",
                    "payment_status": "paid",
                    "status": "complete",
                    "payment_intent": f"pi_bench_{p.payment_id}",
                    "amount_total": p.amount,
                    "currency": p.currency.lower(),
                    "client_reference_id": p.payment_id,
                    "metadata": {"payment_id": p.payment_id},
                }
            },
        }
    ).encode()


def signed_headers(body: bytes) -> dict[str, str]:
    header = stripe.WebhookSignature.generate_signature_header(
        body.decode(), STRIPE_SECRET, timestamp=int(time.time())
    )
    return {"Stripe-Signature": header, "Content-Type": "application/json"}


async def raw_insert_rate(url: str, clients: int, seconds: float, body: bytes) -> float:
    """Single-row INSERTs per second, one transaction (one commit) each, ``clients`` at once, on
    a scratch table: the database's floor for a webhook, which writes and commits once."""
    db = Database(url)
    done = 0
    try:
        async with db.engine.begin() as conn:
            await conn.execute(text("CREATE TABLE bench_inserts (id INTEGER PRIMARY KEY, b TEXT)"))
        stmt = text("INSERT INTO bench_inserts (id, b) VALUES (:i, :b)")
        payload = body.decode()
        deadline = time.perf_counter() + seconds

        async def client(w: int) -> None:
            nonlocal done
            i = w
            while time.perf_counter() < deadline:
                async with db.engine.begin() as conn:
                    await conn.execute(stmt, {"i": i, "b": payload})
                i += clients
                done += 1

        t0 = time.perf_counter()
        await asyncio.gather(*(client(w) for w in range(clients)))
        rate = done / (time.perf_counter() - t0)
        async with db.engine.begin() as conn:
            await conn.execute(text("DROP TABLE bench_inserts"))
    finally:
        await db.dispose()
    return rate


async def applied_once(url: str, payment_ids: list[str]) -> tuple[int, int, int, int]:
    """(stripe inbox rows, of them ``confirmed``, paid payments, bookings confirmed once) over
    ``payment_ids``: all four equal the number of distinct events when each was applied once."""
    db = Database(url)
    try:
        async with db.transaction() as s:
            inbox = await s.scalar(
                select(func.count())
                .select_from(WebhookEvent)
                .where(WebhookEvent.provider == "stripe")
            )
            confirmed = await s.scalar(
                select(func.count())
                .select_from(WebhookEvent)
                .where(WebhookEvent.provider == "stripe", WebhookEvent.outcome == "confirmed")
            )
            paid = await s.scalar(
                select(func.count())
                .select_from(Payment)
                .where(Payment.public_id.in_(payment_ids), Payment.status == "paid")
            )
            # Bookings of these payments with exactly one move to ``confirmed`` in their history.
            per_booking = (
                select(BookingEvent.booking_id)
                .join(Booking, Booking.id == BookingEvent.booking_id)
                .join(Payment, Payment.booking_id == Booking.id)
                .where(Payment.public_id.in_(payment_ids), BookingEvent.to_status == "confirmed")
                .group_by(BookingEvent.booking_id)
                .having(func.count() == 1)
                .subquery()
            )
            once = await s.scalar(select(func.count()).select_from(per_booking))
    finally:
        await db.dispose()
    return int(inbox or 0), int(confirmed or 0), int(paid or 0), int(once or 0)
