"""Catalogue texts inside dialogs: ``Tr("bot.menu.title")`` renders the id in the reader's
language (put there by the user middleware), filled from the window's getter data."""

from __future__ import annotations

from typing import Any

from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.common import WhenCondition
from aiogram_dialog.widgets.text import Text

from pnplive.kit.i18n import DEFAULT_LANGUAGE, t


def lang_of(manager: DialogManager) -> str:
    return str(manager.middleware_data.get("lang") or DEFAULT_LANGUAGE)


class Tr(Text):
    def __init__(self, msgid: str, when: WhenCondition = None) -> None:
        super().__init__(when=when)
        self.msgid = msgid

    async def _render_text(self, data: dict[str, Any], manager: DialogManager) -> str:
        return t(lang_of(manager), self.msgid).format_map(data)
