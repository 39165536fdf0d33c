"""``/dashboard``: admins and performers get a one-time link into their web dashboard (valid a
few minutes, good once); everyone else is told the dashboard is not for them."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message

from pnplive.auth import web
from pnplive.bot.context import BotContext
from pnplive.kit.i18n import N_, t
from pnplive.user.models import User


async def dashboard(message: Message, ctx: BotContext, user: User, lang: str) -> None:
    async with ctx.db.transaction() as session:
        fresh = await session.get(User, user.id)
        allowed = fresh is not None and await web.may_sign_in(session, fresh)
        token = await web.issue_link(session, fresh, ctx.clock.now()) if allowed and fresh else ""
    if not token:
        await message.answer(t(lang, N_("bot.dashboard.not_for_you")))
        return
    minutes = int(web.LINK_TTL.total_seconds() // 60)
    button = InlineKeyboardButton(
        text=t(lang, N_("bot.dashboard.open")), url=f"{ctx.base_url}/login/{token}"
    )
    await message.answer(
        t(lang, N_("bot.dashboard.link"), minutes=minutes),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]]),
    )


def router() -> Router:
    r = Router(name=__name__)
    r.message.register(dashboard, Command("dashboard"))
    return r
