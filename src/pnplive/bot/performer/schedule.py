"""The performer's own time off and extra time from the bot (F-AV-2, F-AV-9): block a whole
day, add extra hours on a day, remove either; after each change, the booked calls the schedule
no longer covers are listed (they are kept: the performer or an admin resolves them)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.input import ManagedTextInput, TextInput
from aiogram_dialog.widgets.kbd import Cancel, Column, Group, Select, SwitchTo
from aiogram_dialog.widgets.text import Format
from babel.dates import format_date
from pydantic import ValidationError

from pnplive.availability import editing
from pnplive.availability.slots import local_day_bounds
from pnplive.booking import coverage
from pnplive.booking.models import Booking
from pnplive.bot.context import BotContext
from pnplive.bot.parsing import WeekNotUnderstood, parse_week
from pnplive.bot.performer.own import own_performer
from pnplive.bot.states import PerformerSchedule
from pnplive.bot.texts import Tr, lang_of
from pnplive.errors import PnpError
from pnplive.kit.i18n import N_, format_when, t
from pnplive.performer import service as performers
from pnplive.performer.schemas import WeeklyRuleIn
from pnplive.user.models import User

DAYS_AHEAD = 14
HOURS = re.compile(r"^\s*([01]?\d|2[0-3])[:.]([0-5]\d)\s*[-–]\s*([01]?\d|2[0-4])[:.]([0-5]\d)\s*$")


def _ctx(manager: DialogManager) -> tuple[BotContext, User, str]:
    data = manager.middleware_data
    return data["ctx"], data["user"], lang_of(manager)


def _span(start: datetime, end: datetime, zone: str, lang: str) -> str:
    return f"{format_when(start, zone, lang)} → {format_when(end, zone, lang)}"


def _uncovered(bookings: list[Booking], zone: str, lang: str) -> str:
    return "\n".join(
        f"• {format_when(b.start_at, zone, lang)} · {b.duration_minutes} min" for b in bookings
    )


async def main_data(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx, user, lang = _ctx(dialog_manager)
    p = await own_performer(ctx, user)
    now = ctx.clock.now()
    async with ctx.db.reading() as session:
        view = await editing.schedule_of(session, p, now)
        uncovered = await coverage.conflicts(session, p, now)
    zone = p.timezone
    items = [
        {"id": f"b{b.id}", "label": "🚫 " + _span(b.start_at, b.end_at, zone, lang)}
        for b in view.blocked
    ] + [
        {"id": f"e{e.id}", "label": "➕ " + _span(e.start_at, e.end_at, zone, lang)}
        for e in view.extra
    ]
    week = "\n".join(
        f"• {format_date(date(2024, 1, 1 + r.weekday), 'EEE', locale=lang)} "
        f"{r.start_minute // 60:02d}:{r.start_minute % 60:02d}–"
        f"{(r.end_minute // 60) % 24:02d}:{r.end_minute % 60:02d}"
        for r in sorted(view.weekly, key=lambda r: (r.weekday, r.start_minute))
    )
    today = now.astimezone(ZoneInfo(zone)).date()
    days = [today + timedelta(days=n) for n in range(DAYS_AHEAD)]
    return {
        "zone": zone,
        "week": week or "—",
        "items": items,
        "nothing": not items,
        "days": [
            {"iso": d.isoformat(), "label": format_date(d, "EEE d MMM", locale=lang)} for d in days
        ],
        "uncovered": _uncovered(uncovered, zone, lang),
        "has_uncovered": bool(uncovered),
        "day": dialog_manager.dialog_data.get("day_label", ""),
        "note": dialog_manager.dialog_data.pop("note", ""),
    }


async def _changed(
    manager: DialogManager, change: coverage.IntervalChange | coverage.ScheduleChange, zone: str
) -> None:
    """The change is made: back to the schedule, saying what it left uncovered, if anything."""
    lang = lang_of(manager)
    if change.caused:
        note = t(lang, N_("bot.schedule.now_uncovered"))
        note += "\n" + _uncovered(change.caused, zone, lang)
    else:
        note = t(lang, N_("bot.schedule.saved"))
    manager.dialog_data["note"] = note
    await manager.switch_to(PerformerSchedule.main)


async def on_weekly(
    message: Message, _w: ManagedTextInput[str], manager: DialogManager, text: str
) -> None:
    """The whole week at once (F-AV-1); what it leaves uncovered is listed, nothing dropped."""
    ctx, user, lang = _ctx(manager)
    try:
        rules = [WeeklyRuleIn(weekday=d, start=a, end=b) for d, a, b in parse_week(text)]
    except WeekNotUnderstood as bad:
        await message.answer(t(lang, N_("bot.schedule.bad_week"), line=bad.line))
        return
    try:
        async with ctx.db.transaction() as session:
            p = await performers.of_user(session, user.id)
            assert p is not None
            change = await coverage.set_weekly(session, p, rules, ctx.clock.now())
            zone = p.timezone
    except (PnpError, ValidationError):
        await message.answer(t(lang, N_("bot.schedule.bad_week"), line=1))
        return
    await _changed(manager, change, zone)


async def on_block_day(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    ctx, user, _lang = _ctx(manager)
    async with ctx.db.transaction() as session:
        p = await performers.of_user(session, user.id)
        assert p is not None
        bounds = local_day_bounds(ZoneInfo(p.timezone), date.fromisoformat(item))
        change = await coverage.block(
            session, p, bounds.start, bounds.end, "day off", ctx.clock.now()
        )
        zone = p.timezone
    await callback.answer()
    await _changed(manager, change, zone)


async def on_extra_day(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    manager.dialog_data["day"] = item
    manager.dialog_data["day_label"] = format_date(
        date.fromisoformat(item), "EEE d MMM", locale=lang_of(manager)
    )
    await manager.switch_to(PerformerSchedule.extra_hours)


async def on_extra_hours(
    message: Message, _w: ManagedTextInput[str], manager: DialogManager, text: str
) -> None:
    ctx, user, lang = _ctx(manager)
    found = HOURS.match(text)
    if found is None:
        await message.answer(t(lang, N_("bot.schedule.bad_hours")))
        return
    sh, sm, eh, em = (int(g) for g in found.groups())
    day = date.fromisoformat(str(manager.dialog_data["day"]))
    try:
        async with ctx.db.transaction() as session:
            p = await performers.of_user(session, user.id)
            assert p is not None
            zone = ZoneInfo(p.timezone)
            start = datetime.combine(day, time(sh, sm), zone)
            end_day = day + timedelta(days=1) if (eh, em) <= (sh, sm) or eh == 24 else day
            end = datetime.combine(end_day, time(0 if eh == 24 else eh, em), zone)
            change = await coverage.add_extra(session, p, start, end, "", ctx.clock.now())
    except PnpError:
        await message.answer(t(lang, N_("bot.schedule.bad_hours")))
        return
    await _changed(manager, change, p.timezone)


async def on_remove(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    ctx, user, lang = _ctx(manager)
    kind, number = item[0], int(item[1:])
    try:
        async with ctx.db.transaction() as session:
            p = await performers.of_user(session, user.id)
            assert p is not None
            now = ctx.clock.now()
            if kind == "b":
                change = await coverage.unblock(session, p, number, now)
            else:
                change = await coverage.remove_extra(session, p, number, now)
            zone = p.timezone
    except PnpError:  # removed meanwhile, from another screen
        await callback.answer(t(lang, N_("bot.schedule.gone")), show_alert=True)
        return
    await callback.answer()
    await _changed(manager, change, zone)


def _days(on_click: Any, widget_id: str) -> Group:
    return Group(
        Select(
            Format("{item[label]}"),
            id=widget_id,
            item_id_getter=lambda x: x["iso"],
            items="days",
            on_click=on_click,
        ),
        width=3,
    )


def dialog() -> Dialog:
    """A fresh dialog (a router can join one dispatcher only)."""
    return Dialog(
        Window(
            Format("{note}\n", when="note"),
            Tr(N_("bot.schedule.title")),
            Tr(N_("bot.schedule.nothing"), when="nothing"),
            Tr(N_("bot.schedule.uncovered"), when="has_uncovered"),
            Column(
                SwitchTo(
                    Tr(N_("bot.schedule.weekly")), id="weekly", state=PerformerSchedule.weekly
                ),
                SwitchTo(Tr(N_("bot.schedule.block")), id="block", state=PerformerSchedule.block),
                SwitchTo(Tr(N_("bot.schedule.extra")), id="extra", state=PerformerSchedule.extra),
                SwitchTo(
                    Tr(N_("bot.schedule.remove")),
                    id="remove",
                    state=PerformerSchedule.remove,
                    when="items",
                ),
                Cancel(Tr(N_("bot.back"))),
            ),
            state=PerformerSchedule.main,
            getter=main_data,
        ),
        Window(
            Tr(N_("bot.schedule.weekly_prompt")),
            TextInput(id="weekly_in", on_success=on_weekly),
            SwitchTo(Tr(N_("bot.back")), id="weekly_back", state=PerformerSchedule.main),
            state=PerformerSchedule.weekly,
            getter=main_data,
        ),
        Window(
            Tr(N_("bot.schedule.block_which")),
            _days(on_block_day, "sblock"),
            SwitchTo(Tr(N_("bot.back")), id="block_back", state=PerformerSchedule.main),
            state=PerformerSchedule.block,
            getter=main_data,
        ),
        Window(
            Tr(N_("bot.schedule.extra_which")),
            _days(on_extra_day, "sextra"),
            SwitchTo(Tr(N_("bot.back")), id="extra_back", state=PerformerSchedule.main),
            state=PerformerSchedule.extra,
            getter=main_data,
        ),
        Window(
            Tr(N_("bot.schedule.extra_hours")),
            TextInput(id="extra_in", on_success=on_extra_hours),
            SwitchTo(Tr(N_("bot.back")), id="hours_back", state=PerformerSchedule.extra),
            state=PerformerSchedule.extra_hours,
            getter=main_data,
        ),
        Window(
            Tr(N_("bot.schedule.remove_which")),
            Column(
                Select(
                    Format("{item[label]}"),
                    id="sremove",
                    item_id_getter=lambda x: x["id"],
                    items="items",
                    on_click=on_remove,
                )
            ),
            SwitchTo(Tr(N_("bot.back")), id="remove_back", state=PerformerSchedule.main),
            state=PerformerSchedule.remove,
            getter=main_data,
        ),
    )
