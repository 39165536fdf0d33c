"""A button press is answered once.

aiogram-dialog answers every callback query after its handler; when the handler already answered
(an alert, a notice), that second answer is refused by Telegram ("query is too old") and costs a
request. The bot's session records the queries it answers, and the dialogs skip those."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import AnswerCallbackQuery, TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import CallbackQuery
from aiogram_dialog.manager.message_manager import MessageManager

REMEMBERED = 10_000  # far more presses than are in flight at once


class AnsweredQueries(BaseRequestMiddleware):
    """Records the callback queries this bot answered (the most recent ones)."""

    def __init__(self, size: int = REMEMBERED) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._size = size

    def __contains__(self, query_id: object) -> bool:
        return query_id in self._ids

    def add(self, query_id: str) -> None:
        self._ids[query_id] = None
        if len(self._ids) > self._size:
            self._ids.popitem(last=False)

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if isinstance(method, AnswerCallbackQuery):
            self.add(method.callback_query_id)
        return await make_request(bot, method)


class AnswerOnce(MessageManager):
    """The dialogs' message manager, answering only queries nobody answered yet."""

    def __init__(self, answered: AnsweredQueries) -> None:
        self.answered = answered

    async def answer_callback(self, bot: Bot, callback_query: CallbackQuery) -> Any:
        if callback_query.id in self.answered:
            return None
        return await super().answer_callback(bot, callback_query)
