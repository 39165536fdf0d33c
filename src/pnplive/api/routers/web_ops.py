"""Admin web pages for running the business (F-ADM-1/2/5, F-PAY-4/7, F-WRK-1): performers
(list, create with the bot wizard's steps, edit, deactivate), payments and refunds owed by hand,
payouts and balances, roles (superadmins), failed jobs, broadcast progress.

Every form checks the session's CSRF token before anything changes; every rule is the domain
service's, as for the JSON API."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError

from pnplive.analytics.exports import major
from pnplive.api import webui
from pnplive.api.deps import ClockDep, SessionDep
from pnplive.api.webui import AdminPage, SuperadminPage
from pnplive.auth.web import Viewer
from pnplive.availability import editing
from pnplive.booking import coverage
from pnplive.earning import service as earning
from pnplive.errors import InvalidInput, NotFound
from pnplive.kit.i18n import N_
from pnplive.kit.money import CURRENCY_EXPONENT, parse_amount
from pnplive.notification import broadcast
from pnplive.payment import queries as money
from pnplive.payment import refunds
from pnplive.performer import accounts
from pnplive.performer import service as performers
from pnplive.performer.directory import MemberFilters, find_members
from pnplive.performer.models import Lifecycle, Visibility
from pnplive.performer.queries import admin_list
from pnplive.performer.schemas import PerformerCreate, PerformerUpdate, WeeklyRuleIn
from pnplive.user import membership
from pnplive.user import service as users
from pnplive.worker import dead

router = APIRouter(include_in_schema=False)
M = TypeVar("M", bound=BaseModel)
Csrf = Annotated[str, Form(max_length=128)]
PerformerId = Annotated[int, Path(ge=1, le=2**31 - 1)]
JobId = Annotated[int, Path(ge=1, le=2**31 - 1)]
RefundId = Annotated[str, Path(pattern=r"^re_[0-9a-f]{24}$")]
Text = Annotated[str, Form(max_length=500)]
Page = Annotated[int, Query(ge=1, le=100_000)]

TEXTS = {
    "performers": N_("webp.nav.performers"),
    "new_performer": N_("webp.ops.new_performer"),
    "new_help": N_("webp.ops.new_help"),
    "username": N_("webp.ops.username"),
    "display_name": N_("webp.ops.display_name"),
    "bio": N_("webp.ops.bio"),
    "price": N_("webp.ops.price"),
    "currency": N_("web.money.currency"),
    "min_duration": N_("webp.ops.min_duration"),
    "max_duration": N_("webp.ops.max_duration"),
    "photo": N_("webp.ops.photo"),
    "photos": N_("webp.ops.photos"),
    "hours_from": N_("webp.ops.hours_from"),
    "hours_to": N_("webp.ops.hours_to"),
    "timezone": N_("webp.ops.timezone"),
    "create": N_("webp.ops.create"),
    "save": N_("webp.ops.save"),
    "edit": N_("webp.ops.edit"),
    "visibility": N_("webp.ops.visibility"),
    "lifecycle": N_("webp.status"),
    "buffer_before": N_("webp.ops.buffer_before"),
    "buffer_after": N_("webp.ops.buffer_after"),
    "deactivate": N_("webp.ops.deactivate"),
    "search": N_("webp.ops.search"),
    "saved": N_("webp.ops.done.saved"),
    "schedule": N_("webp.ops.schedule"),
    "schedule_help": N_("webp.ops.schedule_help"),
    "schedule_saved": N_("webp.ops.done.schedule"),
    "weekdays": N_("web.weekdays"),
    "conflicts": N_("webp.admin_conflicts"),
    "conflicts_help": N_("webp.admin_conflicts_help"),
    "created_done": N_("webp.ops.done.created"),
    "deactivated": N_("webp.ops.done.deactivated"),
    "flagged": N_("webp.ops.flagged"),
    "owed_by_hand": N_("webp.ops.owed_by_hand"),
    "reference": N_("webp.ops.reference"),
    "mark_done": N_("webp.ops.mark_done"),
    "retry": N_("webp.ops.retry"),
    "refund_done": N_("webp.ops.done.refund_done"),
    "refund_retried": N_("webp.ops.done.refund_retried"),
    "balances": N_("webp.ops.balances"),
    "record_payout": N_("webp.ops.record_payout"),
    "method": N_("webp.perf.method"),
    "note": N_("webp.perf.note"),
    "payout_history": N_("webp.ops.payout_history"),
    "payout_done": N_("webp.ops.done.payout"),
    "earned": N_("webp.perf.earned"),
    "paid_out": N_("webp.perf.paid_out"),
    "balance": N_("webp.perf.balance"),
    "available": N_("webp.perf.available"),
    "roles": N_("webp.nav.roles"),
    "role": N_("webp.ops.role"),
    "grant": N_("webp.ops.grant"),
    "revoke": N_("webp.ops.revoke"),
    "telegram_id": N_("webp.telegram_id"),
    "role_done": N_("webp.ops.done.role"),
    "jobs": N_("webp.nav.jobs"),
    "kind": N_("webp.ops.kind"),
    "attempts": N_("webp.ops.attempts"),
    "error": N_("webp.ops.error"),
    "job_retried": N_("webp.ops.done.job"),
    "broadcasts": N_("webp.nav.broadcasts"),
    "total": N_("webp.ops.total"),
    "pending": N_("webp.ops.pending"),
    "sent": N_("webp.ops.sent"),
    "failed": N_("webp.ops.failed"),
    "unreachable": N_("webp.ops.unreachable"),
    "finished": N_("webp.ops.finished"),
}


def _valid(model: type[M], data: dict[str, Any]) -> M:
    """The schema's answer as a clear 422 (the same checks as the API and the bot wizard)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise InvalidInput(f"{where}: {first.get('msg', 'not valid')}", field=where) from exc


def _price(value: str, currency: str) -> int:
    try:
        return parse_amount(value, currency)
    except ValueError as exc:
        raise InvalidInput("not a price in this currency", field="price") from exc


def _back(request: Request, viewer: Viewer, path: str, note: str) -> Response:
    return webui.back_to(path, webui.language(request, viewer.user), note)


# --- performers ------------------------------------------------------------------------------


@router.get("/admin/performers", response_class=HTMLResponse)
async def performers_page(
    request: Request,
    session: SessionDep,
    viewer: AdminPage,
    q: Annotated[str | None, Query(max_length=64)] = None,
    page: Page = 1,
) -> Response:
    found = await admin_list(
        session,
        status=None,
        visibility=None,
        q=q or None,
        limit=webui.PAGE_SIZE,
        offset=(page - 1) * webui.PAGE_SIZE,
    )
    return webui.render(
        request,
        "web_performers.html",
        viewer,
        TEXTS,
        items=found.items,
        total=found.total,
        q=q or "",
        page=page,
        pages=max(1, -(-found.total // webui.PAGE_SIZE)),
        currencies=sorted(CURRENCY_EXPONENT),
        done=request.query_params.get("done", ""),
    )


@router.post("/admin/performers")
async def create_performer(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    viewer: AdminPage,
    csrf: Csrf = "",
    username: Annotated[str, Form(max_length=64)] = "",
    display_name: Annotated[str, Form(max_length=128)] = "",
    bio: Text = "",
    price: Annotated[str, Form(max_length=20)] = "",
    currency: Annotated[str, Form(max_length=4)] = "USD",
    min_duration: Annotated[int, Form(ge=15, le=240)] = 15,
    max_duration: Annotated[int, Form(ge=15, le=240)] = 60,
    photo: Text = "",
    hours_from: Annotated[str, Form(max_length=5)] = "",
    hours_to: Annotated[str, Form(max_length=5)] = "",
    timezone: Annotated[str, Form(max_length=64)] = "UTC",
) -> Response:
    """The bot wizard's steps in one form: username, name, bio, price, call lengths, a photo,
    daily hours in a zone."""
    webui.check_csrf(viewer, csrf)
    code = currency.strip().upper()
    if code not in CURRENCY_EXPONENT:
        raise InvalidInput("unsupported currency", field="currency")
    data: dict[str, Any] = {
        "username": username.strip(),
        "display_name": display_name.strip(),
        "bio": bio.strip(),
        "price_per_minute": _price(price, code),
        "currency": code,
        "timezone": timezone.strip() or "UTC",
        "min_duration": min_duration,
        "max_duration": max_duration,
    }
    if photo.strip():
        data["photos"] = [{"url": photo.strip()}]
    body = _valid(PerformerCreate, data)
    week = [
        _valid(WeeklyRuleIn, {"weekday": d, "start": hours_from, "end": hours_to}) for d in range(7)
    ]
    now = clock.now()
    p = await performers.create(session, body, now)
    await editing.set_weekly(session, p, week, now)
    return _back(request, viewer, f"/admin/performers/{p.id}", "created_done")


def _hhmm(minute: int) -> str:
    """A weekly rule's minute as HH:MM; an end past midnight reads as the next day's time."""
    if minute == 1440:
        return "24:00"
    return f"{minute // 60 % 24:02d}:{minute % 60:02d}"


def _weekly(days: list[str]) -> list[WeeklyRuleIn]:
    """Seven fields, Monday first, each ``HH:MM-HH:MM`` intervals separated by commas."""
    rules = []
    for weekday, text in enumerate(days):
        for part in filter(None, (x.strip() for x in text.split(","))):
            start, sep, end = part.partition("-")
            if not sep:
                raise InvalidInput("write hours as HH:MM-HH:MM", field=f"day{weekday}")
            data = {"weekday": weekday, "start": start.strip(), "end": end.strip()}
            rules.append(_valid(WeeklyRuleIn, data))
    return rules


@router.get("/admin/performers/{performer_id}", response_class=HTMLResponse)
async def performer_page(
    performer_id: PerformerId,
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    viewer: AdminPage,
) -> Response:
    p = await performers.get(session, performer_id)
    schedule = await editing.schedule_of(session, p, clock.now())
    days: list[list[str]] = [[] for _ in range(7)]
    for rule in schedule.weekly:
        days[rule.weekday].append(f"{_hhmm(rule.start_minute)}-{_hhmm(rule.end_minute)}")
    return webui.render(
        request,
        "web_performer_edit.html",
        viewer,
        TEXTS,
        p=p,
        weekly=[", ".join(d) for d in days],
        conflicts=await coverage.conflicts(session, p, clock.now()),
        price=major(p.price_per_minute, p.currency),
        statuses=[s.value for s in Lifecycle],
        visibilities=[v.value for v in Visibility],
        done=request.query_params.get("done", ""),
    )


@router.post("/admin/performers/{performer_id}")
async def edit_performer(
    performer_id: PerformerId,
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    viewer: AdminPage,
    csrf: Csrf = "",
    display_name: Annotated[str, Form(max_length=128)] = "",
    bio: Text = "",
    price: Annotated[str, Form(max_length=20)] = "",
    min_duration: Annotated[int, Form(ge=15, le=240)] = 15,
    max_duration: Annotated[int, Form(ge=15, le=240)] = 60,
    buffer_before: Annotated[int, Form(ge=0, le=60)] = 0,
    buffer_after: Annotated[int, Form(ge=0, le=60)] = 0,
    timezone: Annotated[str, Form(max_length=64)] = "UTC",
    status: Annotated[str, Form(max_length=16)] = "active",
    visibility: Annotated[str, Form(max_length=16)] = "public",
    photos: Annotated[str, Form(max_length=12_000)] = "",
) -> Response:
    webui.check_csrf(viewer, csrf)
    p = await performers.get(session, performer_id)
    data: dict[str, Any] = {
        "display_name": display_name,
        "bio": bio,
        "price_per_minute": _price(price, p.currency),
        "min_duration": min_duration,
        "max_duration": max_duration,
        "buffer_before": buffer_before,
        "buffer_after": buffer_after,
        "timezone": timezone,
        "status": status,
        "visibility": visibility,
        "photos": [{"url": u.strip()} for u in photos.splitlines() if u.strip()],
    }
    await performers.update(session, p, _valid(PerformerUpdate, data), clock.now())
    return _back(request, viewer, f"/admin/performers/{performer_id}", "saved")


@router.post("/admin/performers/{performer_id}/schedule")
async def edit_schedule(
    performer_id: PerformerId,
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    viewer: AdminPage,
    csrf: Csrf = "",
    day0: Annotated[str, Form(max_length=200)] = "",
    day1: Annotated[str, Form(max_length=200)] = "",
    day2: Annotated[str, Form(max_length=200)] = "",
    day3: Annotated[str, Form(max_length=200)] = "",
    day4: Annotated[str, Form(max_length=200)] = "",
    day5: Annotated[str, Form(max_length=200)] = "",
    day6: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Replace the weekly hours; the page then lists the bookings they leave uncovered."""
    webui.check_csrf(viewer, csrf)
    rules = _weekly([day0, day1, day2, day3, day4, day5, day6])
    p = await performers.get(session, performer_id)
    await coverage.set_weekly(session, p, rules, clock.now())
    return _back(request, viewer, f"/admin/performers/{performer_id}", "schedule_saved")


@router.post("/admin/performers/{performer_id}/deactivate")
async def deactivate_performer(
    performer_id: PerformerId,
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    viewer: AdminPage,
    csrf: Csrf = "",
) -> Response:
    webui.check_csrf(viewer, csrf)
    await performers.deactivate(session, await performers.get(session, performer_id), clock.now())
    return _back(request, viewer, f"/admin/performers/{performer_id}", "deactivated")


# --- payments and refunds -------------------------------------------------------------------


@router.get("/admin/money", response_class=HTMLResponse)
async def money_page(
    request: Request,
    session: SessionDep,
    viewer: AdminPage,
    page: Page = 1,
) -> Response:
    offset = (page - 1) * webui.PAGE_SIZE
    flagged, _ = await money.payments(
        session, money.MoneyFilters(status="flagged"), limit=100, offset=0
    )
    owed, _ = await money.refunds(
        session, money.MoneyFilters(status="manual_required"), limit=100, offset=0
    )
    failed, _ = await money.refunds(
        session, money.MoneyFilters(status="failed"), limit=100, offset=0
    )
    payments, total = await money.payments(
        session, money.MoneyFilters(), limit=webui.PAGE_SIZE, offset=offset
    )
    recent, _ = await money.refunds(
        session, money.MoneyFilters(), limit=webui.PAGE_SIZE, offset=offset
    )
    return webui.render(
        request,
        "web_money.html",
        viewer,
        TEXTS,
        flagged=flagged,
        owed=owed + failed,
        payments=payments,
        recent=recent,
        page=page,
        pages=max(1, -(-total // webui.PAGE_SIZE)),
        done=request.query_params.get("done", ""),
    )


@router.post("/admin/refunds/{refund_id}/done")
async def refund_done(
    refund_id: RefundId,
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    viewer: AdminPage,
    csrf: Csrf = "",
    reference: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """A refund paid by hand (a provider without a refund API) is recorded as done."""
    webui.check_csrf(viewer, csrf)
    await refunds.mark_refund_done(
        session, refund_id, admin_id=viewer.user_id, reference=reference.strip(), now=clock.now()
    )
    return _back(request, viewer, "/admin/money", "refund_done")


@router.post("/admin/refunds/{refund_id}/retry")
async def refund_retry(
    refund_id: RefundId,
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    viewer: AdminPage,
    csrf: Csrf = "",
) -> Response:
    webui.check_csrf(viewer, csrf)
    await refunds.retry_refund(session, refund_id, admin_id=viewer.user_id, now=clock.now())
    return _back(request, viewer, "/admin/money", "refund_retried")


# --- payouts ---------------------------------------------------------------------------------


@router.get("/admin/payouts", response_class=HTMLResponse)
async def payouts_page(
    request: Request,
    session: SessionDep,
    viewer: AdminPage,
    performer_id: Annotated[str | None, Query(max_length=12)] = None,
) -> Response:
    chosen = webui.optional_int(performer_id, "performer_id")
    every = await admin_list(session, status=None, visibility=None, q=None, limit=500, offset=0)
    performer = await performers.get(session, chosen) if chosen is not None else None
    return webui.render(
        request,
        "web_payouts.html",
        viewer,
        TEXTS,
        performers=every.items,
        performer=performer,
        balances=await earning.balances(session, chosen) if chosen is not None else [],
        history=await earning.payouts(session, chosen),
        names={p.id: p.display_name for p in every.items},
        currencies=sorted(CURRENCY_EXPONENT),
        done=request.query_params.get("done", ""),
    )


@router.post("/admin/payouts")
async def record_payout(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    viewer: AdminPage,
    csrf: Csrf = "",
    performer_id: Annotated[int, Form(ge=1, le=2**31 - 1)] = 0,
    amount: Annotated[str, Form(max_length=20)] = "",
    currency: Annotated[str, Form(max_length=4)] = "",
    method: Annotated[str, Form(max_length=32)] = "",
    reference: Annotated[str, Form(max_length=200)] = "",
    note: Text = "",
) -> Response:
    """Never more than the performer's payable balance (the earning service's rule)."""
    webui.check_csrf(viewer, csrf)
    code = currency.strip().upper()
    if code not in CURRENCY_EXPONENT:
        raise InvalidInput("unsupported currency", field="currency")
    if not method.strip():
        raise InvalidInput("say how it was paid", field="method")
    await earning.record_payout(
        session,
        performer_id=performer_id,
        amount=webui.minor_units(amount, code, "amount"),
        currency=code,
        method=method.strip(),
        reference=reference.strip(),
        note=note.strip(),
        recorded_by=viewer.user_id,
        now=clock.now(),
    )
    return _back(request, viewer, f"/admin/payouts?performer_id={performer_id}", "payout_done")


# --- roles (superadmins) --------------------------------------------------------------------


@router.get("/admin/roles", response_class=HTMLResponse)
async def roles_page(
    request: Request, session: SessionDep, viewer: SuperadminPage, page: Page = 1
) -> Response:
    rows, total = await find_members(
        session,
        MemberFilters(with_role_only=True),
        limit=webui.PAGE_SIZE,
        offset=(page - 1) * webui.PAGE_SIZE,
    )
    every = await admin_list(session, status=None, visibility=None, q=None, limit=500, offset=0)
    return webui.render(
        request,
        "web_roles.html",
        viewer,
        TEXTS,
        rows=rows,
        performers=every.items,
        page=page,
        pages=max(1, -(-total // webui.PAGE_SIZE)),
        done=request.query_params.get("done", ""),
    )


@router.post("/admin/roles")
async def change_role(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    viewer: SuperadminPage,
    csrf: Csrf = "",
    telegram_id: Annotated[int, Form(ge=1, le=2**53)] = 0,
    role: Annotated[str, Form(pattern=r"^(admin|performer)$")] = "admin",
    action: Annotated[str, Form(pattern=r"^(grant|revoke)$")] = "grant",
    performer_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    webui.check_csrf(viewer, csrf)
    user = await users.by_telegram_id(session, telegram_id)
    if user is None:
        raise NotFound("no member with that Telegram id (they must have opened the bot)")
    actor, now, grant = viewer.as_actor(), clock.now(), action == "grant"
    if role == "admin":
        await membership.set_admin(session, user, grant, actor, now)
    elif not grant:
        await accounts.unlink_performer(session, user, actor, now)
    else:
        chosen = webui.optional_int(performer_id, "performer_id")
        if chosen is None:
            raise InvalidInput("choose the performer account", field="performer_id")
        target = await performers.get(session, chosen)
        await accounts.link_performer(session, user, target, actor, now)
    return _back(request, viewer, "/admin/roles", "role_done")


# --- failed jobs and broadcasts ------------------------------------------------------------


@router.get("/admin/jobs", response_class=HTMLResponse)
async def jobs_page(
    request: Request, session: SessionDep, viewer: AdminPage, page: Page = 1
) -> Response:
    jobs, total = await dead.dead_jobs(
        session, kind=None, limit=webui.PAGE_SIZE, offset=(page - 1) * webui.PAGE_SIZE
    )
    return webui.render(
        request,
        "web_jobs.html",
        viewer,
        TEXTS,
        jobs=jobs,
        page=page,
        pages=max(1, -(-total // webui.PAGE_SIZE)),
        done=request.query_params.get("done", ""),
    )


@router.post("/admin/jobs/{job_id}/retry")
async def retry_job(
    job_id: JobId,
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    viewer: AdminPage,
    csrf: Csrf = "",
) -> Response:
    webui.check_csrf(viewer, csrf)
    await dead.retry(session, job_id, clock.now())
    return _back(request, viewer, "/admin/jobs", "job_retried")


@router.get("/admin/broadcasts", response_class=HTMLResponse)
async def broadcasts_page(
    request: Request, session: SessionDep, viewer: AdminPage, page: Page = 1
) -> Response:
    items, total = await broadcast.list_progress(
        session, limit=webui.PAGE_SIZE, offset=(page - 1) * webui.PAGE_SIZE
    )
    every = await admin_list(session, status=None, visibility=None, q=None, limit=500, offset=0)
    return webui.render(
        request,
        "web_broadcasts.html",
        viewer,
        TEXTS,
        items=items,
        names={p.id: p.display_name for p in every.items},
        page=page,
        pages=max(1, -(-total // webui.PAGE_SIZE)),
    )
