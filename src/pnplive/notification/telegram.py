"""Notices through the Telegram Bot API with aiogram's ``Bot``.

The API base is configurable: Telegram itself in production, the local emulator in development
and in tests. Plain text only (no parse mode), so names people chose cannot inject markup.
"""

from __future__ import annotations

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.types import BufferedInputFile

from pnplive.notification.messages import OutMessage
from pnplive.notification.notifier import Delivery, RetryLater

# Bad requests that mean "this chat cannot be written to", not "our message was wrong".
CAPTION_LIMIT = 1024
UNREACHABLE_HINTS = ("chat not found", "user is deactivated", "bot was blocked", "peer_id_invalid")


def make_bot(token: str, api_base: str, timeout: float = 10.0) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_base.rstrip("/")), timeout=timeout)
    return Bot(token=token, session=session)


class TelegramNotifier:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, chat_id: int, message: OutMessage) -> Delivery:
        try:
            if message.attachment is None:
                await self.bot.send_message(chat_id, message.text)
            elif len(message.text) <= CAPTION_LIMIT:
                # One call for text and file: a retry can never send the text twice.
                await self.bot.send_document(
                    chat_id,
                    BufferedInputFile(message.attachment.content, message.attachment.filename),
                    caption=message.text,
                )
            else:  # pragma: no cover - notices are far shorter than a caption's limit
                await self.bot.send_message(chat_id, message.text)
                await self.bot.send_document(
                    chat_id,
                    BufferedInputFile(message.attachment.content, message.attachment.filename),
                )
        except TelegramRetryAfter as exc:
            raise RetryLater(float(exc.retry_after)) from exc
        except TelegramForbiddenError:
            return Delivery.UNREACHABLE
        except TelegramBadRequest as exc:
            if any(h in exc.message.lower() for h in UNREACHABLE_HINTS):
                return Delivery.UNREACHABLE
            raise
        return Delivery.SENT

    async def close(self) -> None:
        await self.bot.session.close()
