"""The main menu and the gates before it (F-ACC-1, F-UX-3/4): age, terms, PRIME.

Unverified members see only the gates; FREE members see the feature and, when they try it, what
PRIME gives and how to get it (or book and pay per call when that is enabled).
"""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode, StartMode, Window
from aiogram_dialog.widgets.kbd import Button, Column, Start, SwitchTo, Url, WebApp
from aiogram_dialog.widgets.text import Format

from pnplive.bot.context import BotContext
from pnplive.bot.screens import restart
from pnplive.bot.states import (
    AdminMenu,
    Book,
    FindTime,
    Menu,
    MyBookings,
    PerformerMenu,
    Settings,
)
from pnplive.bot.texts import Tr
from pnplive.kit.i18n import N_
from pnplive.performer import accounts
from pnplive.user import membership
from pnplive.user.models import User


async def may_book(ctx: BotContext, user: User) -> bool:
    s = membership.standing(user, ctx.settings.terms_version)
    return s.is_prime or ctx.settings.pay_per_call_enabled


async def menu_data(dialog_manager: DialogManager, **kwargs: Any) -> dict[str, Any]:
    ctx: BotContext = kwargs["ctx"]
    user: User = kwargs["user"]
    s = membership.standing(user, ctx.settings.terms_version)
    async with ctx.db.reading() as session:
        is_performer = await accounts.of_user(session, user.id) is not None
    ready = not s.missing and not s.restricted
    free = not s.is_prime and not ctx.settings.pay_per_call_enabled
    return {
        "name": user.first_name or "",
        "gated": bool(s.missing),
        "ready": ready,
        "restricted": s.restricted,
        "free": free,
        "app_url": ctx.mini_app_url or "",
        "has_app": ready and not free and ctx.mini_app_url is not None,
        "is_performer": is_performer,
        "is_admin": user.is_admin,
        "upgrade_url": ctx.settings.prime_upgrade_url or "",
        "has_upgrade_url": bool(ctx.settings.prime_upgrade_url),
        "terms_version": ctx.settings.terms_version,
    }


async def on_book(callback: CallbackQuery, _button: Any, manager: DialogManager) -> None:
    ctx: BotContext = manager.middleware_data["ctx"]
    user: User = manager.middleware_data["user"]
    if await may_book(ctx, user):
        await manager.start(Book.performer)
    else:
        await manager.switch_to(Menu.upgrade)


async def on_find(callback: CallbackQuery, _button: Any, manager: DialogManager) -> None:
    ctx: BotContext = manager.middleware_data["ctx"]
    user: User = manager.middleware_data["user"]
    if await may_book(ctx, user):
        await manager.start(FindTime.duration)
    else:
        await manager.switch_to(Menu.upgrade)


async def on_age(callback: CallbackQuery, _button: Any, manager: DialogManager) -> None:
    ctx: BotContext = manager.middleware_data["ctx"]
    user: User = manager.middleware_data["user"]
    async with ctx.db.transaction() as session:
        member = await session.get(User, user.id)
        assert member is not None
        await membership.confirm_age(session, member, ctx.clock.now())
        manager.middleware_data["user"] = member
    await manager.switch_to(Menu.terms)


async def on_terms(callback: CallbackQuery, _button: Any, manager: DialogManager) -> None:
    ctx: BotContext = manager.middleware_data["ctx"]
    user: User = manager.middleware_data["user"]
    version = ctx.settings.terms_version
    async with ctx.db.transaction() as session:
        member = await session.get(User, user.id)
        assert member is not None
        await membership.accept_terms(session, member, version, version, ctx.clock.now())
        manager.middleware_data["user"] = member
    await manager.switch_to(Menu.main)


def dialog() -> Dialog:
    """A fresh dialog (a router can join one dispatcher only)."""
    return Dialog(
        Window(
            Tr(N_("bot.menu.title")),
            Tr(N_("bot.menu.gated"), when="gated"),
            Tr(N_("bot.menu.restricted"), when="restricted"),
            Column(
                SwitchTo(Tr(N_("bot.menu.verify")), id="verify", state=Menu.age, when="gated"),
                Button(Tr(N_("bot.menu.book")), id="book", on_click=on_book, when="ready"),
                Button(Tr(N_("bot.menu.find")), id="find", on_click=on_find, when="ready"),
                WebApp(Tr(N_("bot.menu.app")), Format("{app_url}"), id="app", when="has_app"),
                Start(
                    Tr(N_("bot.menu.my_bookings")), id="mine", state=MyBookings.list, when="ready"
                ),
                Start(Tr(N_("bot.menu.settings")), id="settings", state=Settings.main),
                Start(
                    Tr(N_("bot.menu.performer")),
                    id="performer",
                    state=PerformerMenu.main,
                    when="is_performer",
                ),
                Start(Tr(N_("bot.menu.admin")), id="admin", state=AdminMenu.main, when="is_admin"),
            ),
            state=Menu.main,
            getter=menu_data,
        ),
        Window(
            Tr(N_("bot.age.text")),
            Button(Tr(N_("bot.age.confirm")), id="age_ok", on_click=on_age),
            SwitchTo(Tr(N_("bot.back")), id="age_back", state=Menu.main),
            state=Menu.age,
            getter=menu_data,
        ),
        Window(
            Tr(N_("bot.terms.text")),
            Button(Tr(N_("bot.terms.accept")), id="terms_ok", on_click=on_terms),
            SwitchTo(Tr(N_("bot.back")), id="terms_back", state=Menu.main),
            state=Menu.terms,
            getter=menu_data,
        ),
        Window(
            Tr(N_("bot.upgrade.text")),
            Url(Tr(N_("bot.upgrade.cta")), Format("{upgrade_url}"), when="has_upgrade_url"),
            Tr(N_("bot.upgrade.ask_admin"), when=F["has_upgrade_url"].is_(False)),
            SwitchTo(Tr(N_("bot.back")), id="upgrade_back", state=Menu.main),
            state=Menu.upgrade,
            getter=menu_data,
        ),
    )


async def open_menu(manager: DialogManager, user: User, ctx: BotContext) -> None:
    gated = bool(membership.standing(user, ctx.settings.terms_version).missing)
    await manager.start(
        Menu.age if user.age_verified_at is None else (Menu.terms if gated else Menu.main),
        mode=StartMode.RESET_STACK,
        show_mode=ShowMode.SEND,
    )


async def start(
    message: Message,
    command: CommandObject,
    dialog_manager: DialogManager,
    user: User,
    ctx: BotContext,
) -> None:
    # The deep link /start pnp_live opens the feature itself (F-UX-3).
    ready = not membership.standing(user, ctx.settings.terms_version).missing
    if command.args == "pnp_live" and ready:
        await book(message, dialog_manager, user, ctx)
        return
    await open_menu(dialog_manager, user, ctx)


async def menu(
    message: Message, dialog_manager: DialogManager, user: User, ctx: BotContext
) -> None:
    await open_menu(dialog_manager, user, ctx)


async def book(
    message: Message, dialog_manager: DialogManager, user: User, ctx: BotContext
) -> None:
    s = membership.standing(user, ctx.settings.terms_version)
    if s.missing or s.restricted:
        await open_menu(dialog_manager, user, ctx)
        return
    async with ctx.db.reading() as session:
        is_performer = await accounts.of_user(session, user.id) is not None
    if is_performer:  # performers' /pnp_live is their own menu (F-UX-4)
        await restart(dialog_manager, PerformerMenu.main)
    elif await may_book(ctx, user):
        await restart(dialog_manager, Book.performer)
    else:
        await restart(dialog_manager, Menu.upgrade)


async def my_bookings(
    message: Message, dialog_manager: DialogManager, user: User, ctx: BotContext
) -> None:
    await restart(dialog_manager, MyBookings.list)


def router() -> Router:
    r = Router(name=__name__)
    r.message.register(start, CommandStart())
    r.message.register(menu, Command("menu"))
    r.message.register(book, Command("book_private_call", "pnp_live"))
    r.message.register(my_bookings, Command("my_bookings"))
    return r
