"""Video settings (env prefix ``PNPLIVE_``): which provider opens the rooms, and call timings."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class VideoSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PNPLIVE_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    video_provider: Literal["jitsi", "jaas", "jitsi_selfhosted", "daily"] = Field(
        default="jitsi", description="Public Jitsi needs no credentials (the default)."
    )

    # Timings (F-BK-8, F-SAF-2, F-SAF-4)
    early_join_minutes: int = Field(default=5, ge=0, le=60)
    end_grace_minutes: int = Field(default=5, ge=0, le=60)
    no_show_grace_minutes: int = Field(default=10, ge=1, le=60)
    no_show_pause_count: int = Field(
        default=3, ge=1, description="Performer no-shows within the window that pause them."
    )
    no_show_pause_window_days: int = Field(default=30, ge=1)

    # Public Jitsi
    jitsi_public_base: str = "https://meet.jit.si"

    # Jitsi as a Service (8x8.vc)
    jaas_app_id: str | None = None  # vpaas-magic-cookie-...
    jaas_key_id: str | None = None
    jaas_private_key: str | None = None  # PEM text, or a path to a PEM file
    jaas_webhook_secret: str | None = None
    jaas_base: str = "https://8x8.vc"

    # Self-hosted Jitsi (Prosody token auth)
    jitsi_domain: str | None = None
    jitsi_app_id: str | None = None
    jitsi_app_secret: str | None = None
    jitsi_audience: str = "jitsi"

    # Daily.co
    daily_api_key: str | None = None
    daily_api_base: str = "https://api.daily.co/v1"
    daily_webhook_secret: str | None = None  # base64, as Daily gives it

    # Outgoing HTTP
    http_timeout_seconds: float = Field(default=10.0, gt=0)
    http_retries: int = Field(default=2, ge=0, le=10)
    http_retry_backoff_seconds: float = Field(default=0.5, ge=0)
    webhook_tolerance_seconds: int = Field(default=300, ge=1)
