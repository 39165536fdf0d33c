"""Per update: the bot's context, the member (registered on first contact), their language,
and flood control (F-SAF-5).

There is no database transaction around a whole update: handling one includes sending to
Telegram, and a transaction must never be held across that (on SQLite it would keep every other
writer waiting). Each handler's change is its own short unit of work through a domain service.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject
from aiogram.types import User as TgUser
from limits import parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from pnplive.bot.context import BotContext
from pnplive.kit.i18n import N_, t
from pnplive.safety import abuse
from pnplive.safety.abuse import Limits
from pnplive.safety.models import AbuseKind
from pnplive.user import service as users

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class ContextMiddleware(BaseMiddleware):
    """Hands the context to the update, and the member with their language."""

    def __init__(self, ctx: BotContext) -> None:
        self.ctx = ctx

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        data["ctx"] = self.ctx
        tg: TgUser | None = data.get("event_from_user")
        if tg is not None and not tg.is_bot:
            user = await self._member(tg)
            data["user"] = user
            data["lang"] = user.language
        return await handler(event, data)

    async def _member(self, tg: TgUser) -> Any:
        ctx = self.ctx
        async with ctx.db.reading() as session:
            user = await users.by_telegram_id(session, tg.id)
        fresh = (
            user is not None
            and not user.unreachable
            and (user.username, user.first_name) == (tg.username, tg.first_name)
        )
        if fresh and tg.id not in ctx.settings.superadmin_telegram_ids:
            return user
        async with ctx.db.transaction() as session:
            return await users.register(
                session,
                tg.id,
                ctx.clock.now(),
                username=tg.username,
                first_name=tg.first_name,
                language_code=tg.language_code,
                superadmin_ids=ctx.settings.superadmin_telegram_ids,
                contacted=True,
            )


class ChatOrderMiddleware(BaseMiddleware):
    """One chat's updates are handled one after another, in the order they came (other chats
    run alongside): a quick second press must see what the first one changed (its screen, its
    hold), never race it. Per process; several bot replicas need updates routed by chat."""

    def __init__(self) -> None:
        self.locks: dict[int, asyncio.Lock] = {}
        self.waiting: dict[int, int] = {}

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        chat = data.get("event_chat")
        if chat is None:
            return await handler(event, data)
        key = int(chat.id)
        lock = self.locks.setdefault(key, asyncio.Lock())
        self.waiting[key] = self.waiting.get(key, 0) + 1
        try:
            async with lock:
                return await handler(event, data)
        finally:
            self.waiting[key] -= 1
            if not self.waiting[key]:
                del self.waiting[key]
                del self.locks[key]


class ThrottleMiddleware(BaseMiddleware):
    """At most ``rate`` updates per member (e.g. "20/10seconds"); more are answered once with
    a request to slow down, and dropped."""

    def __init__(self, rate: str, redis_url: str | None = None) -> None:
        storage: Storage
        if redis_url:
            storage = RedisStorage(redis_url.replace("redis://", "async+redis://", 1))
        else:
            storage = MemoryStorage()
        self.limiter = MovingWindowRateLimiter(storage)
        self.item = parse(rate)
        self.warned: set[int] = set()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        tg: TgUser | None = data.get("event_from_user")
        if tg is None or not isinstance(event, Message | CallbackQuery):
            return await handler(event, data)
        if await self.limiter.hit(self.item, "pnplive-bot", str(tg.id)):
            self.warned.discard(tg.id)
            return await handler(event, data)
        if tg.id not in self.warned:
            self.warned.add(tg.id)
            await self._count(data)
            text = t(data.get("lang"), N_("bot.slow_down"))
            if isinstance(event, CallbackQuery):
                await event.answer(text, show_alert=False)
            else:
                await event.answer(text)
        elif isinstance(event, CallbackQuery):
            await event.answer()
        return None

    @staticmethod
    async def _count(data: dict[str, Any]) -> None:
        """A new episode of going too fast counts towards the abuse limits (F-SAF-5)."""
        ctx: BotContext | None = data.get("ctx")
        user = data.get("user")
        if ctx is None or user is None:
            return
        async with ctx.db.transaction() as session:
            await abuse.record(
                session, user.id, AbuseKind.RATE_LIMITED, ctx.clock.now(), Limits.of(ctx.settings)
            )
