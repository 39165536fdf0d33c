"""Settings, read from the environment (prefix ``PNPLIVE_``) and an optional ``.env`` file."""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DB_PATH = Path("var") / "pnplive.sqlite3"
DEFAULT_SECRET_KEY = "change-me-in-production-0123456789"  # development only (pnplive.startup)
DEV_BOT_ID = 1000000001  # the local development bot's Telegram id


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PNPLIVE_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    env: Literal["development", "production"] = Field(
        default="development",
        description="production refuses unsafe defaults (the default secret key, the sandbox "
        "payments unless asked for by name, the local development bot token).",
    )

    # Storage
    database_url: str = Field(
        default=f"sqlite+aiosqlite:///{DEFAULT_DB_PATH}",
        description="SQLAlchemy async URL; sqlite+aiosqlite:///file or postgresql+asyncpg://...",
    )
    redis_url: str | None = Field(default=None, description="Redis for rate limits and bot FSM.")
    db_pool_size: int = Field(
        default=5, ge=1, le=100, description="PostgreSQL connections kept per process."
    )
    db_max_overflow: int = Field(
        default=5, ge=0, le=100, description="Extra PostgreSQL connections per process at peaks."
    )
    db_pool_timeout_seconds: float = Field(
        default=5.0,
        gt=0,
        le=120,
        description="Wait for a free connection before answering 503 with Retry-After.",
    )

    # Booking rules
    hold_minutes: int = Field(
        default=10, ge=1, le=120, description="How long a chosen slot is held."
    )
    payment_timeout_minutes: int = Field(
        default=10, ge=1, le=24 * 60, description="An unpaid booking lapses after this."
    )
    horizon_days: int = Field(
        default=14, ge=1, le=90, description="How far ahead slots are offered."
    )
    min_notice_minutes: int = Field(
        default=60, ge=0, le=7 * 24 * 60, description="Earliest start, from now."
    )
    slot_step_minutes: int = Field(default=15, description="Grid of offered start times.")
    pay_per_call_enabled: bool = Field(
        default=False, description="Let FREE (non-PRIME) members book and pay per call."
    )
    cancel_cutoff_hours: int = Field(
        default=2,
        ge=0,
        description="Members cancel or move a booking up to this many hours before.",
    )
    cancel_policy: str = Field(
        default="24:10000,2:5000,0:0",
        description=(
            "User cancellation refund by hours before start: 'hours:basis_points' pairs, "
            "the first whose hours the notice meets applies."
        ),
    )

    # Money
    commission_bps: int = Field(
        default=3000, ge=0, le=10000, description="Platform commission in basis points."
    )
    default_currency: str = Field(default="USD", description="Currency of new performers.")

    # Access
    superadmin_telegram_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="Comma-separated Telegram ids made superadmin."
    )
    bot_token: str | None = Field(
        default=None, description="Telegram bot token; also validates Mini App initData."
    )
    init_data_max_age_seconds: int = Field(
        default=24 * 3600, ge=60, description="Oldest accepted Mini App initData."
    )

    # Service
    public_base_url: str = Field(
        default="http://127.0.0.1:8000", description="Where members reach the service."
    )
    secret_key: str = Field(
        default=DEFAULT_SECRET_KEY,
        description="Signs sandbox checkouts and join links.",
    )
    terms_version: str = Field(
        default="1",
        min_length=1,
        max_length=32,
        description="The terms in force; members accept each new version before booking.",
    )
    prime_upgrade_url: str | None = Field(
        default=None, description="Where FREE members become PRIME (shown with the upgrade prompt)."
    )
    bot_webhook_url: str | None = Field(
        default=None,
        description="Public URL of /webhooks/telegram: the bot takes updates by webhook instead "
        "of long polling (needs bot_webhook_secret).",
    )
    bot_webhook_secret: str | None = Field(
        default=None,
        min_length=16,
        max_length=256,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="Telegram sends it back in X-Telegram-Bot-Api-Secret-Token.",
    )
    bot_rate_limit: str = Field(
        default="30/10seconds", description="Updates one member may send the bot (F-SAF-5)."
    )
    performer_idle_minutes: int = Field(
        default=60, ge=1, description="An online performer idle this long goes offline (F-PRF-2)."
    )
    archive_after_days: int = Field(
        default=180,
        ge=1,
        description="Bookings that ended this long ago keep only their minimal record (F-SAF-6).",
    )
    abuse_limit: int = Field(
        default=5,
        ge=1,
        description="Rate-limit hits or blocked messages, of one kind, that restrict a member "
        "automatically within the abuse window (F-SAF-5).",
    )
    abuse_window_minutes: int = Field(
        default=60, ge=1, description="The window in which abuse events are counted (F-SAF-5)."
    )

    @field_validator("slot_step_minutes")
    @classmethod
    def _step_is_a_multiple_of_the_cell(cls, v: int) -> int:
        if v <= 0 or v % 5:
            raise ValueError("slot_step_minutes must be a positive multiple of 5")
        return v

    @field_validator("superadmin_telegram_ids", mode="before")
    @classmethod
    def _split_ids(cls, v: object) -> object:
        if isinstance(v, str):
            return [int(x) for x in v.replace(" ", "").split(",") if x]
        if isinstance(v, int):
            return [v]
        return v

    @property
    def effective_bot_token(self) -> str | None:
        """The configured bot token; in development without one, a local token derived from the
        secret key, which the local Telegram emulator also uses, so sign-in works on the
        defaults. Production never invents one."""
        if self.bot_token:
            return self.bot_token
        if self.env == "production":
            return None
        digest = hmac.new(self.secret_key.encode(), b"pnplive-dev-bot", hashlib.sha256)
        return f"{DEV_BOT_ID}:{digest.hexdigest()[:35]}"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
