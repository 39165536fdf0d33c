"""Errors while handling an update (F-SAF-7): a button from an old message gets a short notice
and the current menu; anything else gets a brief apology with the way back, and the log the rest
(with the update id)."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent
from aiogram_dialog import DialogManager, ShowMode, StartMode
from aiogram_dialog.api.exceptions import OutdatedIntent, UnknownIntent, UnknownState

from pnplive.bot.states import Menu
from pnplive.kit.i18n import N_, t

log = logging.getLogger("pnplive.bot")


async def stale_button(event: ErrorEvent, dialog_manager: DialogManager, lang: str = "en") -> None:
    log.info("update %s: stale: %s", event.update.update_id, event.exception)
    query = event.update.callback_query
    if query is not None:
        await query.answer(t(lang, N_("bot.stale")))
    await dialog_manager.start(Menu.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)


async def apology(event: ErrorEvent, lang: str = "en") -> None:
    log.error("update %s failed", event.update.update_id, exc_info=event.exception)
    text = t(lang, N_("bot.error"))
    update = event.update
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.message is not None:
        await update.message.answer(text)


def router() -> Router:
    r = Router(name=__name__)
    r.errors.register(
        stale_button, ExceptionTypeFilter(UnknownIntent, OutdatedIntent, UnknownState)
    )
    r.errors.register(apology)
    return r
