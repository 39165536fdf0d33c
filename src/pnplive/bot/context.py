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

    @property
    def base_url(self) -> str:
        return self.settings.public_base_url.rstrip("/")
