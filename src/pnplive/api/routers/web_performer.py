"""The performer's web dashboard (F-SLF-2): their week (calls, time offered, blocked and extra
time), blocking a day or adding time with the bookings that change leaves uncovered (F-AV-9),
earnings and balance, payouts, rating, utilisation, clients, and the private calendar feed.

A performer only ever sees and changes their own: the performer comes from the session, never
from the request."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from pnplive.analytics import service as analytics
from pnplive.api import webui
from pnplive.api.deps import ClockDep, SessionDep, SettingsDep
from pnplive.api.webui import PerformerPage
from pnplive.auth.web import Viewer
from pnplive.availability.slots import local_day_bounds
from pnplive.booking import coverage
from pnplive.booking.week import clients, monday_of, performer_week
from pnplive.calendar import service as calendars
from pnplive.earning import service as earning
from pnplive.errors import InvalidInput
from pnplive.kit.i18n import N_
from pnplive.performer.models import Performer

router = APIRouter(include_in_schema=False)
Csrf = Annotated[str, Form(max_length=128)]
ItemId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Note = Annotated[str, Form(max_length=200)]

TEXTS = {
    "week": N_("webp.perf.week"),
    "previous_week": N_("webp.perf.previous_week"),
    "next_week": N_("webp.perf.next_week"),
    "open": N_("webp.perf.open"),
    "blocked": N_("webp.perf.blocked"),
    "extra": N_("webp.perf.extra"),
    "remove": N_("webp.perf.remove"),
    "block_day": N_("webp.perf.block_day"),
    "block_submit": N_("webp.perf.block_submit"),
    "day": N_("webp.perf.day"),
    "add_extra": N_("webp.perf.add_extra"),
    "extra_submit": N_("webp.perf.extra_submit"),
    "start_time": N_("webp.perf.start_time"),
    "end_time": N_("webp.perf.end_time"),
    "note": N_("webp.perf.note"),
    "conflicts": N_("webp.perf.conflicts"),
    "conflicts_help": N_("webp.perf.conflicts_help"),
    "no_conflicts": N_("webp.perf.no_conflicts"),
    "earnings": N_("webp.perf.earnings"),
    "earned": N_("webp.perf.earned"),
    "refunded": N_("webp.perf.refunded"),
    "paid_out": N_("webp.perf.paid_out"),
    "balance": N_("webp.perf.balance"),
    "available": N_("webp.perf.available"),
    "currency": N_("web.money.currency"),
    "payouts": N_("webp.perf.payouts"),
    "method": N_("webp.perf.method"),
    "rating": N_("webp.perf.rating"),
    "reviews": N_("webp.perf.reviews"),
    "utilisation": N_("webp.perf.utilisation"),
    "utilisation_help": N_("webp.perf.utilisation_help"),
    "clients": N_("webp.perf.clients"),
    "calls": N_("webp.perf.calls"),
    "minutes": N_("webp.perf.minutes"),
    "last_call": N_("webp.perf.last_call"),
    "feed": N_("webp.perf.feed"),
    "feed_help": N_("webp.perf.feed_help"),
    "rotate": N_("webp.perf.rotate"),
    "blocked_done": N_("webp.perf.done.blocked"),
    "extra_done": N_("webp.perf.done.extra"),
    "removed_done": N_("webp.perf.done.removed"),
    "rotated_done": N_("webp.perf.done.rotated"),
}
UTILISATION_DAYS = 30


def _me(viewer: Viewer) -> Performer:
    assert viewer.performer is not None  # PerformerPage guarantees it
    return viewer.performer


def _week(value: str | None, today: date) -> date:
    day = webui.optional_day(value, "week")
    return monday_of(day or today)


@router.get("/performer", response_class=HTMLResponse)
async def dashboard(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    viewer: PerformerPage,
    week: Annotated[str | None, Query(max_length=10)] = None,
) -> Response:
    p, now = _me(viewer), clock.now()
    zone = ZoneInfo(p.timezone)
    today = now.astimezone(zone).date()
    first = _week(week, today)
    recent = analytics.Scope(
        local_day_bounds(zone, today - timedelta(days=UTILISATION_DAYS - 1)).start,
        local_day_bounds(zone, today).end,
        p.id,
    )
    feed = calendars.feed_url(settings.public_base_url, await calendars.feed_token(session, p, now))
    done = request.query_params.get("done", "")
    return webui.render(
        request,
        "web_performer.html",
        viewer,
        TEXTS,
        me=p,
        week=await performer_week(session, p, first),
        today=today,
        previous=first - timedelta(days=7),
        following=first + timedelta(days=7),
        conflicts=await coverage.conflicts(session, p, now),
        balances=await earning.balances(session, p.id),
        payouts=await earning.payouts(session, p.id),
        utilisation=(await analytics.utilisation(session, recent)).rate,
        utilisation_days=UTILISATION_DAYS,
        rating=round(p.rating_sum / p.rating_count, 2) if p.rating_count else None,
        clients=await clients(session, p.id),
        feed=feed,
        done=f"{done}_done" if done else "",
        clock_time=lambda moment: moment.astimezone(zone).strftime("%H:%M"),
        # An end at midnight closes the day: 24:00, not 00:00.
        clock_end=lambda moment: (
            moment.astimezone(zone).strftime("%H:%M").replace("00:00", "24:00")
        ),
    )


def _back(request: Request, viewer: Viewer, day: date, note: str) -> Response:
    lang = webui.language(request, viewer.user)
    return webui.back_to(f"/performer?week={monday_of(day)}", lang, note)


def _local(day: date, at: str, zone: str, field: str) -> datetime:
    try:
        clock_time = time.fromisoformat(at)
    except ValueError as exc:
        raise InvalidInput("not a time (HH:MM)", field=field) from exc
    return datetime.combine(day, clock_time, tzinfo=ZoneInfo(zone))


def _required_day(value: str) -> date:
    day = webui.optional_day(value, "day")
    if day is None:
        raise InvalidInput("choose a day", field="day")
    return day


@router.post("/performer/blocked")
async def block_day(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    viewer: PerformerPage,
    csrf: Csrf = "",
    day: Annotated[str, Form(max_length=10)] = "",
    note: Note = "",
) -> Response:
    """Block a whole local day; the dashboard then lists the bookings it leaves uncovered."""
    webui.check_csrf(viewer, csrf)
    p, when = _me(viewer), _required_day(day)
    bounds = local_day_bounds(ZoneInfo(p.timezone), when)
    await coverage.block(session, p, bounds.start, bounds.end, note.strip(), clock.now())
    return _back(request, viewer, when, "blocked")


@router.post("/performer/extra")
async def add_extra(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    viewer: PerformerPage,
    csrf: Csrf = "",
    day: Annotated[str, Form(max_length=10)] = "",
    start: Annotated[str, Form(max_length=5)] = "",
    end: Annotated[str, Form(max_length=5)] = "",
    note: Note = "",
) -> Response:
    webui.check_csrf(viewer, csrf)
    p, when = _me(viewer), _required_day(day)
    lo = _local(when, start, p.timezone, "start")
    hi = (
        _local(when, end, p.timezone, "end")
        if end != "00:00"
        else _local(when + timedelta(days=1), end, p.timezone, "end")
    )
    await coverage.add_extra(session, p, lo, hi, note.strip(), clock.now())
    return _back(request, viewer, when, "extra")


@router.post("/performer/blocked/{item_id}/remove")
async def remove_blocked(
    item_id: ItemId,
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    viewer: PerformerPage,
    csrf: Csrf = "",
    week: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    webui.check_csrf(viewer, csrf)
    await coverage.unblock(session, _me(viewer), item_id, clock.now())
    return _back(request, viewer, _week(week, clock.now().date()), "removed")


@router.post("/performer/extra/{item_id}/remove")
async def remove_extra(
    item_id: ItemId,
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    viewer: PerformerPage,
    csrf: Csrf = "",
    week: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    webui.check_csrf(viewer, csrf)
    await coverage.remove_extra(session, _me(viewer), item_id, clock.now())
    return _back(request, viewer, _week(week, clock.now().date()), "removed")


@router.post("/performer/feed/rotate")
async def rotate_feed(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    viewer: PerformerPage,
    csrf: Csrf = "",
) -> Response:
    """A new private feed URL; the old one stops working."""
    webui.check_csrf(viewer, csrf)
    await calendars.feed_token(session, _me(viewer), clock.now(), rotate=True)
    return _back(request, viewer, clock.now().date(), "rotated")
