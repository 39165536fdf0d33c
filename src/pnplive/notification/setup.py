"""The notifier a deployment uses: Telegram through aiogram, at the configured Bot API base."""

from __future__ import annotations

from pnplive.config import Settings
from pnplive.notification.settings import NotificationSettings
from pnplive.notification.telegram import TelegramNotifier, make_bot


def notifier_from_settings(
    settings: Settings, notification_settings: NotificationSettings | None = None
) -> TelegramNotifier | None:
    """A Telegram notifier when a bot token is configured; None otherwise (notices then wait in
    the jobs table until a worker with a notifier runs)."""
    if not settings.bot_token:
        return None
    ns = notification_settings or NotificationSettings()
    return TelegramNotifier(
        make_bot(settings.bot_token, ns.telegram_api_base, ns.notify_timeout_seconds)
    )
