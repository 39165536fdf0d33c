""" "Find me a time" (F-AV-7): the member says how long and when in the day; smart matching
proposes the best free times across performers, each with why it was chosen, and a press
holds that time and continues in the booking wizard at the call rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, StartMode, Window
from aiogram_dialog.widgets.kbd import Cancel, Column, Group, Select, SwitchTo
from aiogram_dialog.widgets.text import Format

from pnplive.availability.explain import explain
from pnplive.availability.matching import Match, Wish
from pnplive.booking import service as bookings
from pnplive.booking.errors import AccessDenied, HoldInProgress, SlotTaken, SlotUnavailable
from pnplive.bot.context import BotContext
from pnplive.bot.member.booking import denial_text
from pnplive.bot.states import Book, FindTime
from pnplive.bot.texts import Tr, lang_of
from pnplive.catalog import offer
from pnplive.catalog.matching import smart_match
from pnplive.kit.i18n import N_, format_money, format_when, t
from pnplive.performer import service as performers
from pnplive.performer.queries import BrowseFilters
from pnplive.user.models import User

DURATIONS = (15, 30, 60)
# Parts of the day, as minutes after local midnight (an end past 1440 runs into the night).
WINDOWS = {
    "morning": (8 * 60, 12 * 60, N_("bot.find.morning")),
    "afternoon": (12 * 60, 18 * 60, N_("bot.find.afternoon")),
    "evening": (18 * 60, 23 * 60, N_("bot.find.evening")),
    "night": (22 * 60, 26 * 60, N_("bot.find.night")),
    "any": (None, None, N_("bot.find.any")),
}
DAYS = 3  # today and the next two, as the API's default
RESULTS = 8


def _ctx(manager: DialogManager) -> tuple[BotContext, User, str]:
    data = manager.middleware_data
    return data["ctx"], data["user"], lang_of(manager)


def _wish(user: User, data: dict[str, Any]) -> Wish:
    start, end, _label = WINDOWS[str(data.get("window", "any"))]
    return Wish(ZoneInfo(user.timezone), int(data["duration"]), start, end)


def reasons(match: Match, lang: str) -> str:
    """Why this time was proposed, in the reader's words (the score's three parts)."""
    return ", ".join(explain(match.reasons, lang))


async def choices_data(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    lang = lang_of(dialog_manager)
    return {
        "durations": [(str(m), f"{m} min") for m in DURATIONS],
        "windows": [(k, t(lang, label)) for k, (_a, _b, label) in WINDOWS.items()],
    }


async def results_data(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx, user, lang = _ctx(dialog_manager)
    wish = _wish(user, dialog_manager.dialog_data)
    now = ctx.clock.now()
    today = now.astimezone(wish.zone).date()
    async with ctx.db.reading() as session:
        found = await smart_match(
            session,
            wish,
            first=today,
            last=today + timedelta(days=DAYS - 1),
            filters=BrowseFilters(),
            now=now,
            rules=ctx.rules,
            limit=RESULTS,
        )
    items, lines = [], []
    for n, f in enumerate(found, 1):
        p, start = f.performer, f.match.candidate.start
        price = format_money(offer.price(p, wish.duration), p.currency, lang)
        when = format_when(start, user.timezone, lang)
        # Minutes since the epoch keep the button's data short (Telegram allows 64 bytes).
        items.append(
            {"id": f"{p.id}:{int(start.timestamp()) // 60}", "label": f"{n}. {p.display_name}"}
        )
        lines.append(f"{n}. {p.display_name} · {when} · {price}\n   {reasons(f.match, lang)}")
    return {
        "results": items,
        "zone": user.timezone,
        "lines": "\n".join(lines),
        "none": not items,
        "taken": bool(dialog_manager.dialog_data.get("taken")),
        "problem": dialog_manager.dialog_data.get("problem") or "",
        "has_problem": bool(dialog_manager.dialog_data.get("problem")),
    }


async def on_duration(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    manager.dialog_data["duration"] = int(item)
    await manager.switch_to(FindTime.window)


async def on_window(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    manager.dialog_data["window"] = item
    manager.dialog_data.pop("taken", None)
    await manager.switch_to(FindTime.results)


async def on_pick(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    """Hold the proposed time, then go on with the booking wizard at the call rules."""
    ctx, user, lang = _ctx(manager)
    performer_id, minute = item.split(":", 1)
    start = datetime.fromtimestamp(int(minute) * 60, UTC)
    minutes = int(manager.dialog_data["duration"])
    try:
        async with ctx.db.transaction() as session:
            member = await session.get(User, user.id)
            p = await performers.get(session, int(performer_id))
            assert member is not None
            booking = await bookings.place_hold(
                session,
                user=member,
                performer=p,
                start_at=start,
                duration=minutes,
                now=ctx.clock.now(),
                rules=ctx.rules,
            )
            public_id = booking.public_id
    except (SlotTaken, SlotUnavailable, HoldInProgress):
        manager.dialog_data["taken"] = True
        await callback.answer(t(lang, N_("bot.book.taken")), show_alert=True)
        return
    except AccessDenied as exc:
        manager.dialog_data["problem"] = t(lang, denial_text(exc.code))
        return
    await manager.start(
        Book.rules,
        data={
            "performer": int(performer_id),
            "duration": minutes,
            "day": start.astimezone(ZoneInfo(user.timezone)).date().isoformat(),
            "booking": public_id,
        },
        mode=StartMode.RESET_STACK,
    )


def dialog() -> Dialog:
    """A fresh dialog (a router can join one dispatcher only)."""
    return Dialog(
        Window(
            Tr(N_("bot.find.how_long")),
            Group(
                Select(
                    Format("{item[1]}"),
                    id="fdur",
                    item_id_getter=lambda x: x[0],
                    items="durations",
                    on_click=on_duration,
                ),
                width=3,
            ),
            Cancel(Tr(N_("bot.back"))),
            state=FindTime.duration,
            getter=choices_data,
        ),
        Window(
            Tr(N_("bot.find.when")),
            Column(
                Select(
                    Format("{item[1]}"),
                    id="fwin",
                    item_id_getter=lambda x: x[0],
                    items="windows",
                    on_click=on_window,
                ),
            ),
            SwitchTo(Tr(N_("bot.back")), id="fwin_back", state=FindTime.duration),
            state=FindTime.window,
            getter=choices_data,
        ),
        Window(
            Tr(N_("bot.find.results")),
            Format("{lines}"),
            Tr(N_("bot.find.none"), when="none"),
            Tr(N_("bot.book.taken"), when="taken"),
            Format("{problem}", when="has_problem"),
            Group(
                Select(
                    Format("{item[label]}"),
                    id="fres",
                    item_id_getter=lambda x: x["id"],
                    items="results",
                    on_click=on_pick,
                ),
                width=4,
            ),
            SwitchTo(Tr(N_("bot.back")), id="fres_back", state=FindTime.window),
            state=FindTime.results,
            getter=results_data,
        ),
    )
