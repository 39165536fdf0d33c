"""The member's language and time zone (F-UX-1, F-UX-2)."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.input import ManagedTextInput, TextInput
from aiogram_dialog.widgets.kbd import Cancel, Column, Group, Select, SwitchTo
from aiogram_dialog.widgets.text import Format

from pnplive.bot.context import BotContext
from pnplive.bot.states import Settings
from pnplive.bot.texts import Tr, lang_of
from pnplive.errors import PnpError
from pnplive.kit.i18n import N_, t
from pnplive.user import membership
from pnplive.user.models import User

LANGUAGES = [{"id": "en", "label": "English"}, {"id": "es", "label": "Español"}]
ZONES = [
    "America/Bogota",
    "America/Mexico_City",
    "America/New_York",
    "America/Los_Angeles",
    "Europe/Madrid",
    "Europe/London",
    "UTC",
]


async def settings_data(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    user: User = dialog_manager.middleware_data["user"]
    return {
        "language": next(x["label"] for x in LANGUAGES if x["id"] == user.language),
        "zone": user.timezone,
        "languages": LANGUAGES,
        "zones": [{"id": z} for z in ZONES],
    }


async def _update(manager: DialogManager, **fields: str | None) -> None:
    ctx: BotContext = manager.middleware_data["ctx"]
    user: User = manager.middleware_data["user"]
    async with ctx.db.transaction() as session:
        member = await session.get(User, user.id)
        assert member is not None
        await membership.update_profile(
            session, member, timezone=fields.get("timezone"), language=fields.get("language")
        )
    manager.middleware_data["user"] = member
    manager.middleware_data["lang"] = member.language


async def on_language(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    await _update(manager, language=item)
    await manager.switch_to(Settings.main)


async def on_zone(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    await _update(manager, timezone=item)
    await manager.switch_to(Settings.main)


async def on_zone_typed(
    message: Message, _w: ManagedTextInput[str], manager: DialogManager, text: str
) -> None:
    try:
        await _update(manager, timezone=text.strip())
    except PnpError:
        await message.answer(t(lang_of(manager), N_("bot.settings.bad_zone")))
        return
    await manager.switch_to(Settings.main)


def dialog() -> Dialog:
    """A fresh dialog (a router can join one dispatcher only)."""
    return Dialog(
        Window(
            Tr(N_("bot.settings.text")),
            Column(
                SwitchTo(Tr(N_("bot.settings.language")), id="lang", state=Settings.language),
                SwitchTo(Tr(N_("bot.settings.zone")), id="zone", state=Settings.timezone),
                Cancel(Tr(N_("bot.back"))),
            ),
            state=Settings.main,
            getter=settings_data,
        ),
        Window(
            Tr(N_("bot.settings.choose_language")),
            Column(
                Select(
                    Format("{item[label]}"),
                    id="lang_pick",
                    item_id_getter=lambda x: x["id"],
                    items="languages",
                    on_click=on_language,
                ),
            ),
            SwitchTo(Tr(N_("bot.back")), id="lang_back", state=Settings.main),
            state=Settings.language,
            getter=settings_data,
        ),
        Window(
            Tr(N_("bot.settings.choose_zone")),
            Group(
                Select(
                    Format("{item[id]}"),
                    id="zone_pick",
                    item_id_getter=lambda x: x["id"],
                    items="zones",
                    on_click=on_zone,
                ),
                width=2,
            ),
            TextInput(id="zone_typed", on_success=on_zone_typed),
            SwitchTo(Tr(N_("bot.back")), id="zone_back", state=Settings.main),
            state=Settings.timezone,
            getter=settings_data,
        ),
    )
