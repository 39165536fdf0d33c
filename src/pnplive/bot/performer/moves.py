"""A performer asks a member to move a call (F-BK-6): pick one of their upcoming calls, a day
and a free time (in the performer's zone); the member is asked and answers in /my_bookings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.kbd import Button, Cancel, Column, Group, Select, SwitchTo
from aiogram_dialog.widgets.text import Format
from babel.dates import format_date

from pnplive.booking import proposals
from pnplive.booking import service as bookings
from pnplive.booking.errors import SlotTaken, SlotUnavailable
from pnplive.booking.queries import BookingFilters, When, list_bookings
from pnplive.bot.context import BotContext
from pnplive.bot.performer.own import own_performer
from pnplive.bot.refusals import refusal
from pnplive.bot.states import PerformerMove
from pnplive.bot.texts import Tr, lang_of
from pnplive.catalog import slots as availability
from pnplive.errors import PnpError
from pnplive.kit.actor import Actor
from pnplive.kit.i18n import N_, format_when, t
from pnplive.performer import service as performers
from pnplive.performer.models import Performer
from pnplive.user.models import User


def _ctx(manager: DialogManager) -> tuple[BotContext, User, str]:
    data = manager.middleware_data
    return data["ctx"], data["user"], lang_of(manager)


async def calls_data(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx, user, lang = _ctx(dialog_manager)
    p = await own_performer(ctx, user)
    async with ctx.db.reading() as session:
        found = await list_bookings(
            session,
            BookingFilters(performer_id=p.id, statuses=("confirmed",), when=When.UPCOMING),
            now=ctx.clock.now(),
            limit=10,
            offset=0,
        )
    calls = [
        {
            "id": b.public_id,
            "label": f"{format_when(b.start_at, p.timezone, lang)} · {b.duration_minutes} min",
        }
        for b in found.items
    ]
    return {"calls": calls, "none": not calls}


async def on_call(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    manager.dialog_data["booking"] = item
    await manager.switch_to(PerformerMove.day)


async def _rules(ctx: BotContext, public_id: str) -> tuple[Performer, Any, datetime]:
    async with ctx.db.reading() as session:
        b = await bookings.get_booking(session, public_id)
        p = await performers.get(session, b.performer_id)
    return p, bookings.slot_rules(p, b.duration_minutes, ctx.rules), b.start_at


async def days_data(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx, _user, lang = _ctx(dialog_manager)
    p, rules, start = await _rules(ctx, str(dialog_manager.dialog_data["booking"]))
    async with ctx.db.reading() as session:
        days = await availability.free_days(
            session, p, rules, ctx.clock.now(), ZoneInfo(p.timezone)
        )
    items = [
        {"iso": d.isoformat(), "label": format_date(d, "EEE d MMM", locale=lang)} for d in days
    ]
    return {
        "days": items,
        "none": not items,
        "zone": p.timezone,
        "when": format_when(start, p.timezone, lang),
    }


async def on_day(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    manager.dialog_data["day"] = item
    await manager.switch_to(PerformerMove.time)


async def times_data(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx, _user, _lang = _ctx(dialog_manager)
    data = dialog_manager.dialog_data
    p, rules, start = await _rules(ctx, str(data["booking"]))
    zone = ZoneInfo(p.timezone)
    async with ctx.db.reading() as session:
        slots = await availability.free_slots_on(
            session, p, rules, ctx.clock.now(), zone, date.fromisoformat(str(data["day"]))
        )
    items = [
        {"iso": s.isoformat(), "label": s.astimezone(zone).strftime("%H:%M")}
        for s in slots
        if s != start
    ]
    return {"times": items, "none": not items, "zone": p.timezone}


async def on_time(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    manager.dialog_data["to"] = item
    await manager.switch_to(PerformerMove.confirm)


async def confirm_data(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx, _user, lang = _ctx(dialog_manager)
    p, _slot_rules, start = await _rules(ctx, str(dialog_manager.dialog_data["booking"]))
    new_start = datetime.fromisoformat(str(dialog_manager.dialog_data["to"]))
    return {
        "when": format_when(start, p.timezone, lang),
        "new_when": format_when(new_start, p.timezone, lang),
    }


async def on_propose(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    ctx, user, lang = _ctx(manager)
    p = await own_performer(ctx, user)
    try:
        async with ctx.db.transaction() as session:
            await proposals.propose(
                session,
                str(manager.dialog_data["booking"]),
                Actor.of_performer(p.id, user_id=user.id),
                datetime.fromisoformat(str(manager.dialog_data["to"])),
                now=ctx.clock.now(),
                rules=ctx.rules,
            )
    except (SlotTaken, SlotUnavailable):
        await callback.answer(t(lang, N_("bot.move.taken")), show_alert=True)
        await manager.switch_to(PerformerMove.time)
        return
    except PnpError as exc:
        await callback.answer(refusal(lang, exc), show_alert=True)
        await manager.switch_to(PerformerMove.booking)
        return
    await callback.answer(t(lang, N_("bot.move.sent")), show_alert=True)
    await manager.done()


def dialog() -> Dialog:
    return Dialog(
        Window(
            Tr(N_("bot.move.calls")),
            Tr(N_("bot.move.no_calls"), when="none"),
            Column(
                Select(
                    Format("{item[label]}"),
                    id="mv_call",
                    item_id_getter=lambda x: x["id"],
                    items="calls",
                    on_click=on_call,
                ),
            ),
            Cancel(Tr(N_("bot.back"))),
            state=PerformerMove.booking,
            getter=calls_data,
        ),
        Window(
            Tr(N_("bot.move.days")),
            Tr(N_("bot.move.no_days"), when="none"),
            Group(
                Select(
                    Format("{item[label]}"),
                    id="mv_day",
                    item_id_getter=lambda x: x["iso"],
                    items="days",
                    on_click=on_day,
                ),
                width=3,
            ),
            SwitchTo(Tr(N_("bot.back")), id="mv_day_back", state=PerformerMove.booking),
            state=PerformerMove.day,
            getter=days_data,
        ),
        Window(
            Tr(N_("bot.move.times")),
            Tr(N_("bot.move.no_times"), when="none"),
            Group(
                Select(
                    Format("{item[label]}"),
                    id="mv_time",
                    item_id_getter=lambda x: x["iso"],
                    items="times",
                    on_click=on_time,
                ),
                width=4,
            ),
            SwitchTo(Tr(N_("bot.back")), id="mv_time_back", state=PerformerMove.day),
            state=PerformerMove.time,
            getter=times_data,
        ),
        Window(
            Tr(N_("bot.move.confirm")),
            Button(Tr(N_("bot.move.send")), id="mv_send", on_click=on_propose),
            SwitchTo(Tr(N_("bot.back")), id="mv_confirm_back", state=PerformerMove.time),
            state=PerformerMove.confirm,
            getter=confirm_data,
        ),
    )
