"""Payment provider settings (env prefix ``PNPLIVE_``), kept apart from the core settings.

A provider is configured when its credentials are set. The sandbox provider is offered when no
other provider is configured, unless ``PNPLIVE_SANDBOX_PAYMENTS`` says otherwise explicitly.
Every base URL can be changed so tests point the providers at local fakes.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class PaymentSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PNPLIVE_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # Shared with the core settings (same variables): where we are, and our own signing key.
    env: Literal["development", "production"] = "development"
    public_base_url: str = "http://127.0.0.1:8000"
    secret_key: str = "change-me-in-production-0123456789"
    bot_token: str | None = None

    # Sandbox: None = offered only while no real provider is configured.
    sandbox_payments: bool | None = None
    sandbox_webhook_tolerance_seconds: int = Field(default=300, ge=1)

    # Outgoing HTTP
    http_timeout_seconds: float = Field(default=10.0, gt=0)
    http_retries: int = Field(default=2, ge=0, le=10)
    http_retry_backoff_seconds: float = Field(default=0.5, ge=0)

    # Stripe
    stripe_secret_key: str | None = None
    stripe_webhook_secret: str | None = None
    stripe_api_base: str = "https://api.stripe.com"
    stripe_webhook_tolerance_seconds: int = Field(default=300, ge=1)
    stripe_currencies: str = "USD,EUR,MXN,COP"
    # Stripe refuses expires_at earlier than 30 minutes ahead.
    stripe_checkout_min_minutes: int = Field(default=31, ge=30, le=24 * 60)

    # ePayco
    epayco_p_cust_id_cliente: str | None = None
    epayco_p_key: str | None = None
    epayco_public_key: str | None = None
    epayco_private_key: str | None = None
    epayco_api_base: str = "https://apify.epayco.co"
    epayco_test: bool = False
    epayco_currencies: str = "COP,USD"

    # Wompi
    wompi_public_key: str | None = None
    wompi_events_secret: str | None = None
    wompi_integrity_secret: str | None = None
    wompi_checkout_url: str = "https://checkout.wompi.co/p/"
    # Wompi re-sends an unacknowledged event for about a day with its original timestamp.
    wompi_webhook_max_age_seconds: int = Field(default=3 * 24 * 3600, ge=60)

    # Daimo Pay
    daimo_api_key: str | None = None
    daimo_webhook_token: str | None = None
    daimo_api_base: str = "https://pay.daimo.com"
    daimo_destination_address: str | None = None
    daimo_refund_address: str | None = None
    daimo_chain_id: int = 8453  # Base
    daimo_token_address: str = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"  # USDC on Base
    # Unconfirmed fact: how Daimo sends the webhook token ("basic" = "Authorization: Basic <t>").
    daimo_webhook_auth_scheme: str = "basic"

    # Telegram Stars
    telegram_stars: bool = False
    telegram_api_base: str = "https://api.telegram.org"
    telegram_webhook_secret: str | None = None

    @staticmethod
    def _currencies(text: str) -> frozenset[str]:
        return frozenset(c.strip().upper() for c in text.split(",") if c.strip())

    @property
    def stripe_enabled(self) -> bool:
        return bool(self.stripe_secret_key and self.stripe_webhook_secret)

    @property
    def epayco_enabled(self) -> bool:
        return bool(self.epayco_p_cust_id_cliente and self.epayco_p_key)

    @property
    def wompi_enabled(self) -> bool:
        return bool(
            self.wompi_public_key and self.wompi_events_secret and self.wompi_integrity_secret
        )

    @property
    def daimo_enabled(self) -> bool:
        return bool(
            self.daimo_api_key and self.daimo_webhook_token and self.daimo_destination_address
        )

    @property
    def telegram_stars_enabled(self) -> bool:
        return bool(self.telegram_stars and self.bot_token)

    @property
    def real_provider_configured(self) -> bool:
        return bool(
            self.stripe_enabled
            or self.epayco_enabled
            or self.wompi_enabled
            or self.daimo_enabled
            or self.telegram_stars_enabled
        )

    @property
    def production_like(self) -> bool:
        """Real money or a real bot is wired in: the defaults meant for trying things out no
        longer apply, whatever ``PNPLIVE_ENV`` says."""
        return self.env == "production" or self.real_provider_configured or bool(self.bot_token)

    @property
    def sandbox_enabled(self) -> bool:
        """Asked for by name (``PNPLIVE_SANDBOX_PAYMENTS``), or development with nothing real
        configured: never switched on by default where real members could pay."""
        if self.sandbox_payments is not None:
            return self.sandbox_payments
        return not self.production_like
