"""Where notices go: one interface, so the worker does not care how a message travels."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from pnplive.notification.messages import OutMessage
from pnplive.worker.retry import RetryLater

__all__ = ["Delivery", "Notifier", "RetryLater"]


class Delivery(StrEnum):
    SENT = "sent"
    UNREACHABLE = "unreachable"  # the person blocked the bot or never started it: do not retry


class Notifier(Protocol):
    async def send(self, chat_id: int, message: OutMessage) -> Delivery:
        """Deliver ``message``; raise ``RetryLater`` to be retried later, any other error to
        be retried with backoff."""
        ...

    async def close(self) -> None:
        """Release the connection it sends through."""
        ...
