"""Running the bot: long polling against the configured Bot API (Telegram, or the local
emulator), until asked to stop."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramAPIError
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
        registered first."""
        with contextlib.suppress(TelegramAPIError, OSError):
            await register_commands(self.bot)
        if webhook_url:
            # What start_polling does first (the dialogs load on startup), then updates arrive
            # through feed() until we stop.
            await self.dispatcher.emit_startup(bot=self.bot, dispatcher=self.dispatcher)
            await self.bot.set_webhook(webhook_url, secret_token=secret, drop_pending_updates=False)
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
