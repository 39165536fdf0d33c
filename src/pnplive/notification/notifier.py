"""Where notices go: one interface, so the worker does not care how a message travels."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from pnplive.notification.messages import OutMessage


class Delivery(StrEnum):
    SENT = "sent"
    UNREACHABLE = "unreachable"  # the person blocked the bot or never started it: do not retry


class RetryLater(Exception):
    """The channel asked us to wait (Telegram's 429 ``retry_after``): retry after ``seconds``."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds} s")
        self.seconds = seconds


class Notifier(Protocol):
    async def send(self, chat_id: int, message: OutMessage) -> Delivery:
        """Deliver ``message``; raise ``RetryLater`` to be retried later, any other error to
        be retried with backoff."""
        ...
