"""The add-performer wizard (F-PRF-3, seed 002): username, display name, bio, price per minute,
call lengths, a photo, weekly hours; then a summary to confirm. Each answer is checked with the
same schema the API uses, with the reason shown in the admin's language."""

from __future__ import annotations

import re
from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.input import ManagedTextInput, TextInput
from aiogram_dialog.widgets.kbd import Back, Button, Cancel, Row
from pydantic import ValidationError

from pnplive.availability import editing
from pnplive.bot.context import BotContext
from pnplive.bot.parsing import RANGE
from pnplive.bot.refusals import refusal
from pnplive.bot.states import AddPerformer
from pnplive.bot.texts import Tr, lang_of
from pnplive.errors import PnpError
from pnplive.kit.i18n import N_, format_money, t
from pnplive.kit.money import CURRENCY_EXPONENT, parse_amount
from pnplive.performer import service as performers
from pnplive.performer.schemas import PerformerCreate, PhotoIn, WeeklyRuleIn
from pnplive.performer.service import ProfileTextRefused
from pnplive.user.service import check_timezone

Input = ManagedTextInput[str]
HOURS = re.compile(r"^\s*(\d{2}:\d{2})\s*-\s*(\d{2}:\d{2})(?:\s+(\S+))?\s*$")


def _say(message: Message, manager: DialogManager, msgid: str) -> Any:
    return message.answer(t(lang_of(manager), msgid))


def _ok(manager: DialogManager, key: str, value: Any) -> Any:
    manager.dialog_data[key] = value
    return manager.next()


async def on_username(m: Message, _w: Input, manager: DialogManager, text: str) -> None:
    if not re.fullmatch(r"[A-Za-z0-9_]{3,64}", text.strip()):
        await _say(m, manager, N_("bot.wizard.bad_username"))
        return
    ctx: BotContext = manager.middleware_data["ctx"]
    async with ctx.db.reading() as session:
        if await performers.by_username(session, text.strip()) is not None:
            await _say(m, manager, N_("bot.wizard.username_taken"))
            return
    await _ok(manager, "username", text.strip())


async def on_name(m: Message, _w: Input, manager: DialogManager, text: str) -> None:
    if not 1 <= len(text.strip()) <= 128:
        await _say(m, manager, N_("bot.wizard.bad_name"))
        return
    await _ok(manager, "display_name", text.strip())


async def on_bio(m: Message, _w: Input, manager: DialogManager, text: str) -> None:
    bio = "" if text.strip() == "/skip" else text.strip()
    if len(bio) > 200:
        await _say(m, manager, N_("bot.wizard.bad_bio"))
        return
    await _ok(manager, "bio", bio)


async def on_price(m: Message, _w: Input, manager: DialogManager, text: str) -> None:
    ctx: BotContext = manager.middleware_data["ctx"]
    parts = text.split()
    currency = parts[1].upper() if len(parts) == 2 else ctx.settings.default_currency
    try:
        if len(parts) not in (1, 2) or currency not in CURRENCY_EXPONENT:
            raise ValueError(text)
        amount = parse_amount(parts[0], currency)
    except ValueError:
        await _say(m, manager, N_("bot.wizard.bad_price"))
        return
    manager.dialog_data["currency"] = currency
    await _ok(manager, "price", amount)


async def on_durations(m: Message, _w: Input, manager: DialogManager, text: str) -> None:
    found = RANGE.match(text)
    lo, hi = (int(found.group(1)), int(found.group(2))) if found else (0, 0)
    if not found or not (15 <= lo <= hi <= 240):
        await _say(m, manager, N_("bot.wizard.bad_durations"))
        return
    manager.dialog_data["min_duration"] = lo
    await _ok(manager, "max_duration", hi)


async def on_photo(m: Message, _w: Input, manager: DialogManager, text: str) -> None:
    if text.strip() == "/skip":
        await _ok(manager, "photo", "")
        return
    try:
        PhotoIn.model_validate({"url": text.strip()})
    except ValidationError:
        await _say(m, manager, N_("bot.wizard.bad_photo"))
        return
    await _ok(manager, "photo", text.strip())


async def on_hours(m: Message, _w: Input, manager: DialogManager, text: str) -> None:
    found = HOURS.match(text)
    try:
        if not found:
            raise ValueError(text)
        zone = check_timezone(found.group(3) or "UTC")
        WeeklyRuleIn(weekday=0, start=found.group(1), end=found.group(2)).minutes()
    except (ValueError, ValidationError, PnpError):
        await _say(m, manager, N_("bot.wizard.bad_hours"))
        return
    manager.dialog_data.update(start=found.group(1), end=found.group(2), timezone=zone)
    await manager.next()


async def summary(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    d = dialog_manager.dialog_data
    lang = lang_of(dialog_manager)
    return {
        "username": d.get("username", ""),
        "display_name": d.get("display_name", ""),
        "bio": d.get("bio") or "—",
        "price": format_money(int(d.get("price", 0)), str(d.get("currency", "USD")), lang),
        "durations": f"{d.get('min_duration', '')}–{d.get('max_duration', '')} min",
        "photo": d.get("photo") or "—",
        "hours": f"{d.get('start', '')}–{d.get('end', '')} ({d.get('timezone', '')})",
    }


async def on_create(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    ctx: BotContext = manager.middleware_data["ctx"]
    d = manager.dialog_data
    lang = lang_of(manager)
    data = {
        "username": d["username"],
        "display_name": d["display_name"],
        "bio": d["bio"],
        "price_per_minute": d["price"],
        "currency": d["currency"],
        "timezone": d["timezone"],
        "min_duration": d["min_duration"],
        "max_duration": d["max_duration"],
    }
    if d.get("photo"):
        data["photos"] = [{"url": d["photo"]}]
    try:
        async with ctx.db.transaction() as session:
            now = ctx.clock.now()
            p = await performers.create(session, PerformerCreate.model_validate(data), now)
            week = [WeeklyRuleIn(weekday=day, start=d["start"], end=d["end"]) for day in range(7)]
            await editing.set_weekly(session, p, week, now)
            name = p.display_name
    except ProfileTextRefused as exc:
        await callback.answer(refusal(lang, exc), show_alert=True)
        return
    except (PnpError, ValidationError):
        await callback.answer(t(lang, N_("bot.wizard.failed")), show_alert=True)
        return
    await callback.answer(t(lang, N_("bot.wizard.created"), name=name), show_alert=True)
    await manager.done()


def step(msgid: str, state: Any, handler: Any, input_id: str) -> Window:
    return Window(
        Tr(msgid),
        TextInput(id=input_id, on_success=handler),
        Row(Back(Tr(N_("bot.back"))), Cancel(Tr(N_("bot.cancel")))),
        state=state,
    )


def dialog() -> Dialog:
    """A fresh dialog (a router can join one dispatcher only)."""
    return Dialog(
        step(N_("bot.wizard.username"), AddPerformer.username, on_username, "w_user"),
        step(N_("bot.wizard.name"), AddPerformer.display_name, on_name, "w_name"),
        step(N_("bot.wizard.bio"), AddPerformer.bio, on_bio, "w_bio"),
        step(N_("bot.wizard.price"), AddPerformer.price, on_price, "w_price"),
        step(N_("bot.wizard.durations"), AddPerformer.durations, on_durations, "w_dur"),
        step(N_("bot.wizard.photo"), AddPerformer.photo, on_photo, "w_photo"),
        step(N_("bot.wizard.hours"), AddPerformer.hours, on_hours, "w_hours"),
        Window(
            Tr(N_("bot.wizard.summary")),
            Button(Tr(N_("bot.wizard.create")), id="w_create", on_click=on_create),
            Row(Back(Tr(N_("bot.back"))), Cancel(Tr(N_("bot.cancel")))),
            state=AddPerformer.confirm,
            getter=summary,
        ),
    )
