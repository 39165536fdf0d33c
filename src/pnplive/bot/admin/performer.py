"""One performer, as an admin runs them from the bot (F-ADM, ``/edit_model``): status, edits of
name, bio and price, deactivation, their upcoming bookings (cancel with the refund shown
first) and the bookings their schedule no longer covers (F-AV-9)."""

from __future__ import annotations

from typing import Any

from aiogram import F
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.input import ManagedTextInput, TextInput
from aiogram_dialog.widgets.kbd import Button, Cancel, Column, ScrollingGroup, Select, SwitchTo
from aiogram_dialog.widgets.text import Format
from pydantic import ValidationError

from pnplive.booking import coverage
from pnplive.booking import service as bookings
from pnplive.booking.policy import cancel_preview
from pnplive.booking.queries import BookingFilters, When, list_bookings, users_by_id
from pnplive.bot.context import BotContext
from pnplive.bot.refusals import refusal
from pnplive.bot.states import AdminPerformer
from pnplive.bot.texts import Tr, lang_of
from pnplive.errors import PnpError
from pnplive.kit.actor import Actor
from pnplive.kit.i18n import N_, format_money, format_when, t
from pnplive.kit.money import parse_amount
from pnplive.payment import refunds
from pnplive.performer import service as performers
from pnplive.performer.models import Lifecycle
from pnplive.performer.schemas import PerformerUpdate
from pnplive.performer.service import ProfileTextRefused
from pnplive.user.models import User

STATUS = {
    Lifecycle.ACTIVE.value: N_("bot.admin.active"),
    Lifecycle.PAUSED.value: N_("bot.admin.paused"),
    Lifecycle.INACTIVE.value: N_("bot.admin.inactive"),
}
BOOKING_STATUS = {
    "held": N_("bot.status.held"),
    "pending_payment": N_("bot.status.pending_payment"),
    "confirmed": N_("bot.status.confirmed"),
    "live": N_("bot.status.live"),
}
FIELDS = {
    "name": N_("bot.adminp.ask_name"),
    "bio": N_("bot.adminp.ask_bio"),
    "price": N_("bot.adminp.ask_price"),
}


def _ctx(manager: DialogManager) -> tuple[BotContext, User, str]:
    data = manager.middleware_data
    return data["ctx"], data["user"], lang_of(manager)


def _performer_id(manager: DialogManager) -> int:
    return int(manager.start_data["performer"])  # type: ignore[index,call-overload]


async def main_data(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx, _user, lang = _ctx(dialog_manager)
    async with ctx.db.reading() as session:
        p = await performers.get(session, _performer_id(dialog_manager))
        uncovered = await coverage.conflicts(session, p, ctx.clock.now())
    field = str(dialog_manager.dialog_data.get("field", "name"))
    return {
        "name": p.display_name,
        "username": p.username,
        "bio": p.bio or "—",
        "price": format_money(p.price_per_minute, p.currency, lang),
        "status": t(lang, STATUS[p.status]),
        "active": p.status == Lifecycle.ACTIVE.value,
        "paused": p.status == Lifecycle.PAUSED.value,
        "listed": p.status != Lifecycle.INACTIVE.value,
        "conflicts": len(uncovered),
        "ask": t(lang, FIELDS.get(field, FIELDS["name"]), name=p.display_name),
    }


async def _set_status(callback: CallbackQuery, manager: DialogManager, target: Lifecycle) -> None:
    ctx, _user, lang = _ctx(manager)
    async with ctx.db.transaction() as session:
        p = await performers.get(session, _performer_id(manager))
        await performers.update(session, p, PerformerUpdate(status=target), ctx.clock.now())
    await callback.answer(t(lang, STATUS[target.value]))


async def on_pause(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    await _set_status(callback, manager, Lifecycle.PAUSED)


async def on_activate(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    await _set_status(callback, manager, Lifecycle.ACTIVE)


async def on_deactivate(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    ctx, _user, lang = _ctx(manager)
    async with ctx.db.transaction() as session:
        p = await performers.get(session, _performer_id(manager))
        await performers.deactivate(session, p, ctx.clock.now())
        name = p.display_name
    await callback.answer(t(lang, N_("bot.adminp.deactivated"), name=name), show_alert=True)
    await manager.switch_to(AdminPerformer.main)


async def on_field(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    manager.dialog_data["field"] = item
    await manager.switch_to(AdminPerformer.edit)


async def on_value(
    message: Message, _w: ManagedTextInput[str], manager: DialogManager, text: str
) -> None:
    ctx, _user, lang = _ctx(manager)
    field = str(manager.dialog_data.get("field", "name"))
    try:
        async with ctx.db.transaction() as session:
            p = await performers.get(session, _performer_id(manager))
            if field == "price":
                change = PerformerUpdate(price_per_minute=parse_amount(text, p.currency))
            elif field == "bio":
                change = PerformerUpdate(bio=text)
            else:
                change = PerformerUpdate(display_name=text)
            await performers.update(session, p, change, ctx.clock.now())
    except ProfileTextRefused as exc:
        await message.answer(refusal(lang, exc))
        return
    except (ValueError, ValidationError, PnpError):
        await message.answer(t(lang, N_("bot.adminp.bad_value")))
        return
    await manager.switch_to(AdminPerformer.main)


async def bookings_data(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx, user, lang = _ctx(dialog_manager)
    now = ctx.clock.now()
    conflicts_only = bool(dialog_manager.dialog_data.get("conflicts"))
    async with ctx.db.reading() as session:
        p = await performers.get(session, _performer_id(dialog_manager))
        if conflicts_only:
            found = await coverage.conflicts(session, p, now)
        else:
            page = await list_bookings(
                session,
                BookingFilters(
                    performer_id=p.id, statuses=tuple(BOOKING_STATUS), when=When.UPCOMING
                ),
                now=now,
                limit=50,
                offset=0,
            )
            found = list(page.items)
        members = await users_by_id(session, (b.user_id for b in found))
    items = [
        {
            "id": b.public_id,
            "label": f"{format_when(b.start_at, user.timezone, lang)} · "
            f"{members[b.user_id].shown_name} · "
            f"{t(lang, BOOKING_STATUS.get(b.status, b.status))}",
        }
        for b in found
    ]
    title = N_("bot.adminp.conflicts_title") if conflicts_only else N_("bot.adminp.bookings_title")
    return {"bookings": items, "none": not items, "title": t(lang, title, name=p.display_name)}


async def on_bookings(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    manager.dialog_data["conflicts"] = False
    await manager.switch_to(AdminPerformer.bookings)


async def on_conflicts(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    manager.dialog_data["conflicts"] = True
    await manager.switch_to(AdminPerformer.bookings)


async def on_booking(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    manager.dialog_data["booking"] = item
    await manager.switch_to(AdminPerformer.booking)


async def booking_data(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx, user, lang = _ctx(dialog_manager)
    now = ctx.clock.now()
    async with ctx.db.reading() as session:
        b = await bookings.get_booking(session, str(dialog_manager.dialog_data["booking"]))
        members = await users_by_id(session, [b.user_id])
    refund = cancel_preview(
        b.status, b.paid_at is not None, ctx.rules.cancel_policy, "admin", b.amount, now, b.start_at
    )
    return {
        "member": members[b.user_id].shown_name,
        "when": format_when(b.start_at, user.timezone, lang),
        "minutes": b.duration_minutes,
        "price": format_money(b.amount, b.currency, lang),
        "status": t(lang, BOOKING_STATUS.get(b.status, b.status)),
        "can_cancel": refund.allowed,
        "refund": format_money(refund.amount, b.currency, lang),
    }


async def on_cancel(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    ctx, user, lang = _ctx(manager)
    try:
        async with ctx.db.transaction() as session:
            b = await bookings.get_booking(session, str(manager.dialog_data["booking"]), lock=True)
            result = await refunds.cancel_booking(
                session, b, by=Actor.admin(user.id), now=ctx.clock.now(), rules=ctx.rules
            )
            amount = result.refund.amount if result.refund is not None else 0
            currency = b.currency
    except PnpError as exc:
        await callback.answer(
            t(lang, N_("bot.adminp.cancel_refused"), reason=refusal(lang, exc)), show_alert=True
        )
        await manager.switch_to(AdminPerformer.booking)
        return
    await callback.answer(
        t(lang, N_("bot.adminp.cancelled"), refund=format_money(amount, currency, lang)),
        show_alert=True,
    )
    await manager.switch_to(AdminPerformer.bookings)


def dialog() -> Dialog:
    """A fresh dialog (a router can join one dispatcher only)."""
    return Dialog(
        Window(
            Tr(N_("bot.adminp.main")),
            Column(
                Button(Tr(N_("bot.adminp.pause")), id="pause", on_click=on_pause, when="active"),
                Button(
                    Tr(N_("bot.adminp.activate")),
                    id="activate",
                    on_click=on_activate,
                    when=F["active"].is_(False),
                ),
                Select(
                    Format("{item[1]}"),
                    id="field",
                    item_id_getter=lambda x: x[0],
                    items="fields",
                    on_click=on_field,
                ),
                Button(Tr(N_("bot.adminp.bookings")), id="bookings", on_click=on_bookings),
                Button(
                    Tr(N_("bot.adminp.conflicts")),
                    id="conflicts",
                    on_click=on_conflicts,
                    when=F["conflicts"] > 0,
                ),
                SwitchTo(
                    Tr(N_("bot.adminp.deactivate")),
                    id="deactivate",
                    state=AdminPerformer.deactivate,
                    when="listed",
                ),
                Cancel(Tr(N_("bot.back"))),
            ),
            state=AdminPerformer.main,
            getter=[main_data, fields_data],
        ),
        Window(
            Format("{ask}"),
            TextInput(id="value_in", on_success=on_value),
            SwitchTo(Tr(N_("bot.back")), id="edit_back", state=AdminPerformer.main),
            state=AdminPerformer.edit,
            getter=main_data,
        ),
        Window(
            Tr(N_("bot.adminp.deactivate_confirm")),
            Button(Tr(N_("bot.adminp.deactivate_yes")), id="deact_yes", on_click=on_deactivate),
            SwitchTo(Tr(N_("bot.back")), id="deact_no", state=AdminPerformer.main),
            state=AdminPerformer.deactivate,
            getter=main_data,
        ),
        Window(
            Format("{title}"),
            Tr(N_("bot.adminp.no_bookings"), when="none"),
            ScrollingGroup(
                Select(
                    Format("{item[label]}"),
                    id="abk",
                    item_id_getter=lambda x: x["id"],
                    items="bookings",
                    on_click=on_booking,
                ),
                id="abk_page",
                width=1,
                height=6,
                hide_on_single_page=True,
            ),
            SwitchTo(Tr(N_("bot.back")), id="bookings_back", state=AdminPerformer.main),
            state=AdminPerformer.bookings,
            getter=bookings_data,
        ),
        Window(
            Tr(N_("bot.adminp.booking")),
            SwitchTo(
                Tr(N_("bot.adminp.cancel")),
                id="cancel",
                state=AdminPerformer.cancel,
                when="can_cancel",
            ),
            SwitchTo(Tr(N_("bot.back")), id="booking_back", state=AdminPerformer.bookings),
            state=AdminPerformer.booking,
            getter=booking_data,
        ),
        Window(
            Tr(N_("bot.adminp.cancel_confirm")),
            Button(Tr(N_("bot.adminp.cancel_yes")), id="cancel_yes", on_click=on_cancel),
            SwitchTo(Tr(N_("bot.back")), id="cancel_no", state=AdminPerformer.booking),
            state=AdminPerformer.cancel,
            getter=booking_data,
        ),
    )


async def fields_data(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    lang = lang_of(dialog_manager)
    return {
        "fields": [
            ("name", t(lang, N_("bot.adminp.edit_name"))),
            ("bio", t(lang, N_("bot.adminp.edit_bio"))),
            ("price", t(lang, N_("bot.adminp.edit_price"))),
        ]
    }
