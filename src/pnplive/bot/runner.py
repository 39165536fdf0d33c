"""Running the bot: long polling against the configured Bot API (Telegram, or the local
emulator), until asked to stop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError
from aiogram.fsm.storage.base import BaseStorage

from pnplive.bot.context import BotContext
from pnplive.bot.factory import build_dispatcher, register_commands

log = logging.getLogger("pnplive.bot")


def make_bot(token: str, api_base: str | None = None) -> Bot:
    if api_base is None:
        return Bot(token=token)
    server = TelegramAPIServer.from_base(api_base.rstrip("/"))
    return Bot(token=token, session=AiohttpSession(api=server))


class BotRunner:
    def __init__(
        self,
        ctx: BotContext,
        token: str,
        api_base: str | None = None,
        storage: BaseStorage | None = None,
        polling_timeout: int = 10,
    ) -> None:
        self.bot = make_bot(token, api_base)
        self.mini_app_url = ctx.mini_app_url
        self.dispatcher = build_dispatcher(ctx, storage)
        self.bot.session.middleware(self.dispatcher["answered_queries"])
        self.polling_timeout = polling_timeout

    async def feed(self, update: dict[str, object]) -> None:
        """One update that Telegram posted to our webhook."""
        await self.dispatcher.feed_webhook_update(self.bot, update)

    async def run(
        self, stop: asyncio.Event, webhook_url: str | None = None, secret: str | None = None
    ) -> None:
        """Take updates until ``stop`` is set: by webhook when ``webhook_url`` is given (the
        API's /webhooks/telegram feeds them in), else by long polling. The commands menu is
        registered beside, retried until the Bot API answers."""
        commands = asyncio.create_task(self._register_commands(stop), name="pnplive-commands")
        try:
            await self._take_updates(stop, webhook_url, secret)
        finally:
            commands.cancel()

    async def _register_commands(self, stop: asyncio.Event) -> None:
        await self._until_answered(
            lambda: register_commands(self.bot, self.mini_app_url), stop, "commands menu"
        )

    @staticmethod
    async def _until_answered(
        call: Callable[[], Awaitable[object]], stop: asyncio.Event, what: str
    ) -> bool:
        """The Bot API may not answer yet (the local emulator is served by the same process,
        which is still starting): try again, less and less often, until ``stop``."""
        delay = 0.1
        while not stop.is_set():
            try:
                await call()
                return True
            except (TelegramNetworkError, OSError) as exc:
                log.info("%s: the Bot API does not answer yet (%s); trying again", what, exc)
            except TelegramAPIError as exc:
                log.warning("%s refused: %s", what, exc)
                return False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            delay = min(delay * 2, 30.0)
        return False

    async def _take_updates(
        self, stop: asyncio.Event, webhook_url: str | None, secret: str | None
    ) -> None:
        if webhook_url:
            # What start_polling does first (the dialogs load on startup), then updates arrive
            # through feed() until we stop.
            await self.dispatcher.emit_startup(bot=self.bot, dispatcher=self.dispatcher)
            await self._until_answered(
                lambda: self.bot.set_webhook(
                    webhook_url, secret_token=secret, drop_pending_updates=False
                ),
                stop,
                "webhook",
            )
            try:
                await stop.wait()
            finally:
                await self.dispatcher.emit_shutdown(bot=self.bot, dispatcher=self.dispatcher)
            return
        polling = asyncio.create_task(
            self.dispatcher.start_polling(
                self.bot,
                handle_signals=False,
                close_bot_session=False,
                polling_timeout=self.polling_timeout,
            ),
            name="pnplive-bot",
        )
        stopped = asyncio.create_task(stop.wait())
        await asyncio.wait({polling, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if not polling.done():
            with contextlib.suppress(RuntimeError):
                await self.dispatcher.stop_polling()
            await polling
        stopped.cancel()

    async def close(self) -> None:
        await self.bot.session.close()
