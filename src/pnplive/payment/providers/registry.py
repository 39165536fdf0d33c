"""Which providers exist under the current settings, and which are offered for a currency."""

from __future__ import annotations

from pnplive.payment.errors import ProviderNotOffered, UnknownProvider
from pnplive.payment.providers.base import PaymentProvider
from pnplive.payment.settings import PaymentSettings

# Order of preference when the caller names no provider.
ORDER = ("stripe", "epayco", "wompi", "daimo", "telegram_stars", "sandbox")


class Providers:
    def __init__(self, providers: dict[str, PaymentProvider]) -> None:
        self._by_name = providers

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def names(self) -> list[str]:
        return [n for n in ORDER if n in self._by_name] + sorted(
            n for n in self._by_name if n not in ORDER
        )

    def get(self, name: str) -> PaymentProvider:
        try:
            return self._by_name[name]
        except KeyError:
            raise UnknownProvider(f"no payment provider {name!r} is configured") from None

    def offered(self, currency: str) -> list[str]:
        return [n for n in self.names() if currency.upper() in self._by_name[n].currencies]

    def choose(self, currency: str, name: str | None = None) -> PaymentProvider:
        offered = self.offered(currency)
        if name is None:
            if not offered:
                raise ProviderNotOffered(f"no payment provider takes {currency}", currency=currency)
            return self._by_name[offered[0]]
        if name not in offered:
            raise ProviderNotOffered(
                f"{name} is not offered for {currency}", currency=currency, offered=offered
            )
        return self._by_name[name]


def build(settings: PaymentSettings) -> Providers:
    """Instantiate every configured provider (the sandbox when none is, or when asked)."""
    from pnplive.payment.providers.daimo import DaimoProvider
    from pnplive.payment.providers.epayco import EpaycoProvider
    from pnplive.payment.providers.sandbox import SandboxProvider
    from pnplive.payment.providers.stripe import StripeProvider
    from pnplive.payment.providers.telegram_stars import TelegramStarsProvider
    from pnplive.payment.providers.wompi import WompiProvider

    s = settings
    http = {
        "timeout": s.http_timeout_seconds,
        "retries": s.http_retries,
    }
    out: dict[str, PaymentProvider] = {}
    base = s.public_base_url.rstrip("/")
    if s.stripe_enabled:
        assert s.stripe_secret_key and s.stripe_webhook_secret
        out["stripe"] = StripeProvider(
            secret_key=s.stripe_secret_key,
            webhook_secret=s.stripe_webhook_secret,
            api_base=s.stripe_api_base,
            currencies=s._currencies(s.stripe_currencies),
            tolerance_seconds=s.stripe_webhook_tolerance_seconds,
            min_checkout_minutes=s.stripe_checkout_min_minutes,
            **http,  # type: ignore[arg-type]
        )
    if s.epayco_enabled:
        assert s.epayco_p_cust_id_cliente and s.epayco_p_key
        out["epayco"] = EpaycoProvider(
            cust_id=s.epayco_p_cust_id_cliente,
            p_key=s.epayco_p_key,
            public_key=s.epayco_public_key,
            private_key=s.epayco_private_key,
            api_base=s.epayco_api_base,
            confirmation_url=f"{base}/webhooks/epayco",
            test=s.epayco_test,
            currencies=s._currencies(s.epayco_currencies),
            backoff=s.http_retry_backoff_seconds,
            **http,  # type: ignore[arg-type]
        )
    if s.wompi_enabled:
        assert s.wompi_public_key and s.wompi_events_secret and s.wompi_integrity_secret
        out["wompi"] = WompiProvider(
            public_key=s.wompi_public_key,
            events_secret=s.wompi_events_secret,
            integrity_secret=s.wompi_integrity_secret,
            checkout_url=s.wompi_checkout_url,
            max_age_seconds=s.wompi_webhook_max_age_seconds,
        )
    if s.daimo_enabled:
        assert s.daimo_api_key and s.daimo_webhook_token and s.daimo_destination_address
        out["daimo"] = DaimoProvider(
            api_key=s.daimo_api_key,
            webhook_token=s.daimo_webhook_token,
            destination_address=s.daimo_destination_address,
            refund_address=s.daimo_refund_address,
            chain_id=s.daimo_chain_id,
            token_address=s.daimo_token_address,
            api_base=s.daimo_api_base,
            auth_scheme=s.daimo_webhook_auth_scheme,
            backoff=s.http_retry_backoff_seconds,
            **http,  # type: ignore[arg-type]
        )
    if s.telegram_stars_enabled:
        assert s.bot_token
        out["telegram_stars"] = TelegramStarsProvider(
            bot_token=s.bot_token,
            webhook_secret=s.telegram_webhook_secret,
            api_base=s.telegram_api_base,
            backoff=s.http_retry_backoff_seconds,
            **http,  # type: ignore[arg-type]
        )
    if s.sandbox_enabled:
        out["sandbox"] = SandboxProvider(
            s.secret_key, s.public_base_url, s.sandbox_webhook_tolerance_seconds
        )
    return Providers(out)
