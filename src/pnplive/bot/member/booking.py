"""The booking wizard (F-BK-1, seed 000): performer → duration → day → time → hold → call rules
→ summary → payment method → pay. The confirmation with the join link and the calendar file
comes from the worker once the payment lands (F-NTF-1)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Bot, F
from aiogram.types import CallbackQuery, InputMediaPhoto
from aiogram_dialog import Dialog, DialogManager, ShowMode, Window
from aiogram_dialog.widgets.kbd import (
    Back,
    Button,
    Cancel,
    Column,
    Group,
    ScrollingGroup,
    Select,
    SwitchTo,
    Url,
)
from aiogram_dialog.widgets.text import Format
from babel.dates import format_date

from pnplive.booking import instant
from pnplive.booking import service as bookings
from pnplive.booking.errors import AccessDenied, HoldInProgress, SlotTaken, SlotUnavailable
from pnplive.bot.context import BotContext
from pnplive.bot.states import Book
from pnplive.bot.texts import Tr, lang_of
from pnplive.catalog import offer
from pnplive.catalog import slots as availability
from pnplive.catalog.browse import browse
from pnplive.errors import PnpError
from pnplive.kit.i18n import N_, format_money, format_time, format_when, t
from pnplive.notification import broadcast
from pnplive.payment import service as payments
from pnplive.performer import service as performers
from pnplive.performer.models import Performer, Presence
from pnplive.performer.queries import BrowseFilters, BrowseSort
from pnplive.review import service as reviews
from pnplive.user.access import AccessRule
from pnplive.user.models import User
from pnplive.wording import DENIED, PROVIDER_LABELS

PAGE = 6


def denial_text(code: str) -> str:
    try:
        return DENIED[AccessRule(code)]
    except ValueError:
        return N_("bot.error")


def _ctx(manager: DialogManager) -> tuple[BotContext, User, str]:
    data = manager.middleware_data
    return data["ctx"], data["user"], lang_of(manager)


def _zone(user: User) -> ZoneInfo:
    return ZoneInfo(user.timezone)


async def _performer(ctx: BotContext, performer_id: int) -> Performer:
    async with ctx.db.reading() as session:
        return await performers.get(session, performer_id)


def card_label(p: Performer, lang: str) -> str:
    dot = "🟢 " if p.presence == Presence.ONLINE.value else ""
    rating = f" · ★{p.rating:.1f}" if p.rating is not None else ""
    shortest = offer.durations(p)[0] if offer.durations(p) else p.min_duration
    price = format_money(offer.price(p, shortest), p.currency, lang)
    return f"{dot}{p.display_name}{rating} · {price}/{shortest} min"


# --- getters ---------------------------------------------------------------------------------


async def performers_data(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx, _user, lang = _ctx(dialog_manager)
    online_only = bool(dialog_manager.dialog_data.get("online_only"))
    async with ctx.db.reading() as session:
        page = await browse(
            session,
            BrowseFilters(online=True if online_only else None, sort=BrowseSort.ONLINE),
            now=ctx.clock.now(),
            rules=ctx.rules,
            limit=100,
            offset=0,
        )
    items = [{"id": p.id, "label": card_label(p, lang)} for p in page.items]
    return {"performers": items, "none": not items, "online_only": online_only}


async def profile_data(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx, user, lang = _ctx(dialog_manager)
    p = await _performer(ctx, int(dialog_manager.dialog_data["performer"]))
    async with ctx.db.reading() as session:
        page = await reviews.published(session, p.id, limit=3, offset=0)
        following = p.id in await broadcast.followed(session, user)
    said = "\n".join(
        f"★{r.rating} {name or '—'}: {(r.text or '').strip()[:200]}".rstrip(": ")
        for r, name in page.items
    )
    durations = [
        {"minutes": m, "label": f"{m} min · {format_money(offer.price(p, m), p.currency, lang)}"}
        for m in offer.durations(p)
    ]
    rating = (
        t(lang, N_("bot.profile.rating"), rating=f"{p.rating:.1f}", count=p.rating_count)
        if p.rating is not None
        else t(lang, N_("bot.profile.no_rating"))
    )
    return {
        "name": p.display_name,
        "bio": p.bio or "—",
        "rating": rating,
        "languages": ", ".join(p.languages) or "—",
        "tags": ", ".join(f"#{x}" for x in p.tags) or "—",
        "online": p.presence == Presence.ONLINE.value,
        "durations": durations,
        "reviews": said,
        "has_reviews": bool(said),
        "following": following,
        "not_following": not following,
    }


async def days_data(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx, user, lang = _ctx(dialog_manager)
    p = await _performer(ctx, int(dialog_manager.dialog_data["performer"]))
    minutes = int(dialog_manager.dialog_data["duration"])
    zone = _zone(user)
    async with ctx.db.reading() as session:
        days = await availability.free_days(
            session, p, bookings.slot_rules(p, minutes, ctx.rules), ctx.clock.now(), zone
        )
    items = [
        {"iso": d.isoformat(), "label": format_date(d, "EEE d MMM", locale=lang)} for d in days
    ]
    return {"days": items, "none": not items, "zone": user.timezone, "name": p.display_name}


async def times_data(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx, user, _lang = _ctx(dialog_manager)
    data = dialog_manager.dialog_data
    p = await _performer(ctx, int(data["performer"]))
    minutes = int(data["duration"])
    zone = _zone(user)
    day = date.fromisoformat(str(data["day"]))
    async with ctx.db.reading() as session:
        slots = await availability.free_slots_on(
            session, p, bookings.slot_rules(p, minutes, ctx.rules), ctx.clock.now(), zone, day
        )
    items = [{"iso": s.isoformat(), "label": s.astimezone(zone).strftime("%H:%M")} for s in slots]
    return {
        "times": items,
        "none": not items,
        "zone": user.timezone,
        "taken": bool(data.get("taken")),
        "problem": data.get("problem") or "",
        "has_problem": bool(data.get("problem")),
    }


async def summary_data(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx, user, lang = _ctx(dialog_manager)
    async with ctx.db.reading() as session:
        b = await bookings.get_booking(session, str(dialog_manager.dialog_data["booking"]))
        p = await performers.get(session, b.performer_id)
    return {
        "name": p.display_name,
        "minutes": b.duration_minutes,
        "when": format_when(b.start_at, user.timezone, lang),
        "price": format_money(b.amount, b.currency, lang),
        "hold_until": format_time(b.expires_at or b.start_at, user.timezone, lang),
    }


async def methods_data(dialog_manager: DialogManager, **kwargs: Any) -> dict[str, Any]:
    ctx, _user, lang = _ctx(dialog_manager)
    summary = await summary_data(dialog_manager, **kwargs)
    async with ctx.db.reading() as session:
        b = await bookings.get_booking(session, str(dialog_manager.dialog_data["booking"]))
    offered = ctx.providers.offered(b.currency)
    methods = [{"id": n, "label": t(lang, PROVIDER_LABELS.get(n, n))} for n in offered]
    return {**summary, "methods": methods, "none": not methods}


async def pay_data(dialog_manager: DialogManager, **kwargs: Any) -> dict[str, Any]:
    ctx, user, lang = _ctx(dialog_manager)
    async with ctx.db.reading() as session:
        b = await bookings.get_booking(session, str(dialog_manager.dialog_data["booking"]))
    return {
        "price": format_money(b.amount, b.currency, lang),
        "deadline": format_time(b.expires_at or b.start_at, user.timezone, lang),
        "pay_url": dialog_manager.dialog_data.get("pay_url") or "",
        "has_url": bool(dialog_manager.dialog_data.get("pay_url")),
    }


# --- actions ---------------------------------------------------------------------------------


async def toggle_online(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    manager.dialog_data["online_only"] = not manager.dialog_data.get("online_only")


async def on_performer(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    manager.dialog_data["performer"] = int(item)
    ctx, _user, _lang = _ctx(manager)
    p = await _performer(ctx, int(item))
    if p.photos and callback.message is not None and callback.bot is not None:
        # The gallery first (F-PRF-6), then the profile below it as a new message.
        await send_gallery(callback.bot, callback.message.chat.id, p)
        await manager.switch_to(Book.profile, show_mode=ShowMode.SEND)
        return
    await manager.switch_to(Book.profile)


async def send_gallery(bot: Bot, chat_id: int, p: Performer) -> None:
    """Photos sent in Telegram go by file id, others by their address."""
    media = [ph.file_id or ph.url for ph in p.photos][:10]
    if len(media) == 1:
        await bot.send_photo(chat_id, media[0], caption=p.display_name)
        return
    await bot.send_media_group(
        chat_id,
        [
            InputMediaPhoto(media=m, caption=p.display_name if i == 0 else None)
            for i, m in enumerate(media)
        ],
    )


async def toggle_follow(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    ctx, user, lang = _ctx(manager)
    performer_id = int(manager.dialog_data["performer"])
    async with ctx.db.transaction() as session:
        member = await session.get(User, user.id)
        assert member is not None
        if performer_id in await broadcast.followed(session, member):
            await broadcast.unsubscribe(session, member, performer_id)
            notice = N_("bot.profile.unfollowed")
        else:
            await broadcast.follow(session, member, performer_id, ctx.clock.now())
            notice = N_("bot.profile.followed")
    await callback.answer(t(lang, notice))


async def on_call_now(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    """F-AV-8: a call starting within minutes with a performer who is online and free."""
    ctx, user, lang = _ctx(manager)
    try:
        async with ctx.db.transaction() as session:
            member = await session.get(User, user.id)
            p = await performers.get(session, int(manager.dialog_data["performer"]))
            assert member is not None
            minutes = offer.durations(p)[0]
            booking = await instant.place_instant_hold(
                session,
                user=member,
                performer=p,
                duration=minutes,
                now=ctx.clock.now(),
                rules=ctx.rules,
            )
            public_id = booking.public_id
    except PnpError:
        await callback.answer(t(lang, N_("bot.profile.not_free_now")), show_alert=True)
        return
    manager.dialog_data.update(booking=public_id, duration=minutes)
    await manager.switch_to(Book.rules)


async def on_duration(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    manager.dialog_data["duration"] = int(item)
    await manager.switch_to(Book.day)


async def on_day(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    manager.dialog_data["day"] = item
    manager.dialog_data.pop("taken", None)
    manager.dialog_data.pop("problem", None)
    await manager.switch_to(Book.time)


async def on_time(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    ctx, user, lang = _ctx(manager)
    data = manager.dialog_data
    try:
        async with ctx.db.transaction() as session:
            member = await session.get(User, user.id)
            p = await performers.get(session, int(data["performer"]))
            assert member is not None
            booking = await bookings.place_hold(
                session,
                user=member,
                performer=p,
                start_at=datetime.fromisoformat(item),
                duration=int(data["duration"]),
                now=ctx.clock.now(),
                rules=ctx.rules,
            )
            public_id = booking.public_id
    except (SlotTaken, SlotUnavailable, HoldInProgress):
        # Someone else got there first: say so plainly, and show the times still free.
        data["taken"] = True
        await callback.answer(t(lang, N_("bot.book.taken")), show_alert=True)
        return
    except AccessDenied as exc:
        data["problem"] = t(lang, denial_text(exc.code))
        return
    data["booking"] = public_id
    data.pop("taken", None)
    await manager.switch_to(Book.rules)


async def on_confirm(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    ctx, user, lang = _ctx(manager)
    try:
        async with ctx.db.transaction() as session:
            b = await bookings.get_booking(session, str(manager.dialog_data["booking"]), lock=True)
            await bookings.confirm_hold(
                session, b, now=ctx.clock.now(), rules=ctx.rules, actor_id=user.id
            )
    except SlotTaken:
        manager.dialog_data["taken"] = True
        await callback.answer(t(lang, N_("bot.book.hold_lapsed")), show_alert=True)
        await manager.switch_to(Book.time)
        return
    await manager.switch_to(Book.method)


async def on_method(callback: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    ctx, user, lang = _ctx(manager)
    public_id = str(manager.dialog_data["booking"])
    try:
        payment = await payments.start_checkout(
            ctx.db,
            public_id,
            providers=ctx.providers,
            clock=ctx.clock,
            public_base_url=ctx.base_url,
            provider=item,
            user_id=user.id,
        )
    except PnpError:
        await callback.answer(t(lang, N_("bot.pay.failed")), show_alert=True)
        return
    if payment.invoice and callback.message is not None and callback.bot is not None:
        # Telegram Stars: a native invoice in the chat; pre-checkout and payment come back.
        await callback.bot.send_invoice(chat_id=callback.message.chat.id, **payment.invoice)
        await callback.answer()
        return
    manager.dialog_data["pay_url"] = payment.checkout_url
    await manager.switch_to(Book.pay)


async def adopt(start_data: Any, manager: DialogManager) -> None:
    """Started further in (from "find me a time", with the hold placed): take what it knows."""
    if isinstance(start_data, dict):
        manager.dialog_data.update(start_data)


# --- windows ---------------------------------------------------------------------------------


def dialog() -> Dialog:
    """A fresh dialog (a router can join one dispatcher only)."""
    return Dialog(
        Window(
            Tr(N_("bot.book.choose_performer")),
            Tr(N_("bot.book.nobody"), when="none"),
            ScrollingGroup(
                Select(
                    Format("{item[label]}"),
                    id="perf",
                    item_id_getter=lambda x: x["id"],
                    items="performers",
                    on_click=on_performer,
                ),
                id="perf_page",
                width=1,
                height=PAGE,
                hide_on_single_page=True,
            ),
            Button(
                Tr(N_("bot.book.online_only")),
                id="online",
                on_click=toggle_online,
                when=F["online_only"].is_(False),
            ),
            Button(
                Tr(N_("bot.book.everyone")),
                id="everyone",
                on_click=toggle_online,
                when="online_only",
            ),
            Cancel(Tr(N_("bot.back"))),
            state=Book.performer,
            getter=performers_data,
        ),
        Window(
            Tr(N_("bot.profile.text")),
            Tr(N_("bot.profile.online"), when="online"),
            Tr(N_("bot.profile.reviews"), when="has_reviews"),
            Tr(N_("bot.book.choose_duration")),
            Column(
                Select(
                    Format("{item[label]}"),
                    id="dur",
                    item_id_getter=lambda x: x["minutes"],
                    items="durations",
                    on_click=on_duration,
                ),
            ),
            Button(Tr(N_("bot.profile.call_now")), id="now", on_click=on_call_now, when="online"),
            Button(
                Tr(N_("bot.profile.follow")),
                id="follow",
                on_click=toggle_follow,
                when="not_following",
            ),
            Button(
                Tr(N_("bot.profile.unfollow")),
                id="unfollow",
                on_click=toggle_follow,
                when="following",
            ),
            Back(Tr(N_("bot.back"))),
            state=Book.profile,
            getter=profile_data,
        ),
        Window(
            Tr(N_("bot.book.choose_day")),
            Tr(N_("bot.book.no_days"), when="none"),
            Group(
                Select(
                    Format("{item[label]}"),
                    id="day",
                    item_id_getter=lambda x: x["iso"],
                    items="days",
                    on_click=on_day,
                ),
                width=3,
            ),
            SwitchTo(Tr(N_("bot.back")), id="day_back", state=Book.profile),
            state=Book.day,
            getter=days_data,
        ),
        Window(
            Tr(N_("bot.book.taken_notice"), when="taken"),
            Format("{problem}", when="has_problem"),
            Tr(N_("bot.book.choose_time")),
            Tr(N_("bot.book.no_times"), when="none"),
            Group(
                Select(
                    Format("{item[label]}"),
                    id="time",
                    item_id_getter=lambda x: x["iso"],
                    items="times",
                    on_click=on_time,
                ),
                width=4,
            ),
            SwitchTo(Tr(N_("bot.back")), id="time_back", state=Book.day),
            state=Book.time,
            getter=times_data,
        ),
        Window(
            Tr(N_("bot.rules.text")),
            SwitchTo(Tr(N_("bot.rules.accept")), id="rules_ok", state=Book.summary),
            SwitchTo(Tr(N_("bot.back")), id="rules_back", state=Book.time),
            state=Book.rules,
            getter=summary_data,
        ),
        Window(
            Tr(N_("bot.summary.text")),
            Button(Tr(N_("bot.summary.confirm")), id="confirm", on_click=on_confirm),
            SwitchTo(Tr(N_("bot.back")), id="summary_back", state=Book.rules),
            state=Book.summary,
            getter=summary_data,
        ),
        Window(
            Tr(N_("bot.pay.choose")),
            Tr(N_("bot.pay.none"), when="none"),
            Column(
                Select(
                    Format("{item[label]}"),
                    id="method",
                    item_id_getter=lambda x: x["id"],
                    items="methods",
                    on_click=on_method,
                ),
            ),
            Cancel(Tr(N_("bot.pay.later"))),
            state=Book.method,
            getter=methods_data,
        ),
        Window(
            Tr(N_("bot.pay.text")),
            Url(Tr(N_("bot.pay.open")), Format("{pay_url}"), when="has_url"),
            SwitchTo(Tr(N_("bot.pay.other_method")), id="pay_back", state=Book.method),
            Cancel(Tr(N_("bot.pay.later"))),
            state=Book.pay,
            getter=pay_data,
        ),
        on_start=adopt,
    )
