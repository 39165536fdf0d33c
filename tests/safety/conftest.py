"""The local Bot API and notifier of the notification tests, for relayed messages."""

from tests.notification.conftest import bot_api, notifier

__all__ = ["bot_api", "notifier"]
