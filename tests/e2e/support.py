"""The whole product on 127.0.0.1 for end-to-end tests: the API with the local Telegram
emulator mounted, the real bot long-polling it over HTTP, and a worker whose notifier sends
through the emulator too. The clock is frozen and moved by the test; the worker is ticked."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import uvicorn

from pnplive.api.app import create_app
from pnplive.api.settings import ApiSettings
from pnplive.booking.rules import BookingRules
from pnplive.bot.context import BotContext
from pnplive.bot.runner import BotRunner
from pnplive.emulator.client import ChatClient
from pnplive.emulator.emulator import Emulator, create_emulator
from pnplive.emulator.state import Message, Persona
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.notification.telegram import TelegramNotifier, make_bot
from pnplive.payment.providers.registry import Providers, build
from pnplive.video.providers.jitsi import JitsiProvider
from pnplive.video.settings import VideoSettings
from pnplive.video.timing import CallTiming
from pnplive.worker.app import build_runner
from pnplive.worker.runner import Runner
from tests.api.support import make_settings
from tests.payment.support import payment_settings

TOKEN = "7000000001:AAHe2e-bot-token-for-pnplive-tests"


@dataclass
class Stack:
    base: str
    emulator: Emulator
    runner: Runner
    providers: Providers
    bot: BotRunner

    def person(self, telegram_id: int) -> ChatClient:
        return self.emulator.person(telegram_id)

    async def work(self, rounds: int = 3) -> None:
        """The worker's due jobs (notices, rooms, refunds), as many passes as they take."""
        for _ in range(rounds):
            await self.runner.tick()


def buttons(message: Message) -> list[str]:
    return [str(b.get("text")) for row in message.inline_keyboard for b in row]


def button(message: Message, starts: str) -> str:
    """The full text of the button on ``message`` that starts with ``starts``."""
    for text in buttons(message):
        if text.startswith(starts):
            return text
    raise LookupError(f"no button starting {starts!r}: {buttons(message)}")


def url_of(message: Message, starts: str) -> str:
    for row in message.inline_keyboard:
        for b in row:
            if str(b.get("text")).startswith(starts) and b.get("url"):
                return str(b["url"])
    raise LookupError(f"no link button starting {starts!r}: {buttons(message)}")


async def press(chat: ChatClient, starts: str, expect: Callable[[Message], bool]) -> Message:
    """Press the button starting with ``starts`` on the latest message that has one, and wait
    for the screen it leads to."""
    for message in reversed(chat.bot_messages):
        try:
            text = button(message, starts)
        except LookupError:
            continue
        await chat.press(text, message)
        return await chat.wait_for(expect, timeout=10)
    raise LookupError(f"no button starting {starts!r} in the chat")


@contextlib.asynccontextmanager
async def running(
    db: Database,
    clock: FrozenClock,
    personas: list[Persona],
    *,
    webhook_path: bool = False,
    **settings: Any,
) -> AsyncIterator[Stack]:
    """``webhook_path``: the bot takes its updates by webhook at /webhooks/telegram."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    if webhook_path:
        settings["bot_webhook_url"] = f"{base}/webhooks/telegram"
    api_base = f"{base}/emulator"
    core = make_settings(db.url, public_base_url=base, bot_token=TOKEN, **settings)
    providers = build(
        payment_settings(public_base_url=base, bot_token=TOKEN, telegram_api_base=api_base)
    )
    video_settings = VideoSettings(_env_file=None)  # type: ignore[call-arg]
    # Telegram's time is the test's: message dates and Mini App sign-ins agree with the server.
    emulator = create_emulator([TOKEN], personas, wall_clock=lambda: clock.now().timestamp())
    ctx = BotContext(
        db=db,
        clock=clock,
        settings=core,
        rules=BookingRules.from_settings(core),
        providers=providers,
        timing=CallTiming.of(video_settings),
        emulated=True,
    )
    bot = BotRunner(ctx, TOKEN, api_base, polling_timeout=1)
    app = create_app(
        core,
        db=db,
        clock=clock,
        api_settings=ApiSettings(rate_limit_enabled=False),
        video=JitsiProvider(),
        video_settings=video_settings,
        bot=bot,
        emulator=emulator,
    )
    app.state.payment_providers = providers
    notifier = TelegramNotifier(make_bot(TOKEN, api_base))
    runner = build_runner(
        db,
        clock,
        providers=providers,
        notifier=notifier,
        settings=core,
        video=JitsiProvider(),
        video_settings=video_settings,
    )
    # The chat page's long poll would hold the stop for its whole wait.
    config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        yield Stack(base, emulator, runner, providers, bot)
    finally:
        server.should_exit = True
        await task
        await notifier.close()
        sock.close()
