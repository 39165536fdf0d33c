"""The performer's menu: online or offline (going online tells their followers, F-NTF-5),
upcoming calls and earnings (F-SLF-1/2), and their profile: price, bio, tags and call lengths;
time off and extra time are in ``schedule.py``."""

from __future__ import annotations

import re
from typing import Any

from aiogram import F
from aiogram.enums import ContentType
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.input import ManagedTextInput, MessageInput, TextInput
from aiogram_dialog.widgets.kbd import Button, Cancel, Column, Start, SwitchTo
from pydantic import ValidationError

from pnplive.booking.queries import BookingFilters, When, list_bookings
from pnplive.bot.context import BotContext
from pnplive.bot.parsing import RANGE
from pnplive.bot.performer.own import own_performer
from pnplive.bot.refusals import refusal
from pnplive.bot.states import PerformerMenu, PerformerMove, PerformerSchedule
from pnplive.bot.texts import Tr, lang_of
from pnplive.earning import service as earning
from pnplive.errors import PnpError
from pnplive.kit.i18n import N_, format_money, format_when, t
from pnplive.kit.money import parse_amount
from pnplive.performer import service as performers
from pnplive.performer.models import Presence
from pnplive.performer.schemas import PerformerUpdate
from pnplive.performer.service import ProfileTextRefused
from pnplive.user.models import User


async def menu_data(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx: BotContext = dialog_manager.middleware_data["ctx"]
    user: User = dialog_manager.middleware_data["user"]
    lang = lang_of(dialog_manager)
    p = await own_performer(ctx, user)
    async with ctx.db.reading() as session:
        upcoming = await list_bookings(
            session,
            BookingFilters(performer_id=p.id, statuses=("confirmed", "live"), when=When.UPCOMING),
            now=ctx.clock.now(),
            limit=5,
            offset=0,
        )
        balances = await earning.balances(session, p.id)
    calls = "\n".join(
        f"• {format_when(b.start_at, p.timezone, lang)} · {b.duration_minutes} min"
        for b in upcoming.items
    )
    money = "\n".join(
        t(
            lang,
            N_("bot.performer.balance"),
            available=format_money(b.available, b.currency, lang),
            pending=format_money(b.pending, b.currency, lang),
        )
        for b in balances
    )
    return {
        "name": p.display_name,
        "online": p.presence == Presence.ONLINE.value,
        "busy": p.presence == Presence.BUSY.value,
        "price": format_money(p.price_per_minute, p.currency, lang),
        "currency": p.currency,
        "calls": calls or t(lang, N_("bot.performer.no_calls")),
        "money": money or t(lang, N_("bot.performer.no_money")),
    }


async def _presence(manager: DialogManager, presence: Presence) -> None:
    ctx: BotContext = manager.middleware_data["ctx"]
    user: User = manager.middleware_data["user"]
    async with ctx.db.transaction() as session:
        p = await performers.of_user(session, user.id)
        assert p is not None
        await performers.set_presence(session, p, presence, ctx.clock.now())


async def go_online(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    await _presence(manager, Presence.ONLINE)
    await callback.answer(t(lang_of(manager), N_("bot.performer.now_online")))


async def go_offline(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    await _presence(manager, Presence.OFFLINE)
    await callback.answer(t(lang_of(manager), N_("bot.performer.now_offline")))


async def photos_data(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx: BotContext = dialog_manager.middleware_data["ctx"]
    user: User = dialog_manager.middleware_data["user"]
    p = await own_performer(ctx, user)
    return {"count": len(p.photos), "most": performers.MAX_PHOTOS, "has_photos": bool(p.photos)}


async def on_photo(message: Message, _w: MessageInput, manager: DialogManager) -> None:
    """A photo sent to the bot joins the gallery (Telegram keeps it; we keep its file id)."""
    ctx: BotContext = manager.middleware_data["ctx"]
    user: User = manager.middleware_data["user"]
    lang = lang_of(manager)
    if not message.photo:
        await message.answer(t(lang, N_("bot.photos.not_a_photo")))
        return
    try:
        async with ctx.db.transaction() as session:
            p = await performers.of_user(session, user.id)
            assert p is not None
            count = await performers.add_telegram_photo(
                session, p, message.photo[-1].file_id, ctx.clock.now()
            )
    except PnpError:
        await message.answer(t(lang, N_("bot.photos.full"), most=performers.MAX_PHOTOS))
        return
    await message.answer(t(lang, N_("bot.photos.added"), count=count, most=performers.MAX_PHOTOS))


async def on_clear_photos(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    ctx: BotContext = manager.middleware_data["ctx"]
    user: User = manager.middleware_data["user"]
    async with ctx.db.transaction() as session:
        p = await performers.of_user(session, user.id)
        assert p is not None
        await performers.clear_photos(session, p, ctx.clock.now())
    await callback.answer(t(lang_of(manager), N_("bot.photos.cleared")))


async def on_price(
    message: Message, _w: ManagedTextInput[str], manager: DialogManager, text: str
) -> None:
    ctx: BotContext = manager.middleware_data["ctx"]
    user: User = manager.middleware_data["user"]
    lang = lang_of(manager)
    try:
        async with ctx.db.transaction() as session:
            p = await performers.of_user(session, user.id)
            assert p is not None
            amount = parse_amount(text, p.currency)
            await performers.update(
                session, p, PerformerUpdate(price_per_minute=amount), ctx.clock.now()
            )
    except (ValueError, PnpError):
        await message.answer(t(lang, N_("bot.performer.bad_price")))
        return
    await manager.switch_to(PerformerMenu.main)


async def _update(
    message: Message, manager: DialogManager, change: dict[str, Any], problem: str
) -> None:
    """Apply one profile change through the performer service, or say what was wrong."""
    ctx: BotContext = manager.middleware_data["ctx"]
    user: User = manager.middleware_data["user"]
    try:
        data = PerformerUpdate.model_validate(change)
        async with ctx.db.transaction() as session:
            p = await performers.of_user(session, user.id)
            assert p is not None
            await performers.update(session, p, data, ctx.clock.now())
    except ProfileTextRefused as exc:
        await message.answer(refusal(lang_of(manager), exc))
        return
    except (ValidationError, PnpError):
        await message.answer(t(lang_of(manager), problem))
        return
    await manager.switch_to(PerformerMenu.main)


async def on_bio(
    message: Message, _w: ManagedTextInput[str], manager: DialogManager, text: str
) -> None:
    await _update(message, manager, {"bio": text}, N_("bot.performer.bad_bio"))


async def on_tags(
    message: Message, _w: ManagedTextInput[str], manager: DialogManager, text: str
) -> None:
    tags = [x.strip().lstrip("#").lower() for x in re.split(r"[,\s]+", text) if x.strip("# ")]
    await _update(message, manager, {"tags": tags}, N_("bot.performer.bad_tags"))


async def on_durations(
    message: Message, _w: ManagedTextInput[str], manager: DialogManager, text: str
) -> None:
    found = RANGE.match(text)
    change = (
        {"min_duration": int(found.group(1)), "max_duration": int(found.group(2))}
        if found and int(found.group(1)) <= int(found.group(2))
        else {"min_duration": -1}  # refused by the schema like any other wrong length
    )
    await _update(message, manager, change, N_("bot.performer.bad_durations"))


def _ask(msgid: str, state: State, on_success: Any, widget: str) -> Window:
    return Window(
        Tr(msgid),
        TextInput(id=widget, on_success=on_success),
        SwitchTo(Tr(N_("bot.back")), id=f"{widget}_back", state=PerformerMenu.main),
        state=state,
        getter=menu_data,
    )


def dialog() -> Dialog:
    """A fresh dialog (a router can join one dispatcher only)."""
    return Dialog(
        Window(
            Tr(N_("bot.performer.menu")),
            Column(
                Button(
                    Tr(N_("bot.performer.go_online")),
                    id="online",
                    on_click=go_online,
                    when=F["online"].is_(False),
                ),
                Button(
                    Tr(N_("bot.performer.go_offline")),
                    id="offline",
                    on_click=go_offline,
                    when="online",
                ),
                SwitchTo(Tr(N_("bot.performer.edit_price")), id="price", state=PerformerMenu.price),
                SwitchTo(Tr(N_("bot.performer.edit_bio")), id="bio", state=PerformerMenu.bio),
                SwitchTo(Tr(N_("bot.performer.edit_tags")), id="tags", state=PerformerMenu.tags),
                SwitchTo(
                    Tr(N_("bot.performer.edit_durations")),
                    id="durations",
                    state=PerformerMenu.durations,
                ),
                Start(
                    Tr(N_("bot.performer.schedule")), id="schedule", state=PerformerSchedule.main
                ),
                Start(Tr(N_("bot.performer.move")), id="move", state=PerformerMove.booking),
                SwitchTo(Tr(N_("bot.performer.photos")), id="photos", state=PerformerMenu.photos),
                Cancel(Tr(N_("bot.back"))),
            ),
            state=PerformerMenu.main,
            getter=menu_data,
        ),
        Window(
            Tr(N_("bot.performer.price_prompt")),
            TextInput(id="price_in", on_success=on_price),
            SwitchTo(Tr(N_("bot.back")), id="price_back", state=PerformerMenu.main),
            state=PerformerMenu.price,
            getter=menu_data,
        ),
        Window(
            Tr(N_("bot.photos.prompt")),
            MessageInput(on_photo, content_types=[ContentType.PHOTO, ContentType.TEXT]),
            Button(
                Tr(N_("bot.photos.clear")),
                id="photos_clear",
                on_click=on_clear_photos,
                when="has_photos",
            ),
            SwitchTo(Tr(N_("bot.back")), id="photos_back", state=PerformerMenu.main),
            state=PerformerMenu.photos,
            getter=photos_data,
        ),
        _ask(N_("bot.performer.bio_prompt"), PerformerMenu.bio, on_bio, "bio_in"),
        _ask(N_("bot.performer.tags_prompt"), PerformerMenu.tags, on_tags, "tags_in"),
        _ask(
            N_("bot.performer.durations_prompt"),
            PerformerMenu.durations,
            on_durations,
            "durations_in",
        ),
    )
