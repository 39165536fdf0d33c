"""The running emulator: its state, who is waiting for what, flood control and webhooks."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from pnplive.emulator.ratelimit import FloodControl, RateLimits
from pnplive.emulator.signals import Signal
from pnplive.emulator.state import BotState, Chat, EmulatorState, Persona

K = TypeVar("K")

if TYPE_CHECKING:
    from fastapi import FastAPI

    from pnplive.emulator.client import ChatClient
    from pnplive.emulator.webhook import WebhookSender


class Emulator:
    def __init__(
        self,
        state: EmulatorState,
        *,
        rate_limits: RateLimits | None = None,
        pre_checkout_timeout: float = 10.0,
        callback_query_timeout: float = 15.0,
        wall_clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.state = state
        self.flood = FloodControl(rate_limits or RateLimits())
        self.pre_checkout_timeout = pre_checkout_timeout
        self.callback_query_timeout = callback_query_timeout
        self.wall_clock = wall_clock
        self.monotonic = monotonic
        self._update_signals: dict[int, Signal] = {}
        self._chat_signals: dict[tuple[int, int], Signal] = {}
        self.pre_checkout_answers: dict[str, asyncio.Future[None]] = {}
        self.webhooks: dict[int, WebhookSender] = {}
        self.poll_generation: dict[int, int] = {}
        self._app: FastAPI | None = None

    # Who is who

    def bot(self, which: str | int | None = None) -> BotState:
        """A bot by token or bot id; the first registered one when not said."""
        for bot in self.state.bots.values():
            if which is None or which in (bot.account.token, bot.account.bot_id):
                return bot
        raise KeyError(f"no emulated bot {which!r}")

    def bot_by_token(self, token: str) -> BotState | None:
        return self.state.bots.get(token)

    @property
    def personas(self) -> list[Persona]:
        return list(self.state.personas.values())

    def add_persona(self, persona: Persona) -> None:
        self.state.add_persona(persona)

    def chat(self, bot: BotState, user_id: int) -> Chat:
        if user_id not in self.state.personas:
            raise KeyError(f"no persona {user_id}")
        return self.state.chat(bot, user_id)

    def person(self, telegram_id: int, bot: str | int | None = None) -> ChatClient:
        """A person's chat with a bot, driven from tests."""
        from pnplive.emulator.client import ChatClient

        target = self.bot(bot)
        return ChatClient(self, target, self.chat(target, telegram_id))

    # Time

    def now(self) -> int:
        return int(self.wall_clock())

    # Changes and the waiting for them

    def chat_changed(self, bot: BotState, chat: Chat) -> None:
        self._signal(self._chat_signals, (bot.account.bot_id, chat.chat_id)).fire()

    async def wait_chat_change(self, bot: BotState, chat: Chat, seconds: float) -> bool:
        signal = self._signal(self._chat_signals, (bot.account.bot_id, chat.chat_id))
        return await signal.wait(seconds)

    def push_update(self, bot: BotState, kind: str, payload: dict[str, Any]) -> None:
        bot.enqueue(kind, payload)
        self._signal(self._update_signals, bot.account.bot_id).fire()

    async def wait_updates(self, bot: BotState, seconds: float) -> bool:
        return await self._signal(self._update_signals, bot.account.bot_id).wait(seconds)

    def wake_pollers(self, bot: BotState) -> None:
        self._signal(self._update_signals, bot.account.bot_id).fire()

    @staticmethod
    def _signal(signals: dict[K, Signal], key: K) -> Signal:
        if key not in signals:
            signals[key] = Signal()
        return signals[key]

    # Serving

    def asgi_app(self) -> FastAPI:
        """The Bot API, file downloads and the chat page; mount it anywhere (e.g. /emulator)."""
        if self._app is None:
            from pnplive.emulator.app import build_app

            self._app = build_app(self)
        return self._app

    async def aclose(self) -> None:
        """Stop webhooks and end waiting getUpdates calls, so a server can shut down at once."""
        for bot in self.state.bots.values():
            self.poll_generation[bot.account.bot_id] = (
                self.poll_generation.get(bot.account.bot_id, 0) + 1
            )
            self.wake_pollers(bot)
        for sender in list(self.webhooks.values()):
            await sender.stop()
        self.webhooks.clear()


def create_emulator(
    tokens: Iterable[str],
    personas: Iterable[Persona],
    *,
    rate_limits: RateLimits | None = None,
    pre_checkout_timeout: float = 10.0,
    callback_query_timeout: float = 15.0,
    wall_clock: Callable[[], float] = time.time,
) -> Emulator:
    state = EmulatorState()
    for token in tokens:
        state.add_bot(token)
    if not state.bots:
        raise ValueError("the emulator needs at least one bot token")
    for persona in personas:
        state.add_persona(persona)
    return Emulator(
        state,
        rate_limits=rate_limits,
        pre_checkout_timeout=pre_checkout_timeout,
        callback_query_timeout=callback_query_timeout,
        wall_clock=wall_clock,
    )
