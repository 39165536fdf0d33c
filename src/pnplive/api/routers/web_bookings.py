"""Admin web pages for bookings (F-ADM-2): the list (filtered and paged in SQL) and one booking
with its history, its call's joins and leaves, its money, and the forms to cancel with a
refund, move it, or refund it by hand. Every form checks the session's CSRF token first."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from pnplive.api import webui
from pnplive.api.deps import ClockDep, RulesDep, SessionDep, SettingsDep, TimingDep
from pnplive.api.webui import AdminPage
from pnplive.booking import coverage
from pnplive.booking import service as bookings
from pnplive.booking.policy import cancel_preview
from pnplive.booking.queries import (
    BookingFilters,
    history,
    list_bookings,
    performers_by_id,
    users_by_id,
)
from pnplive.booking.states import Status
from pnplive.errors import InvalidInput
from pnplive.kit.i18n import N_
from pnplive.payment import queries as money
from pnplive.payment import refunds
from pnplive.performer import service as performers
from pnplive.performer.queries import admin_list
from pnplive.user import service as users
from pnplive.video.view import call_view

router = APIRouter(include_in_schema=False)
BookingId = Annotated[str, Path(pattern=r"^[0-9a-f]{16}$")]
Csrf = Annotated[str, Form(max_length=128)]

TEXTS = {
    "cancelled": N_("webp.done.cancelled"),
    "rescheduled": N_("webp.done.rescheduled"),
    "refunded": N_("webp.done.refunded"),
    "admin_refund": N_("webp.admin_refund"),
    "policy_would": N_("webp.policy_would"),
    "not_cancellable": N_("webp.not_cancellable"),
    "unknown_member": N_("webp.unknown_member"),
    "conflicts": N_("webp.admin_conflicts"),
    "conflicts_help": N_("webp.admin_conflicts_help"),
}


@router.get("/admin/bookings", response_class=HTMLResponse)
async def bookings_page(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    viewer: AdminPage,
    state: Annotated[str | None, Query(alias="status", max_length=24)] = None,
    performer: Annotated[str | None, Query(alias="performer_id", max_length=12)] = None,
    telegram: Annotated[str | None, Query(alias="member", max_length=65)] = None,
    since: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    until: Annotated[str | None, Query(alias="to", max_length=10)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """Every filter may come empty from the form (no filter)."""
    try:
        status = Status(state) if state else None
    except ValueError as exc:
        raise InvalidInput("no such status", field="status") from exc
    performer_id = webui.optional_int(performer, "performer_id")
    member = (telegram or "").strip()
    start, end = webui.optional_day(since, "from"), webui.optional_day(until, "to")
    zone = webui.zone_name(viewer)
    user_id: int | None = None
    unknown_member = False
    if member:
        found_user = await users.find_one(session, member)
        unknown_member = found_user is None
        user_id = found_user.id if found_user is not None else -1
    found = await list_bookings(
        session,
        BookingFilters(
            user_id=user_id,
            performer_id=performer_id,
            statuses=(status.value,) if status else (),
            start_from=webui.local_day_start(start, zone) if start else None,
            start_to=webui.local_day_start(end + timedelta(days=1), zone) if end else None,
        ),
        now=clock.now(),
        limit=webui.PAGE_SIZE,
        offset=(page - 1) * webui.PAGE_SIZE,
    )
    names = await performers_by_id(session, (b.performer_id for b in found.items))
    people = await users_by_id(session, (b.user_id for b in found.items))
    every = await admin_list(session, status=None, visibility=None, q=None, limit=500, offset=0)
    # Upcoming calls a schedule no longer covers (F-AV-9): moved or cancelled from their page.
    conflicts = await coverage.all_conflicts(session, clock.now(), performer_id)
    query = {
        "status": status.value if status else "",
        "performer_id": performer_id or "",
        "member": member,
        "from": start or "",
        "to": end or "",
    }
    keep = urlencode({k: v for k, v in query.items() if v})
    return webui.render(
        request,
        "web_bookings.html",
        viewer,
        TEXTS,
        items=found.items,
        total=found.total,
        names=names,
        people=people,
        performers=every.items,
        statuses=list(Status),
        query=query,
        keep=keep,
        page=page,
        pages=max(1, -(-found.total // webui.PAGE_SIZE)),
        unknown_member=unknown_member,
        conflicts=conflicts,
    )


@router.get("/admin/bookings/{booking_id}", response_class=HTMLResponse)
async def booking_page(
    booking_id: BookingId,
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    rules: RulesDep,
    timing: TimingDep,
    settings: SettingsDep,
    viewer: AdminPage,
) -> Response:
    now = clock.now()
    b = await bookings.get_booking(session, booking_id)
    paid = b.paid_at is not None
    policy = rules.cancel_policy
    return webui.render(
        request,
        "web_booking.html",
        viewer,
        TEXTS,
        b=b,
        performer=await performers.get(session, b.performer_id),
        member=await users.get(session, b.user_id),
        events=await history(session, b.id),
        call=await call_view(
            session,
            b,
            side=None,
            with_activity=True,
            now=now,
            timing=timing,
            base_url=settings.public_base_url,
        ),
        money_of=await money.of_booking(session, b.id),
        admin_refund=cancel_preview(b.status, paid, policy, "admin", b.amount, now, b.start_at),
        member_refund=cancel_preview(b.status, paid, policy, "user", b.amount, now, b.start_at),
        can_move=b.status == Status.CONFIRMED,
        done=request.query_params.get("done", ""),
    )


@router.post("/admin/bookings/{booking_id}/cancel")
async def cancel_booking(
    booking_id: BookingId,
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    rules: RulesDep,
    viewer: AdminPage,
    csrf: Csrf = "",
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    webui.check_csrf(viewer, csrf)
    b = await bookings.get_booking(session, booking_id, lock=True)
    await refunds.cancel_booking(
        session, b, by=viewer.as_actor(), now=clock.now(), rules=rules, reason=reason.strip()
    )
    return webui.back_to(
        f"/admin/bookings/{booking_id}", webui.language(request, viewer.user), "cancelled"
    )


@router.post("/admin/bookings/{booking_id}/reschedule")
async def reschedule_booking(
    booking_id: BookingId,
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    rules: RulesDep,
    viewer: AdminPage,
    csrf: Csrf = "",
    start: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    webui.check_csrf(viewer, csrf)
    new_start = webui.local_moment(start, webui.zone_name(viewer), "start")
    b = await bookings.get_booking(session, booking_id, lock=True)
    p = await performers.get(session, b.performer_id)
    await bookings.reschedule(
        session, b, p, new_start=new_start, by=viewer.as_actor(), now=clock.now(), rules=rules
    )
    return webui.back_to(
        f"/admin/bookings/{booking_id}", webui.language(request, viewer.user), "rescheduled"
    )


@router.post("/admin/bookings/{booking_id}/refund")
async def refund_booking(
    booking_id: BookingId,
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    viewer: AdminPage,
    csrf: Csrf = "",
    amount: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """A refund by hand of part or all of what is left (the booking keeps its state)."""
    webui.check_csrf(viewer, csrf)
    b = await bookings.get_booking(session, booking_id, lock=True)
    await refunds.refund_booking(
        session,
        b,
        amount=webui.minor_units(amount, b.currency, "amount") if amount.strip() else None,
        reason=reason.strip() or "refunded by an admin",
        requested_by="admin",
        actor_id=viewer.user_id,
        now=clock.now(),
    )
    return webui.back_to(
        f"/admin/bookings/{booking_id}", webui.language(request, viewer.user), "refunded"
    )
