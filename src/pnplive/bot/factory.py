"""The bot's dispatcher: routers for each flow, the dialogs, middlewares and the commands menu."""

from __future__ import annotations

from aiogram import Bot, Dispatcher
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram_dialog import setup_dialogs

from pnplive.bot import dashboard, errors
from pnplive.bot.admin import menu as admin_menu
from pnplive.bot.admin import performer as admin_performer
from pnplive.bot.admin import roles, wizard
from pnplive.bot.answers import AnsweredQueries, AnswerOnce
from pnplive.bot.commands import CommandScopes, register_default, register_menu_button
from pnplive.bot.context import BotContext
from pnplive.bot.member import booking, bookings, find, menu, payments, reviews, settings
from pnplive.bot.middlewares import ChatOrderMiddleware, ContextMiddleware, ThrottleMiddleware
from pnplive.bot.performer import menu as performer_menu
from pnplive.bot.performer import moves as performer_moves
from pnplive.bot.performer import schedule as performer_schedule


def storage_for(redis_url: str | None) -> BaseStorage:
    """Dialog state in memory, or in Redis when several bot replicas share it."""
    if not redis_url:
        return MemoryStorage()
    from aiogram.fsm.storage.redis import RedisStorage

    # aiogram-dialog keeps one stack per chat: the key must name the dialog ("destiny").
    return RedisStorage.from_url(redis_url, key_builder=DefaultKeyBuilder(with_destiny=True))


def build_dispatcher(ctx: BotContext, storage: BaseStorage | None = None) -> Dispatcher:
    dp = Dispatcher(storage=storage or storage_for(ctx.settings.redis_url))
    dp.update.outer_middleware(ChatOrderMiddleware())
    dp.update.outer_middleware(ContextMiddleware(ctx))
    dp.update.outer_middleware(CommandScopes())
    throttle = ThrottleMiddleware(ctx.settings.bot_rate_limit, ctx.settings.redis_url)
    dp.message.outer_middleware(throttle)
    dp.callback_query.outer_middleware(throttle)
    dp.include_routers(
        errors.router(),
        menu.router(),
        payments.router(),
        admin_menu.router(),
        dashboard.router(),
        menu.dialog(),
        booking.dialog(),
        bookings.dialog(),
        reviews.dialog(),
        find.dialog(),
        settings.dialog(),
        performer_menu.dialog(),
        performer_schedule.dialog(),
        performer_moves.dialog(),
        admin_menu.dialog(),
        admin_performer.dialog(),
        roles.dialog(),
        wizard.dialog(),
    )
    # The bot's session records its answers (runner.py) so the dialogs do not answer twice.
    answered = AnsweredQueries()
    dp["answered_queries"] = answered
    setup_dialogs(dp, message_manager=AnswerOnce(answered))
    return dp


async def register_commands(bot: Bot, mini_app_url: str | None) -> None:
    """The member commands menu in English (the default) and Spanish; roles get theirs per
    chat (``commands.CommandScopes``). The menu button opens the Mini App where there is one."""
    await register_default(bot)
    if mini_app_url is not None:
        await register_menu_button(bot, mini_app_url)
