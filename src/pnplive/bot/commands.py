"""The commands menu per role, in English and Spanish: members see the member commands (the
default scope); a performer's or an admin's own chat gets theirs on top (a chat scope), set
the first time they write after a start or a change of role."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    MenuButtonWebApp,
    TelegramObject,
    WebAppInfo,
)

from pnplive.bot.context import BotContext
from pnplive.kit.i18n import LANGUAGES, N_, t
from pnplive.performer import service as performers

MEMBER = {
    "start": N_("bot.command.start"),
    "menu": N_("bot.command.menu"),
    "book_private_call": N_("bot.command.book"),
    "my_bookings": N_("bot.command.my_bookings"),
}
PERFORMER = {"pnp_live": N_("bot.command.pnp_live"), "dashboard": N_("bot.command.dashboard")}
ADMIN = {
    "admin": N_("bot.command.admin"),
    "add_model": N_("bot.command.add_model"),
    "view_models_list": N_("bot.command.view_models_list"),
    "dashboard": N_("bot.command.dashboard"),
}


RECHECK = timedelta(minutes=10)  # a new performer account shows in their menu within this


def menu_of(is_performer: bool, is_admin: bool) -> dict[str, str]:
    commands = dict(MEMBER)
    if is_performer:
        commands.update(PERFORMER)
    if is_admin:
        commands.update(ADMIN)
    return commands


def _language(lang: str) -> str | None:
    return None if lang == "en" else lang  # English is the menu for every other language


async def register_default(bot: Bot) -> None:
    for lang in LANGUAGES:
        await bot.set_my_commands(
            [BotCommand(command=c, description=t(lang, m)) for c, m in MEMBER.items()],
            language_code=_language(lang),
        )


async def register_menu_button(bot: Bot, url: str) -> None:
    """Every chat's menu button opens the Mini App (one text for all: Telegram keeps one)."""
    await bot.set_chat_menu_button(
        menu_button=MenuButtonWebApp(text=t("en", N_("bot.menu.app")), web_app=WebAppInfo(url=url))
    )


class CommandScopes(BaseMiddleware):
    """Sets a chat's menu to its role's: Telegram is asked once per process and role. The admin
    role comes with the member, so a change shows from their next message on; being a performer
    is a query, made again only every ``RECHECK`` (not on every update)."""

    def __init__(self) -> None:
        self.shown: dict[int, tuple[bool, bool]] = {}
        self.performer_seen: dict[int, tuple[bool, datetime]] = {}

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user = data.get("user")
        bot: Bot | None = data.get("bot")
        ctx: BotContext | None = data.get("ctx")
        if user is not None and bot is not None and ctx is not None:
            await self._ensure(bot, ctx, user)
        return await handler(event, data)

    async def _is_performer(self, ctx: BotContext, user: Any) -> bool:
        now = ctx.clock.now()
        seen = self.performer_seen.get(user.telegram_id)
        if seen is not None and now - seen[1] < RECHECK:
            return seen[0]
        async with ctx.db.reading() as session:
            is_performer = await performers.of_user(session, user.id) is not None
        self.performer_seen[user.telegram_id] = (is_performer, now)
        return is_performer

    async def _ensure(self, bot: Bot, ctx: BotContext, user: Any) -> None:
        role = (await self._is_performer(ctx, user), bool(user.is_admin))
        if self.shown.get(user.telegram_id) == role:
            return
        scope = BotCommandScopeChat(chat_id=user.telegram_id)
        try:
            for lang in LANGUAGES:
                if role == (False, False):
                    await bot.delete_my_commands(scope=scope, language_code=_language(lang))
                    continue
                await bot.set_my_commands(
                    [
                        BotCommand(command=c, description=t(lang, m))
                        for c, m in menu_of(*role).items()
                    ],
                    scope=scope,
                    language_code=_language(lang),
                )
        except TelegramAPIError:
            return  # the menu is a convenience: try again on the next update
        self.shown[user.telegram_id] = role
