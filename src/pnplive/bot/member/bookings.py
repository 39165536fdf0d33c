"""The member's bookings (F-BK-5, F-BK-6, F-BK-7): the list, one booking with its join link
when due and its calendar file, cancelling with the refund the policy gives shown first, and
moving it to another free time before the cutoff."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.types import BufferedInputFile, CallbackQuery
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.kbd import (
    Button,
    Cancel,
    Column,
    Group,
    ScrollingGroup,
    Select,
    Start,
    SwitchTo,
    Url,
)
from aiogram_dialog.widgets.text import Format
from babel.dates import format_date

from pnplive.availability.slots import SlotRules
from pnplive.booking import proposals
from pnplive.booking import service as bookings
from pnplive.booking.access import may_reschedule
from pnplive.booking.errors import (
    CancelNotAllowed,
    RescheduleNotAllowed,
    SlotTaken,
    SlotUnavailable,
)
from pnplive.booking.policy import cancel_preview
from pnplive.booking.queries import BookingFilters, When, list_bookings, performers_by_id
from pnplive.bot.context import BotContext
from pnplive.bot.refusals import refusal
from pnplive.bot.states import MyBookings, PastCalls
from pnplive.bot.texts import Tr, lang_of
from pnplive.calendar import service as calendars
from pnplive.catalog import slots as availability
from pnplive.errors import PnpError
from pnplive.kit.actor import Actor
from pnplive.kit.i18n import N_, format_money, format_when, t
from pnplive.payment import refunds
from pnplive.performer import service as performers
from pnplive.performer.models import Performer
from pnplive.user.models import User
from pnplive.video.models import Side
from pnplive.video.view import call_view

STATUS = {
    "held": N_("bot.status.held"),
    "pending_payment": N_("bot.status.pending_payment"),
    "confirmed": N_("bot.status.confirmed"),
    "live": N_("bot.status.live"),
}


def _ctx(manager: DialogManager) -> tuple[BotContext, User, str]:
    data = manager.middleware_data
    return data["ctx"], data["user"], lang_of(manager)


async def list_data(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx, user, lang = _ctx(dialog_manager)
    async with ctx.db.reading() as session:
        found = await list_bookings(
            session,
            BookingFilters(user_id=user.id, statuses=tuple(STATUS), when=When.UPCOMING),
            now=ctx.clock.now(),
            limit=50,
            offset=0,
        )
        names = await performers_by_id(session, (b.performer_id for b in found.items))
    items = [
        {
            "id": b.public_id,
            "label": f"{format_when(b.start_at, user.timezone, lang)} · "
            f"{names[b.performer_id].display_name} · {t(lang, STATUS.get(b.status, b.status))}",
        }
        for b in found.items
    ]
    return {"bookings": items, "none": not items}


async def detail_data(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx, user, lang = _ctx(dialog_manager)
    now = ctx.clock.now()
    async with ctx.db.reading() as session:
        b = await bookings.get_booking(session, str(dialog_manager.dialog_data["booking"]))
        names = await performers_by_id(session, [b.performer_id])
        view = await call_view(
            session,
            b,
            side=Side.MEMBER,
            with_activity=False,
            now=now,
            timing=ctx.timing,
            base_url=ctx.base_url,
        )
        proposal = await proposals.open_proposal(session, b, now)
    refund = cancel_preview(
        b.status, b.paid_at is not None, ctx.rules.cancel_policy, "user", b.amount, now, b.start_at
    )
    try:
        may_reschedule(
            Actor.member(user.id), b, now=now, cutoff_hours=ctx.rules.cancel_policy.cutoff_hours
        )
        can_move = True
    except PnpError:
        can_move = False
    return {
        "proposed": proposal is not None,
        "new_when": (
            format_when(proposal.new_start, user.timezone, lang) if proposal is not None else ""
        ),
        "name": names[b.performer_id].display_name,
        "when": format_when(b.start_at, user.timezone, lang),
        "minutes": b.duration_minutes,
        "price": format_money(b.amount, b.currency, lang),
        "status": t(lang, STATUS.get(b.status, b.status)),
        "join_url": view.join_url if view and view.join_url else "",
        "can_join": bool(view and view.join_url),
        "join_later": bool(view and not view.join_url),
        "opens": format_when(view.opens_at, user.timezone, lang) if view else "",
        "has_calendar": b.status in ("confirmed", "live"),
        "can_cancel": refund.allowed,
        "refund": format_money(refund.amount, b.currency, lang),
        "cannot_cancel": not refund.allowed,
        "can_move": can_move,
    }


async def on_booking(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    manager.dialog_data["booking"] = item
    await manager.switch_to(MyBookings.detail)


async def on_calendar(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    ctx, _user, lang = _ctx(manager)
    public_id = str(manager.dialog_data["booking"])
    async with ctx.db.reading() as session:
        b = await bookings.get_booking(session, public_id)
        data = await calendars.booking_calendar(
            session, b, Side.MEMBER, ctx.base_url, ctx.clock.now()
        )
    if callback.message is not None and callback.bot is not None:
        await callback.bot.send_document(
            callback.message.chat.id,
            BufferedInputFile(data, filename=f"pnp-live-{public_id}.ics"),
            caption=t(lang, N_("bot.bookings.calendar_caption")),
        )
    await callback.answer()


async def on_cancel(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    ctx, user, lang = _ctx(manager)
    try:
        async with ctx.db.transaction() as session:
            b = await bookings.get_booking(session, str(manager.dialog_data["booking"]), lock=True)
            if b.user_id != user.id:
                raise CancelNotAllowed("not your booking")
            result = await refunds.cancel_booking(
                session, b, by=Actor.member(user.id), now=ctx.clock.now(), rules=ctx.rules
            )
            amount = result.refund.amount if result.refund is not None else 0
            currency = b.currency
    except PnpError:
        await callback.answer(t(lang, N_("bot.bookings.cancel_refused")), show_alert=True)
        await manager.switch_to(MyBookings.detail)
        return
    await callback.answer(
        t(lang, N_("bot.bookings.cancelled"), refund=format_money(amount, currency, lang)),
        show_alert=True,
    )
    await manager.switch_to(MyBookings.list)


# --- moving a booking (F-BK-6) ------------------------------------------------------------


async def _slot_rules_of(ctx: BotContext, public_id: str) -> tuple[Performer, SlotRules]:
    async with ctx.db.reading() as session:
        b = await bookings.get_booking(session, public_id)
        p = await performers.get(session, b.performer_id)
    return p, bookings.slot_rules(p, b.duration_minutes, ctx.rules)


async def move_days_data(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx, user, lang = _ctx(dialog_manager)
    p, rules = await _slot_rules_of(ctx, str(dialog_manager.dialog_data["booking"]))
    async with ctx.db.reading() as session:
        days = await availability.free_days(
            session, p, rules, ctx.clock.now(), ZoneInfo(user.timezone)
        )
    items = [
        {"iso": d.isoformat(), "label": format_date(d, "EEE d MMM", locale=lang)} for d in days
    ]
    return {"days": items, "none": not items, "zone": user.timezone, "name": p.display_name}


async def move_times_data(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx, user, _lang = _ctx(dialog_manager)
    data = dialog_manager.dialog_data
    p, rules = await _slot_rules_of(ctx, str(data["booking"]))
    zone = ZoneInfo(user.timezone)
    async with ctx.db.reading() as session:
        slots = await availability.free_slots_on(
            session, p, rules, ctx.clock.now(), zone, date.fromisoformat(str(data["move_day"]))
        )
    items = [{"iso": s.isoformat(), "label": s.astimezone(zone).strftime("%H:%M")} for s in slots]
    return {
        "times": items,
        "none": not items,
        "zone": user.timezone,
        "taken": bool(data.get("taken")),
    }


async def move_confirm_data(dialog_manager: DialogManager, **kwargs: Any) -> dict[str, Any]:
    _context, user, lang = _ctx(dialog_manager)
    shown = await detail_data(dialog_manager, **kwargs)
    new_start = datetime.fromisoformat(str(dialog_manager.dialog_data["move_to"]))
    return {**shown, "new_when": format_when(new_start, user.timezone, lang)}


async def on_move_day(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    manager.dialog_data["move_day"] = item
    manager.dialog_data.pop("taken", None)
    await manager.switch_to(MyBookings.move_time)


async def on_move_time(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    manager.dialog_data["move_to"] = item
    await manager.switch_to(MyBookings.move_confirm)


async def on_move(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    ctx, user, lang = _ctx(manager)
    data = manager.dialog_data
    new_start = datetime.fromisoformat(str(data["move_to"]))
    try:
        async with ctx.db.transaction() as session:
            b = await bookings.get_booking(session, str(data["booking"]), lock=True)
            p = await performers.get(session, b.performer_id)
            await bookings.reschedule(
                session,
                b,
                p,
                new_start=new_start,
                by=Actor.member(user.id),
                now=ctx.clock.now(),
                rules=ctx.rules,
            )
    except (SlotTaken, SlotUnavailable):
        # Taken meanwhile: say so plainly, and show the times still free that day.
        data["taken"] = True
        await callback.answer(t(lang, N_("bot.bookings.move_taken")), show_alert=True)
        await manager.switch_to(MyBookings.move_time)
        return
    except (RescheduleNotAllowed, PnpError) as exc:
        await callback.answer(
            t(lang, N_("bot.bookings.move_refused"), reason=refusal(lang, exc)), show_alert=True
        )
        await manager.switch_to(MyBookings.detail)
        return
    await callback.answer(
        t(lang, N_("bot.bookings.moved"), when=format_when(new_start, user.timezone, lang)),
        show_alert=True,
    )
    await manager.switch_to(MyBookings.detail)


async def _answer(callback: CallbackQuery, manager: DialogManager, accept: bool) -> None:
    """The member's answer to the performer's proposed time (F-BK-6)."""
    ctx, user, lang = _ctx(manager)
    try:
        async with ctx.db.transaction() as session:
            done = await proposals.answer(
                session,
                str(manager.dialog_data["booking"]),
                user.id,
                accept,
                now=ctx.clock.now(),
                rules=ctx.rules,
            )
            new_start = done.booking.start_at
    except (SlotTaken, SlotUnavailable):
        said = t(lang, N_("bot.proposal.taken"))
    except proposals.NoOpenProposal:
        said = t(lang, N_("bot.proposal.gone"))
    except PnpError as exc:
        said = refusal(lang, exc)
    else:
        said = (
            t(lang, N_("bot.proposal.accepted"), when=format_when(new_start, user.timezone, lang))
            if accept
            else t(lang, N_("bot.proposal.declined"))
        )
    await callback.answer(said, show_alert=True)
    await manager.switch_to(MyBookings.detail)


async def on_accept_proposal(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    await _answer(callback, manager, True)


async def on_decline_proposal(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    await _answer(callback, manager, False)


def dialog() -> Dialog:
    """A fresh dialog (a router can join one dispatcher only)."""
    return Dialog(
        Window(
            Tr(N_("bot.bookings.title")),
            Tr(N_("bot.bookings.none"), when="none"),
            ScrollingGroup(
                Select(
                    Format("{item[label]}"),
                    id="bk",
                    item_id_getter=lambda x: x["id"],
                    items="bookings",
                    on_click=on_booking,
                ),
                id="bk_page",
                width=1,
                height=6,
                hide_on_single_page=True,
            ),
            Start(Tr(N_("bot.bookings.past")), id="past", state=PastCalls.list),
            Cancel(Tr(N_("bot.back"))),
            state=MyBookings.list,
            getter=list_data,
        ),
        Window(
            Tr(N_("bot.bookings.detail")),
            Tr(N_("bot.bookings.join_later"), when="join_later"),
            Tr(N_("bot.proposal.shown"), when="proposed"),
            Column(
                Button(
                    Tr(N_("bot.proposal.accept")),
                    id="prop_yes",
                    on_click=on_accept_proposal,
                    when="proposed",
                ),
                Button(
                    Tr(N_("bot.proposal.decline")),
                    id="prop_no",
                    on_click=on_decline_proposal,
                    when="proposed",
                ),
                Url(Tr(N_("bot.bookings.join")), Format("{join_url}"), when="can_join"),
                Button(
                    Tr(N_("bot.bookings.calendar")),
                    id="ics",
                    on_click=on_calendar,
                    when="has_calendar",
                ),
                SwitchTo(
                    Tr(N_("bot.bookings.move")),
                    id="move",
                    state=MyBookings.move_day,
                    when="can_move",
                ),
                SwitchTo(
                    Tr(N_("bot.bookings.cancel")),
                    id="cancel",
                    state=MyBookings.cancel,
                    when="can_cancel",
                ),
                SwitchTo(Tr(N_("bot.back")), id="detail_back", state=MyBookings.list),
            ),
            state=MyBookings.detail,
            getter=detail_data,
        ),
        Window(
            Tr(N_("bot.bookings.cancel_confirm")),
            Button(Tr(N_("bot.bookings.cancel_yes")), id="cancel_yes", on_click=on_cancel),
            SwitchTo(Tr(N_("bot.bookings.cancel_no")), id="cancel_no", state=MyBookings.detail),
            state=MyBookings.cancel,
            getter=detail_data,
        ),
        Window(
            Tr(N_("bot.bookings.move_days")),
            Tr(N_("bot.bookings.move_no_days"), when="none"),
            Group(
                Select(
                    Format("{item[label]}"),
                    id="mday",
                    item_id_getter=lambda x: x["iso"],
                    items="days",
                    on_click=on_move_day,
                ),
                width=3,
            ),
            SwitchTo(Tr(N_("bot.back")), id="mday_back", state=MyBookings.detail),
            state=MyBookings.move_day,
            getter=move_days_data,
        ),
        Window(
            Tr(N_("bot.bookings.move_times")),
            Tr(N_("bot.bookings.move_taken"), when="taken"),
            Tr(N_("bot.bookings.move_no_times"), when="none"),
            Group(
                Select(
                    Format("{item[label]}"),
                    id="mtime",
                    item_id_getter=lambda x: x["iso"],
                    items="times",
                    on_click=on_move_time,
                ),
                width=4,
            ),
            SwitchTo(Tr(N_("bot.back")), id="mtime_back", state=MyBookings.move_day),
            state=MyBookings.move_time,
            getter=move_times_data,
        ),
        Window(
            Tr(N_("bot.bookings.move_confirm")),
            Button(Tr(N_("bot.bookings.move_yes")), id="move_yes", on_click=on_move),
            SwitchTo(Tr(N_("bot.back")), id="move_no", state=MyBookings.move_time),
            state=MyBookings.move_confirm,
            getter=move_confirm_data,
        ),
    )
