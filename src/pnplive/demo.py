"""Demo data for a first look: performers in three zones, an admin, a PRIME and a FREE member."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.availability import editing
from pnplive.kit.actor import CLI
from pnplive.performer import service as performers
from pnplive.performer.schemas import PerformerCreate, WeeklyRuleIn
from pnplive.user import membership
from pnplive.user import service as users
from pnplive.user.models import Role

ADMIN_TG, PRIME_TG, FREE_TG, PERFORMER_TG, NEWCOMER_TG = 100001, 100002, 100003, 100004, 100005

# Who a newcomer can be in the local Telegram emulator: (telegram id, first name, username,
# language, what they are). The newcomer has not been through the gates yet.
PEOPLE: list[tuple[int, str, str, str, str]] = [
    (PRIME_TG, "Alex", "demo_prime", "en", "PRIME member"),
    (FREE_TG, "Sam", "demo_free", "es", "FREE member"),
    (NEWCOMER_TG, "Nico", "demo_new", "es", "new member (not verified)"),
    (PERFORMER_TG, "Luna", "demo_luna", "es", "performer (Luna)"),
    (ADMIN_TG, "Ada", "demo_admin", "en", "admin"),
]

DEMO_PERFORMERS: list[tuple[dict[str, object], list[tuple[int, str, str]]]] = [
    (
        {
            "username": "luna",
            "display_name": "Luna",
            "bio": "Madrid. Chatty, warm, loves music and late talks.",
            "tags": ["chat", "music"],
            "languages": ["es", "en"],
            "price_per_minute": 300,
            "currency": "EUR",
            "timezone": "Europe/Madrid",
            "buffer_before": 5,
            "buffer_after": 10,
        },
        [(d, "10:00", "14:00") for d in range(6)] + [(d, "18:00", "23:00") for d in range(6)],
    ),
    (
        {
            "username": "sky",
            "display_name": "Sky",
            "bio": "New York. Night owl.",
            "tags": ["night", "chat"],
            "languages": ["en"],
            "price_per_minute": 250,
            "currency": "USD",
            "timezone": "America/New_York",
            "min_duration": 30,
            "max_duration": 90,
        },
        [(d, "12:00", "20:00") for d in range(5)] + [(5, "22:00", "02:00")],
    ),
    (
        {
            "username": "valentina",
            "display_name": "Valentina",
            "bio": "Bogotá. Dance and good vibes.",
            "tags": ["dance"],
            "languages": ["es"],
            "price_per_minute": 800000,
            "currency": "COP",
            "timezone": "America/Bogota",
            "buffer_after": 15,
        },
        [(d, "14:00", "22:00") for d in range(7)],
    ),
]


async def seed(session: AsyncSession, now: datetime, terms_version: str = "1") -> list[str]:
    out = []
    admin = await users.register(session, ADMIN_TG, now, username="demo_admin")
    admin.role = Role.SUPERADMIN.value
    prime = await users.register(session, PRIME_TG, now, username="demo_prime")
    await membership.set_prime(session, prime, True, CLI, now, "demo data")
    prime.timezone = "America/New_York"
    free = await users.register(session, FREE_TG, now, username="demo_free")
    luna_account = await users.register(session, PERFORMER_TG, now, username="demo_luna")
    luna_account.first_name = "Luna"
    for member in (admin, prime, free, luna_account):  # they went through the gates themselves
        await membership.confirm_age(session, member, now)
        await membership.accept_terms(session, member, terms_version, terms_version, now)
    out.append(
        f"superadmin telegram id {ADMIN_TG}, PRIME member {PRIME_TG}, FREE member {FREE_TG}, "
        f"performer account {PERFORMER_TG}"
    )
    for fields, weekly in DEMO_PERFORMERS:
        if await performers.by_username(session, str(fields["username"])) is not None:
            out.append(f"performer {fields['username']} already there")
            continue
        data = dict(fields)
        if data["username"] == "luna":
            data["user_telegram_id"] = PERFORMER_TG  # Luna runs her profile from the bot
        p = await performers.create(session, PerformerCreate.model_validate(data), now)
        await editing.set_weekly(
            session, p, [WeeklyRuleIn(weekday=d, start=a, end=b) for d, a, b in weekly], now
        )
        out.append(f"performer {p.username} ({p.timezone}) with {len(weekly)} weekly intervals")
    return out
