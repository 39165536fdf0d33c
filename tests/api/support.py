"""Test helpers for the REST API: Telegram-signed initData, clients, and a populated world."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
from fastapi import FastAPI

from pnplive.api.app import create_app
from pnplive.api.settings import ApiSettings
from pnplive.auth import tokens
from pnplive.booking import service as bookings
from pnplive.booking.models import Booking
from pnplive.booking.rules import BookingRules
from pnplive.config import Settings
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.performer.models import Performer
from pnplive.user.models import User
from tests.factories import make_performer, make_user

BOT_TOKEN = "7000000001:AAHtest-bot-token-for-pnplive-tests"
OTHER_BOT_TOKEN = "7000000002:AAHanother-bot-entirely"
SUPERADMIN_TG = 900_001


def sign_init_data(
    bot_token: str,
    *,
    user: dict[str, Any],
    auth_date: int,
    extra: dict[str, str] | None = None,
) -> str:
    """initData exactly as Telegram builds it (written here independently of the product code).

    secret = HMAC_SHA256(key=b"WebAppData", msg=bot_token)
    hash = hex HMAC_SHA256(key=secret, msg=data_check_string)
    """
    fields = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps(user, separators=(",", ":"), ensure_ascii=False),
        "auth_date": str(auth_date),
    }
    fields.update(extra or {})
    check = "\n".join(f"{k}={fields[k]}" for k in sorted(fields))
    secret = hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()
    fields["hash"] = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return urlencode(fields)


def tma(
    telegram_id: int,
    now: datetime,
    *,
    bot_token: str = BOT_TOKEN,
    language_code: str = "en",
    age: timedelta = timedelta(minutes=1),
    username: str | None = None,
) -> dict[str, str]:
    user: dict[str, Any] = {
        "id": telegram_id,
        "first_name": f"Member {telegram_id}",
        "language_code": language_code,
        "allows_write_to_pm": True,
    }
    if username:
        user["username"] = username
    data = sign_init_data(bot_token, user=user, auth_date=int((now - age).timestamp()))
    return {"Authorization": f"tma {data}"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def make_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "bot_token": BOT_TOKEN,
        "superadmin_telegram_ids": [SUPERADMIN_TG],
        "redis_url": None,
    }
    values.update(overrides)
    return Settings(**values)


def make_app(
    db: Database,
    clock: FrozenClock,
    settings: Settings | None = None,
    api_settings: ApiSettings | None = None,
) -> FastAPI:
    return create_app(
        settings or make_settings(db.url),
        db=db,
        clock=clock,
        api_settings=api_settings
        or ApiSettings(
            rate_limit_per_ip="100000/minute",
            rate_limit_per_user="100000/minute",
            rate_limit_bookings="100000/minute",
        ),
    )


def client_for(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
        base_url="http://testserver",
    )


def tomorrow_at(clock: FrozenClock, hour: int, minute: int = 0, days: int = 1) -> datetime:
    base = clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
    return base + timedelta(days=days, hours=hour, minutes=minute)


def iso(dt: datetime) -> str:
    return dt.isoformat().replace("+00:00", "Z")


ROLES = (
    "anonymous",
    "unverified",
    "free",
    "prime",
    "other_prime",
    "performer",
    "admin",
    "superadmin",
    "admin_token",
    "integration_token",
)


@dataclass
class World:
    """One member per role, performers, a confirmed booking and API tokens."""

    clock: FrozenClock
    users: dict[str, User] = field(default_factory=dict)
    performer: Performer | None = None  # linked to the "performer" member
    other_performer: Performer | None = None
    hidden_performer: Performer | None = None
    booking: Booking | None = None  # confirmed, prime member with ``performer``
    held: Booking | None = None  # held (rules not yet accepted), other_prime with other_performer
    tokens: dict[str, str] = field(default_factory=dict)

    def headers(self, role: str) -> dict[str, str]:
        if role == "anonymous":
            return {}
        if role in self.tokens:
            return bearer(self.tokens[role])
        return tma(self.users[role].telegram_id, self.clock.now())

    @property
    def p(self) -> Performer:
        assert self.performer is not None
        return self.performer

    @property
    def b(self) -> Booking:
        assert self.booking is not None
        return self.booking


async def build_world(db: Database, clock: FrozenClock, *, with_booking: bool = True) -> World:
    now = clock.now()
    w = World(clock=clock)
    async with db.transaction() as s:
        w.users["unverified"] = await make_user(s, now, verified=False, terms=False, prime=False)
        w.users["free"] = await make_user(s, now, prime=False)
        w.users["prime"] = await make_user(s, now, timezone="America/New_York")
        w.users["other_prime"] = await make_user(s, now)
        w.users["performer"] = await make_user(s, now, prime=False)
        w.users["admin"] = await make_user(s, now, prime=False, role="admin")
        w.users["superadmin"] = await make_user(
            s, now, prime=False, role="superadmin", telegram_id=SUPERADMIN_TG
        )
        w.performer = await make_performer(
            s,
            now,
            user_telegram_id=w.users["performer"].telegram_id,
            timezone="Europe/Madrid",
            tags=["chat", "music"],
            languages=["es", "en"],
            price_per_minute=300,
        )
        w.other_performer = await make_performer(s, now, tags=["dance"], price_per_minute=150)
        w.hidden_performer = await make_performer(s, now, visibility="hidden")
        _, w.tokens["admin_token"] = await tokens.create(s, "ops", "admin", now)
        _, w.tokens["integration_token"] = await tokens.create(s, "site", "integration", now)
        if with_booking:
            rules = BookingRules()
            b = await bookings.place_hold(
                s,
                user=w.users["prime"],
                performer=w.performer,
                start_at=tomorrow_at(clock, 14, days=2),
                duration=30,
                now=now,
                rules=rules,
            )
            await bookings.confirm_hold(s, b, now=now, rules=rules, actor_id=b.user_id)
            await bookings.apply_payment(s, b, now=now)
            w.booking = b
            w.held = await bookings.place_hold(
                s,
                user=w.users["other_prime"],
                performer=w.other_performer,
                start_at=tomorrow_at(clock, 11),
                duration=30,
                now=now,
                rules=rules,
            )
        w.performer.presence = "online"
    return w
