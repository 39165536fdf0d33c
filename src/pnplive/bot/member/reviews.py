"""The member's past calls and their reviews (F-REV-1): pick a completed call, give it 1 to 5
stars, add a few words or skip; the review service moderates the words."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.input import ManagedTextInput, TextInput
from aiogram_dialog.widgets.kbd import Button, Cancel, Column, Group, Select, SwitchTo
from aiogram_dialog.widgets.text import Format

from pnplive.booking.queries import performers_by_id
from pnplive.bot.context import BotContext
from pnplive.bot.refusals import refusal
from pnplive.bot.states import PastCalls
from pnplive.bot.texts import Tr, lang_of
from pnplive.errors import PnpError
from pnplive.kit.i18n import N_, format_when, t
from pnplive.review import service as reviews
from pnplive.review.models import ReviewStatus
from pnplive.user.models import User

OUTCOME = {
    ReviewStatus.PUBLISHED.value: N_("bot.review.published"),
    ReviewStatus.HELD.value: N_("bot.review.held"),
    ReviewStatus.BLOCKED.value: N_("bot.review.blocked"),
}


def _ctx(manager: DialogManager) -> tuple[BotContext, User, str]:
    data = manager.middleware_data
    return data["ctx"], data["user"], lang_of(manager)


async def calls_data(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx, user, lang = _ctx(dialog_manager)
    async with ctx.db.reading() as session:
        found = await reviews.past_calls(session, user.id)
        names = await performers_by_id(session, (b.performer_id for b, _ in found))
    calls = [
        {
            "id": b.public_id,
            "label": f"{'✅' if reviewed else '⭐'} {names[b.performer_id].display_name} · "
            f"{format_when(b.start_at, user.timezone, lang)}",
        }
        for b, reviewed in found
    ]
    return {"calls": calls, "none": not calls}


async def on_call(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    ctx, user, lang = _ctx(manager)
    async with ctx.db.reading() as session:
        found = {b.public_id: (b, done) for b, done in await reviews.past_calls(session, user.id)}
        names = await performers_by_id(session, (b.performer_id for b, _ in found.values()))
    if item not in found:  # a button from an older list
        await callback.answer(t(lang, N_("bot.stale")))
        return
    booking, done = found[item]
    if done:
        await callback.answer(t(lang, N_("bot.review.already")), show_alert=True)
        return
    manager.dialog_data.update(
        booking=item,
        name=names[booking.performer_id].display_name,
        when=format_when(booking.start_at, user.timezone, lang),
    )
    await manager.switch_to(PastCalls.stars)


async def call_data(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    d = dialog_manager.dialog_data
    return {
        "name": d.get("name", ""),
        "when": d.get("when", ""),
        "stars": [{"n": n, "label": "⭐" * n} for n in range(1, 6)],
        "rating": "⭐" * int(d.get("stars", 0)),
    }


async def on_stars(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    manager.dialog_data["stars"] = int(item)
    await manager.switch_to(PastCalls.text)


async def _submit(event: CallbackQuery | Message, manager: DialogManager, text: str | None) -> None:
    ctx, user, lang = _ctx(manager)
    try:
        async with ctx.db.transaction() as session:
            review = await reviews.leave(
                session,
                user,
                str(manager.dialog_data["booking"]),
                int(manager.dialog_data["stars"]),
                text,
                ctx.clock.now(),
            )
            status = review.status
    except PnpError as exc:
        said = (
            t(lang, N_("bot.review.too_long"))
            if exc.details.get("field") == "text"
            else refusal(lang, exc)
        )
        if isinstance(event, CallbackQuery):
            await event.answer(said, show_alert=True)
        else:
            await event.answer(said)
        if exc.details.get("field") != "text":
            await manager.switch_to(PastCalls.list)
        return
    said = t(lang, OUTCOME[status])
    if isinstance(event, CallbackQuery):
        await event.answer(said, show_alert=True)
    else:
        await event.answer(said)
    await manager.switch_to(PastCalls.list)


async def on_text(
    message: Message, _w: ManagedTextInput[str], manager: DialogManager, text: str
) -> None:
    await _submit(message, manager, text)


async def on_skip(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    await _submit(callback, manager, None)


def dialog() -> Dialog:
    return Dialog(
        Window(
            Tr(N_("bot.review.calls")),
            Tr(N_("bot.review.none"), when="none"),
            Column(
                Select(
                    Format("{item[label]}"),
                    id="past",
                    item_id_getter=lambda x: x["id"],
                    items="calls",
                    on_click=on_call,
                ),
            ),
            Cancel(Tr(N_("bot.back"))),
            state=PastCalls.list,
            getter=calls_data,
        ),
        Window(
            Tr(N_("bot.review.stars")),
            Group(
                Select(
                    Format("{item[label]}"),
                    id="stars",
                    item_id_getter=lambda x: x["n"],
                    items="stars",
                    on_click=on_stars,
                ),
                width=5,
            ),
            SwitchTo(Tr(N_("bot.back")), id="stars_back", state=PastCalls.list),
            state=PastCalls.stars,
            getter=call_data,
        ),
        Window(
            Tr(N_("bot.review.words")),
            TextInput(id="review_text", on_success=on_text),
            Button(Tr(N_("bot.review.skip")), id="skip", on_click=on_skip),
            SwitchTo(Tr(N_("bot.back")), id="text_back", state=PastCalls.stars),
            state=PastCalls.text,
            getter=call_data,
        ),
    )
