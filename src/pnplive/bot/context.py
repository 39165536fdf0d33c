"""What the bot's handlers need, handed to every update by a middleware."""

from __future__ import annotations

from dataclasses import dataclass

from pnplive.booking.rules import BookingRules
from pnplive.config import Settings
from pnplive.kit.clock import Clock
from pnplive.kit.db import Database
from pnplive.payment.providers.registry import Providers
from pnplive.video.timing import CallTiming


@dataclass(frozen=True)
class BotContext:
    db: Database
    clock: Clock
    settings: Settings
    rules: BookingRules
    providers: Providers
    timing: CallTiming
    # The bot talks to the local Telegram emulator (development and the end-to-end tests).
    emulated: bool = False

    @property
    def base_url(self) -> str:
        return self.settings.public_base_url.rstrip("/")

    @property
    def mini_app_url(self) -> str | None:
        """Where the Mini App opens; Telegram opens only https pages, the local emulator any."""
        if self.base_url.startswith("https://") or self.emulated:
            return f"{self.base_url}/app"
        return None
