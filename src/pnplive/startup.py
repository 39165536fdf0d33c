"""What a process checks before it serves anyone: no unsafe default where it matters.

Outside development (``PNPLIVE_ENV=production``, or any real payment provider or bot token
configured) the default secret key would let anyone forge sandbox payments and join links, so
the service refuses to start with it; the sandbox payment provider is then off unless asked for
by name (``payment/settings.py``).
"""

from __future__ import annotations

from pnplive.config import DEFAULT_SECRET_KEY, Settings
from pnplive.payment.settings import PaymentSettings

MIN_SECRET_LENGTH = 32


class UnsafeConfiguration(RuntimeError):
    """The service must not start as configured; the message says what to change."""


def problems(settings: Settings, payments: PaymentSettings) -> list[str]:
    out = []
    if settings.bot_webhook_url and not settings.bot_webhook_secret:
        out.append("PNPLIVE_BOT_WEBHOOK_URL needs PNPLIVE_BOT_WEBHOOK_SECRET (Telegram echoes it)")
    if not payments.production_like:
        return out
    if settings.secret_key == DEFAULT_SECRET_KEY:
        out.append(
            "PNPLIVE_SECRET_KEY is the built-in default; set a random secret of at least "
            f"{MIN_SECRET_LENGTH} characters (for example: python -c "
            '"import secrets; print(secrets.token_urlsafe(48))")'
        )
    elif len(settings.secret_key) < MIN_SECRET_LENGTH:
        out.append(f"PNPLIVE_SECRET_KEY must have at least {MIN_SECRET_LENGTH} characters")
    return out


def check(settings: Settings, payments: PaymentSettings | None = None) -> None:
    """Raise ``UnsafeConfiguration`` listing every problem, or return quietly."""
    found = problems(settings, payments or PaymentSettings())
    if found:
        raise UnsafeConfiguration(
            "refusing to start outside development:\n  - " + "\n  - ".join(found)
        )
