"""The call's front door: join links (``/j/<token>``), the video providers' webhooks, and the
calendar files (a booking's ``.ics`` and a performer's private feed). F-BK-8, F-UX-5."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from pnplive.api import schemas as s
from pnplive.api.common import errors
from pnplive.api.deps import (
    ClockDep,
    PerformerDep,
    PrincipalDep,
    SessionDep,
    TimingDep,
    get_clock,
    get_db,
    get_settings_dep,
    get_video_provider,
)
from pnplive.api.routers.bookings import BookingId, accessible
from pnplive.calendar import service as calendars
from pnplive.kit.i18n import N_, format_when, t
from pnplive.video import joins
from pnplive.video.joins import Entry, JoinDecision, JoinLinkNotFound
from pnplive.video.models import Side
from pnplive.video.providers import registry as video_registry

router = APIRouter(tags=["calls"])
# Providers post from a few addresses in bursts: mounted with the webhooks' own rate limit.
webhooks_router = APIRouter(tags=["calls"])
templates = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))

ICS = "text/calendar; charset=utf-8"
# A room being opened is usually ready within seconds.
PREPARING_REFRESH_SECONDS = 5

MESSAGES = {
    Entry.TOO_EARLY: N_("join.too_early"),
    Entry.PREPARING: N_("join.preparing"),
    Entry.OVER: N_("join.over"),
}


def _page(request: Request, decision: JoinDecision, status_code: int) -> HTMLResponse:
    lang = decision.language
    starts = format_when(decision.start, decision.zone, lang)
    opens = format_when(decision.opens, decision.zone, lang)
    return templates.TemplateResponse(
        request,
        "join.html",
        {
            "lang": lang,
            "entry": decision.entry.value,
            "title": t(lang, N_("join.title"), name=decision.performer_name),
            "starts": t(lang, N_("join.starts"), when=starts),
            "message": t(lang, MESSAGES[decision.entry], when=opens),
            "refresh": PREPARING_REFRESH_SECONDS if decision.entry is Entry.PREPARING else None,
        },
        status_code=status_code,
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


@router.get(
    "/j/{token}",
    response_class=HTMLResponse,
    summary="Join a call (one link per participant)",
    description="Inside the window: records the join and redirects to the room. Before it: a "
    "page saying when the room opens, in the reader's zone. After the call or a cancellation: "
    "a page saying so, no redirect. Unknown link: 404.",
    responses={302: {"description": "To the room."}, 404: {"description": "Unknown link."}},
)
async def join(
    token: Annotated[str, PathParam(max_length=128)],
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    timing: TimingDep,
) -> Response:
    lang = request.headers.get("accept-language")
    try:
        decision = await joins.use_link(session, token, clock.now(), timing)
    except JoinLinkNotFound:
        return templates.TemplateResponse(
            request,
            "join.html",
            {
                "lang": "en",
                "entry": "not_found",
                "title": t(lang, N_("join.not_found.title")),
                "starts": None,
                "message": t(lang, N_("join.not_found")),
                "refresh": None,
            },
            status_code=404,
            headers={"Cache-Control": "no-store"},
        )
    if decision.entry is Entry.ENTER and decision.room_url is not None:
        return RedirectResponse(
            decision.room_url,
            status_code=302,
            headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
        )
    return _page(request, decision, 410 if decision.entry is Entry.OVER else 200)


@webhooks_router.post(
    "/webhooks/video/{provider}",
    response_model=s.VideoWebhookAck,
    summary="Video provider webhook (jaas, daily): joins, leaves, the room's end",
    responses=errors(400, 401, 404, 429),
)
async def video_webhook(
    provider: Annotated[str, PathParam(pattern=r"^[a-z_]{2,24}$")], request: Request
) -> Any:
    body = await request.body()
    video = get_video_provider(request)
    if provider != video.name or not video.has_webhooks:
        # Rooms opened before a switch of provider still report to the earlier one's route.
        video = video_registry.by_name(provider, request.app.state.video_settings)
    clock = get_clock(request)
    events = video.parse_webhook(dict(request.headers), body, clock.now())
    timing = request.app.state.call_timing

    async def work(session: Any) -> int:
        return await joins.apply_events(session, provider, events, clock.now(), timing)

    recorded = await get_db(request).run(work)
    return s.VideoWebhookAck(received=len(events), recorded=recorded)


@router.get(
    "/api/bookings/{booking_id}/calendar.ics",
    response_class=Response,
    summary="The booking as a calendar file (its member, its performer, admins)",
    responses={200: {"content": {ICS: {}}}, **errors(401, 403, 404, 422, 429)},
)
async def booking_ics(
    booking_id: BookingId,
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    clock: ClockDep,
) -> Response:
    b, rel = await accessible(session, principal, booking_id)
    # Admins get the performer's view without anyone's join link.
    side = Side.MEMBER if rel == "user" else Side.PERFORMER
    data = await calendars.booking_calendar(
        session,
        b,
        side,
        get_settings_dep(request).public_base_url,
        clock.now(),
        with_link=rel != "admin",
    )
    return Response(
        data,
        media_type=ICS,
        headers={"Content-Disposition": f'attachment; filename="pnp-live-{b.public_id}.ics"'},
    )


@router.get(
    "/calendar/{token}.ics",
    response_class=Response,
    summary="A performer's private calendar feed (subscribe from a calendar app)",
    responses={200: {"content": {ICS: {}}}, 404: {"description": "Unknown or revoked feed."}},
)
async def performer_feed(
    token: Annotated[str, PathParam(max_length=128)],
    request: Request,
    session: SessionDep,
    clock: ClockDep,
) -> Response:
    data = await calendars.performer_feed(
        session, token, get_settings_dep(request).public_base_url, clock.now()
    )
    return Response(data, media_type=ICS, headers={"Cache-Control": "private, max-age=300"})


@router.get(
    "/api/models/me/calendar",
    response_model=s.CalendarFeedOut,
    summary="My private calendar feed URL",
    responses=errors(401, 403, 429),
)
async def my_feed(
    request: Request, session: SessionDep, principal: PerformerDep, clock: ClockDep
) -> s.CalendarFeedOut:
    assert principal.performer is not None
    token = await calendars.feed_token(session, principal.performer, clock.now())
    return s.CalendarFeedOut(
        url=calendars.feed_url(get_settings_dep(request).public_base_url, token)
    )


@router.post(
    "/api/models/me/calendar/rotate",
    response_model=s.CalendarFeedOut,
    summary="Revoke my calendar feed URL and get a new one",
    responses=errors(401, 403, 429),
)
async def rotate_feed(
    request: Request, session: SessionDep, principal: PerformerDep, clock: ClockDep
) -> s.CalendarFeedOut:
    assert principal.performer is not None
    token = await calendars.feed_token(session, principal.performer, clock.now(), rotate=True)
    return s.CalendarFeedOut(
        url=calendars.feed_url(get_settings_dep(request).public_base_url, token)
    )
