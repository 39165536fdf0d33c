"""Notification settings (environment, prefix ``PNPLIVE_``)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class NotificationSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PNPLIVE_", env_file=".env", extra="ignore")

    reminder_minutes: Annotated[list[int], NoDecode] = Field(
        default=[1440, 60, 15, 5],
        description="Reminders before a call, in minutes before its start (F-NTF-1).",
    )
    telegram_api_base: str = Field(
        default="https://api.telegram.org",
        description="Bot API server the notices are sent to (the local emulator in development).",
    )
    notify_timeout_seconds: float = Field(default=10.0, description="One Bot API call's limit.")
    broadcast_per_second: float = Field(
        default=25.0, gt=0, le=30, description="Overall pace of broadcasts (Telegram allows ~30/s)."
    )
    broadcast_per_chat_seconds: float = Field(
        default=1.0, ge=1.0, description="Least time between two messages to one chat."
    )
    broadcast_run_seconds: float = Field(
        default=120.0,
        gt=0,
        description="One worker run of a broadcast; it then continues as a new job (lease-safe).",
    )

    @field_validator("reminder_minutes", mode="before")
    @classmethod
    def _split(cls, v: object) -> object:
        if isinstance(v, str):
            return [int(x) for x in v.replace(" ", "").split(",") if x]
        return v

    @field_validator("reminder_minutes")
    @classmethod
    def _positive_and_sorted(cls, v: list[int]) -> list[int]:
        if any(m <= 0 or m > 7 * 24 * 60 for m in v):
            raise ValueError("reminders are 1 minute to 7 days before the start")
        return sorted(set(v), reverse=True)
