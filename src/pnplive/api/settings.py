"""Settings of the HTTP front door (env prefix ``PNPLIVE_API_``), beside the product settings."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ApiSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PNPLIVE_API_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    rate_limit_per_ip: str = Field(
        default="600/minute", description="Requests per client address ('limits' notation)."
    )
    rate_limit_per_user: str = Field(
        default="240/minute", description="Requests per member or API token."
    )
    rate_limit_bookings: str = Field(
        default="30/minute", description="Booking writes (hold, cancel, reschedule) per member."
    )
    rate_limit_webhooks: str = Field(
        default="3000/minute",
        description="Webhook deliveries per sending address: higher than members' limit, as a "
        "provider sends bursts from few addresses and retries what we refuse.",
    )
    rate_limit_enabled: bool = True
    rate_limit_prefix: str = Field(
        default="pnplive", description="Namespace of the counters (several apps on one Redis)."
    )
    max_page_size: int = Field(default=100, ge=1, le=1000)
