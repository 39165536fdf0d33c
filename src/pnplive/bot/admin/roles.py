"""Roles from the bot (F-ACC-2): a superadmin names a member by their Telegram id and makes
them an admin or takes it back. Superadmins themselves come from the configuration or the
command line."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.input import ManagedTextInput, TextInput
from aiogram_dialog.widgets.kbd import Button, Cancel, Column, SwitchTo

from pnplive.bot.context import BotContext
from pnplive.bot.refusals import refusal
from pnplive.bot.states import AdminRoles
from pnplive.bot.texts import Tr, lang_of
from pnplive.errors import PnpError
from pnplive.kit.actor import Actor
from pnplive.kit.i18n import N_, t
from pnplive.user import membership
from pnplive.user import service as users
from pnplive.user.models import User

ROLE = {
    "user": N_("bot.roles.member"),
    "admin": N_("bot.roles.admin"),
    "superadmin": N_("bot.roles.superadmin"),
}


def _ctx(manager: DialogManager) -> tuple[BotContext, User, str]:
    data = manager.middleware_data
    return data["ctx"], data["user"], lang_of(manager)


async def on_telegram_id(
    message: Message, _w: ManagedTextInput[str], manager: DialogManager, text: str
) -> None:
    ctx, _user, lang = _ctx(manager)
    digits = text.strip().lstrip("@")
    if not digits.isdigit() or len(digits) > 15:
        await message.answer(t(lang, N_("bot.roles.bad_id")))
        return
    async with ctx.db.reading() as session:
        member = await users.by_telegram_id(session, int(digits))
    if member is None:
        await message.answer(t(lang, N_("bot.roles.unknown")))
        return
    manager.dialog_data["member"] = member.telegram_id
    await manager.switch_to(AdminRoles.member)


async def member_data(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx, _user, lang = _ctx(dialog_manager)
    async with ctx.db.reading() as session:
        member = await users.by_telegram_id(session, int(dialog_manager.dialog_data["member"]))
    assert member is not None
    return {
        "name": member.shown_name,
        "role": t(lang, ROLE.get(member.role, ROLE["user"])),
        "is_admin": member.role == "admin",
        "is_member": member.role not in ("admin", "superadmin"),
    }


async def _set_admin(callback: CallbackQuery, manager: DialogManager, grant: bool) -> None:
    ctx, user, lang = _ctx(manager)
    if not user.is_superadmin:  # the screen is only offered to them; an old button is not
        await callback.answer(t(lang, N_("bot.roles.only")), show_alert=True)
        return
    try:
        async with ctx.db.transaction() as session:
            member = await users.by_telegram_id(session, int(manager.dialog_data["member"]))
            assert member is not None
            await membership.set_admin(
                session, member, grant, Actor.admin(user.id), ctx.clock.now()
            )
    except PnpError as exc:
        await callback.answer(
            t(lang, N_("bot.roles.refused"), reason=refusal(lang, exc)), show_alert=True
        )
        return
    await callback.answer(t(lang, N_("bot.roles.changed")))


async def on_grant(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    await _set_admin(callback, manager, True)


async def on_revoke(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    await _set_admin(callback, manager, False)


def dialog() -> Dialog:
    """A fresh dialog (a router can join one dispatcher only)."""
    return Dialog(
        Window(
            Tr(N_("bot.roles.ask")),
            TextInput(id="member_in", on_success=on_telegram_id),
            Cancel(Tr(N_("bot.back"))),
            state=AdminRoles.ask,
        ),
        Window(
            Tr(N_("bot.roles.member_role")),
            Column(
                Button(Tr(N_("bot.roles.grant")), id="grant", on_click=on_grant, when="is_member"),
                Button(
                    Tr(N_("bot.roles.revoke")), id="revoke", on_click=on_revoke, when="is_admin"
                ),
                SwitchTo(Tr(N_("bot.back")), id="roles_back", state=AdminRoles.ask),
            ),
            state=AdminRoles.member,
            getter=member_data,
        ),
    )
