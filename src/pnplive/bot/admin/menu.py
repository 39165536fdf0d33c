"""The admins' menu (F-ADM): add a performer, the performers with their status at a glance
(one press opens a performer to run: ``admin/performer.py``), and roles for superadmins."""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.kbd import Cancel, Column, ScrollingGroup, Select, Start, SwitchTo
from aiogram_dialog.widgets.text import Format

from pnplive.bot.context import BotContext
from pnplive.bot.screens import restart
from pnplive.bot.states import AddPerformer, AdminMenu, AdminPerformer, AdminRoles
from pnplive.bot.texts import Tr, lang_of
from pnplive.kit.i18n import N_, t
from pnplive.performer.models import Lifecycle
from pnplive.performer.queries import admin_list
from pnplive.user.models import User

STATUS = {
    Lifecycle.ACTIVE.value: N_("bot.admin.active"),
    Lifecycle.PAUSED.value: N_("bot.admin.paused"),
    Lifecycle.INACTIVE.value: N_("bot.admin.inactive"),
}


async def performers_data(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx: BotContext = dialog_manager.middleware_data["ctx"]
    lang = lang_of(dialog_manager)
    async with ctx.db.reading() as session:
        found = await admin_list(session, status=None, visibility=None, q=None, limit=100, offset=0)
    items = [
        {"id": p.id, "label": f"{p.display_name} (@{p.username}) · {t(lang, STATUS[p.status])}"}
        for p in found.items
    ]
    return {"performers": items}


async def open_performer(
    callback: CallbackQuery, _w: Any, manager: DialogManager, item: str
) -> None:
    await manager.start(AdminPerformer.main, data={"performer": int(item)})


async def menu_data(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    user: User = dialog_manager.middleware_data["user"]
    return {"superadmin": user.is_superadmin}


def dialog() -> Dialog:
    """A fresh dialog (a router can join one dispatcher only)."""
    return Dialog(
        Window(
            Tr(N_("bot.admin.menu")),
            Column(
                Start(Tr(N_("bot.admin.add")), id="add", state=AddPerformer.username),
                SwitchTo(Tr(N_("bot.admin.performers")), id="list", state=AdminMenu.performers),
                Start(
                    Tr(N_("bot.admin.roles")), id="roles", state=AdminRoles.ask, when="superadmin"
                ),
                Cancel(Tr(N_("bot.back"))),
            ),
            state=AdminMenu.main,
            getter=menu_data,
        ),
        Window(
            Tr(N_("bot.admin.toggle_hint")),
            ScrollingGroup(
                Select(
                    Format("{item[label]}"),
                    id="perf",
                    item_id_getter=lambda x: x["id"],
                    items="performers",
                    on_click=open_performer,
                ),
                id="perf_page",
                width=1,
                height=8,
                hide_on_single_page=True,
            ),
            SwitchTo(Tr(N_("bot.back")), id="list_back", state=AdminMenu.main),
            state=AdminMenu.performers,
            getter=performers_data,
        ),
    )


async def _admin_only(message: Message, user: User, lang: str) -> bool:
    if user.is_admin:
        return True
    await message.answer(t(lang, N_("bot.admin.only")))
    return False


async def admin(message: Message, dialog_manager: DialogManager, user: User, lang: str) -> None:
    if await _admin_only(message, user, lang):
        await restart(dialog_manager, AdminMenu.main)


async def add_model(message: Message, dialog_manager: DialogManager, user: User, lang: str) -> None:
    if await _admin_only(message, user, lang):
        await restart(dialog_manager, AddPerformer.username)


async def models(message: Message, dialog_manager: DialogManager, user: User, lang: str) -> None:
    if await _admin_only(message, user, lang):
        await restart(dialog_manager, AdminMenu.performers)


def router() -> Router:
    r = Router(name=__name__)
    r.message.register(admin, Command("admin", "admin_models"))
    r.message.register(add_model, Command("add_model"))
    r.message.register(models, Command("view_models_list", "toggle_status", "edit_model"))
    return r
