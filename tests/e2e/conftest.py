"""People of the end-to-end tests: members of each standing, a performer and an admin."""

from __future__ import annotations

from dataclasses import dataclass

import pytest_asyncio

from pnplive.emulator.state import Persona
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from tests.factories import make_performer, make_user

PRIME, PRIME_ES, FREE, UNVERIFIED, PERFORMER, ADMIN, RIVAL = (
    200001,
    200002,
    200003,
    200004,
    200005,
    200006,
    200007,
)

PERSONAS = [
    Persona(PRIME, "Alex", username="alex", language_code="en", label="PRIME member"),
    Persona(PRIME_ES, "Carlos", username="carlos", language_code="es", label="PRIME member (es)"),
    Persona(FREE, "Sam", username="sam", language_code="en", label="FREE member"),
    Persona(UNVERIFIED, "New", username="newbie", language_code="en", label="new member"),
    Persona(PERFORMER, "Luna", username="luna_tg", language_code="en", label="performer"),
    Persona(ADMIN, "Ada", username="ada", language_code="en", label="admin"),
    Persona(RIVAL, "Riley", username="riley", language_code="en", label="PRIME member"),
]


@dataclass
class People:
    performer_id: int
    stars_performer_id: int


@pytest_asyncio.fixture
async def people(db: Database, clock: FrozenClock) -> People:
    now = clock.now()
    async with db.transaction() as s:
        await make_user(s, now, telegram_id=PRIME, first_name="Alex", username="alex")
        await make_user(
            s,
            now,
            telegram_id=PRIME_ES,
            first_name="Carlos",
            username="carlos",
            language="es",
            timezone="America/Bogota",
        )
        await make_user(s, now, telegram_id=RIVAL, first_name="Riley", username="riley")
        await make_user(s, now, telegram_id=FREE, prime=False, first_name="Sam", username="sam")
        await make_user(s, now, telegram_id=ADMIN, role="admin", first_name="Ada", username="ada")
        await make_user(
            s, now, telegram_id=PERFORMER, prime=False, first_name="Luna", username="luna_tg"
        )
        luna = await make_performer(
            s,
            now,
            username="luna",
            display_name="Luna",
            price_per_minute=300,
            currency="USD",
            user_telegram_id=PERFORMER,
            bio="Chatty and warm.",
        )
        star = await make_performer(
            s,
            now,
            username="nova",
            display_name="Nova",
            price_per_minute=10,
            currency="XTR",
        )
        return People(luna.id, star.id)


async def paid_booking(
    db: Database, clock: FrozenClock, telegram_id: int, performer_id: int, *, days: int = 3
) -> str:
    """A booking paid through the sandbox provider's signed webhook, for the member with this
    Telegram id; returns its public id."""
    from datetime import timedelta

    from pnplive.booking import service as bookings
    from pnplive.payment import service as payments
    from pnplive.performer.models import Performer
    from pnplive.user.service import by_telegram_id
    from tests.payment.signers import SIGNERS
    from tests.payment.support import RULES, all_providers

    start = clock.now().replace(hour=12, minute=0) + timedelta(days=days)
    async with db.transaction() as s:
        user = await by_telegram_id(s, telegram_id)
        performer = await s.get(Performer, performer_id)
        assert user is not None and performer is not None
        booking = await bookings.place_hold(
            s,
            user=user,
            performer=performer,
            start_at=start,
            duration=30,
            now=clock.now(),
            rules=RULES,
        )
        await bookings.confirm_hold(s, booking, now=clock.now(), rules=RULES, actor_id=user.id)
        public_id = booking.public_id
    providers = all_providers()
    payment = await payments.start_checkout(
        db,
        public_id,
        providers=providers,
        clock=clock,
        public_base_url="http://testserver",
        provider="sandbox",
    )
    sandbox = next(s for s in SIGNERS if s.provider == "sandbox")
    body, headers = sandbox.paid(payment, clock.now())
    await payments.process_webhook(db, "sandbox", body, headers, providers=providers, clock=clock)
    return public_id
