"""The admin web dashboard (F-ADM-3/4): sign-in by one-time link or API token, a session
cookie, analytics drawn as charts, exports; English and Spanish.

Pages are server-rendered; the figures come from the same services as the JSON API.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import (
    FileResponse,
    HTMLResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.background import BackgroundTask

from pnplive.analytics import service as a
from pnplive.analytics.exports import EXPORTS, csv_chunks, major, xlsx_file
from pnplive.api import webui
from pnplive.api.common import zone_of
from pnplive.api.deps import ClockDep, SessionDep, SettingsDep, get_db
from pnplive.auth import tokens as api_tokens
from pnplive.auth import web
from pnplive.auth.errors import Unauthenticated
from pnplive.auth.models import ApiToken, TokenRole
from pnplive.availability.slots import local_day_bounds
from pnplive.kit.i18n import N_, format_money, language_of, t
from pnplive.user.models import User

router = APIRouter(include_in_schema=False)
templates = webui.templates
COOKIE = webui.COOKIE
MAX_DAYS = 400

TEXTS = {
    "title": N_("web.title"),
    "login_heading": N_("web.login.heading"),
    "login_help": N_("web.login.help"),
    "login_token": N_("web.login.token"),
    "login_submit": N_("web.login.submit"),
    "login_refused": N_("web.login.refused"),
    "logout": N_("web.logout"),
    "from": N_("web.range.from"),
    "to": N_("web.range.to"),
    "zone": N_("web.range.zone"),
    "performer": N_("web.range.performer"),
    "apply": N_("web.range.apply"),
    "money": N_("web.money.heading"),
    "currency": N_("web.money.currency"),
    "payments": N_("web.money.payments"),
    "refunds": N_("web.money.refunds"),
    "net": N_("web.money.net"),
    "commission": N_("web.money.commission"),
    "earnings": N_("web.money.earnings"),
    "bookings": N_("web.bookings.heading"),
    "rates": N_("web.rates.heading"),
    "payment_success": N_("web.rates.payment_success"),
    "refund_rate": N_("web.rates.refunds"),
    "performer_no_shows": N_("web.rates.performer_no_shows"),
    "member_no_shows": N_("web.rates.member_no_shows"),
    "utilisation": N_("web.rates.utilisation"),
    "ratings": N_("web.ratings.heading"),
    "none": N_("web.none"),
    "exports": N_("web.exports.heading"),
    "weekdays": N_("web.weekdays"),
}


def texts(language: str) -> dict[str, str]:
    return {key: t(language, msgid) for key, msgid in TEXTS.items()}


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


async def _viewer(
    request: Request, session: SessionDep, clock: ClockDep, settings: SettingsDep
) -> tuple[web.WebSession, User | None, ApiToken | None] | None:
    """Who the session cookie signs in, if an admin still; None otherwise."""
    ws = web.read_session(request.cookies.get(COOKIE), clock.now(), settings.secret_key)
    if ws is None:
        return None
    who = await web.signed_in_admin(session, ws)
    return None if who is None else (ws, *who)


def _language(request: Request, user: User | None) -> str:
    asked = request.query_params.get("lang")
    return language_of(asked or (user.language if user else None))


def _signed_in(
    request: Request, kind: str, subject: int, clock: ClockDep, secret: str, home: str = "/admin"
) -> Response:
    cookie, _session = web.session_cookie(kind, subject, clock.now(), secret)
    response = RedirectResponse(home, status_code=303)
    response.set_cookie(
        COOKIE,
        cookie,
        max_age=int(web.SESSION_TTL.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )
    return response


def _login_page(request: Request, language: str, refused: bool, status: int = 200) -> Response:
    return templates.TemplateResponse(
        request,
        "admin_login.html",
        {"tx": texts(language), "refused": refused, "lang": language},
        status_code=status,
    )


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request) -> Response:
    return _login_page(request, _language(request, None), refused=False)


@router.get("/login/{token}")
async def login_with_link(
    token: str, request: Request, session: SessionDep, clock: ClockDep, settings: SettingsDep
) -> Response:
    try:
        user = await web.consume_link(session, token, clock.now())
    except Unauthenticated:
        return _login_page(request, _language(request, None), refused=True, status=401)
    home = "/admin" if user.is_admin else "/performer"
    return _signed_in(request, "member", user.id, clock, settings.secret_key, home)


@router.post("/login")
async def login_with_token(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    token: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    try:
        found = await api_tokens.authenticate(session, token.strip(), clock.now())
    except Unauthenticated:
        found = None
    if found is None or found.role != TokenRole.ADMIN:
        return _login_page(request, _language(request, None), refused=True, status=401)
    return _signed_in(request, "token", found.id, clock, settings.secret_key)


@router.post("/logout")
async def logout(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    csrf: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    viewer = await webui.current_viewer(request, session, clock, settings)
    if viewer is None:
        return RedirectResponse("/login", status_code=303)
    webui.check_csrf(viewer, csrf)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


def _scope(
    clock: ClockDep,
    zone_name: str,
    start: date | None,
    end: date | None,
    performer_id: int | None,
) -> tuple[a.Scope, str, date, date]:
    zone = zone_of(zone_name, "UTC")
    last = end or clock.now().astimezone(zone).date()
    first = start or last - timedelta(days=29)
    if last < first or (last - first).days >= MAX_DAYS:
        first = last - timedelta(days=29)
    scope = a.Scope(
        local_day_bounds(zone, first).start, local_day_bounds(zone, last).end, performer_id
    )
    return scope, zone.key, first, last


@dataclass(frozen=True, slots=True)
class Asked:
    """The range a dashboard page asks for, as the viewer wrote it."""

    start: date | None
    end: date | None
    tz: str | None
    performer_id: int | None


def asked(
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
    tz: Annotated[str | None, Query(max_length=64)] = None,
    performer_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Asked:
    return Asked(start, end, tz, performer_id)


AskedDep = Annotated[Asked, Depends(asked)]


@router.get("/admin", response_class=HTMLResponse)
async def dashboard(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    q: AskedDep,
    signed_in: webui.AdminPage,
) -> Response:
    viewer = await _viewer(request, session, clock, settings)
    if viewer is None:
        return RedirectResponse("/login", status_code=303)
    ws, user, _token = viewer
    language = _language(request, user)
    zone_name = q.tz or (user.timezone if user else "UTC")
    performer_id = q.performer_id
    scope, zone, first, last = _scope(clock, zone_name, q.start, q.end, performer_id)
    money = await a.money(session, scope)
    per_performer = await a.bookings_per_performer(session, scope)
    hours = await a.busiest_hours(session, scope, zone)
    ns = await a.no_shows(session, scope)
    rates = {
        "payment_success": await a.payment_success(session, scope),
        "refund_rate": await a.refund_rate(session, scope),
        "performer_no_shows": ns.performer,
        "member_no_shows": ns.member,
        "utilisation": (await a.utilisation(session, scope)).rate,
    }
    charts: dict[str, Any] = {
        "performers": {
            "labels": [p.display_name for p in per_performer],
            "values": [p.bookings for p in per_performer],
        },
        "money": {
            "labels": [m.currency for m in money],
            # Major units (dollars, not cents), as the table beside the chart shows them.
            "net": [float(major(m.net, m.currency)) for m in money],
            "commission": [float(major(m.commission, m.currency)) for m in money],
        },
        "hours": hours,
    }
    query = f"from={first}&to={last}&tz={zone}" + (
        f"&performer_id={performer_id}" if performer_id else ""
    )
    return templates.TemplateResponse(
        request,
        "admin_dashboard.html",
        {
            "tx": webui.texts(language) | texts(language),
            "viewer": signed_in,
            "path": "/admin",
            "lang": language,
            "csrf": ws.csrf,
            "first": first,
            "last": last,
            "zone": zone,
            "performer_id": performer_id or "",
            "money": [
                {
                    "currency": m.currency,
                    "cells": [
                        format_money(v, m.currency, language)
                        for v in (m.payments, m.refunds, m.net, m.commission, m.performer_earnings)
                    ],
                }
                for m in money
            ],
            "rates": {k: (v.percent, v.numerator, v.denominator) for k, v in rates.items()},
            "ratings": await a.ratings(session, scope),
            "hours": hours,
            "hours_heading": t(language, N_("web.hours.heading"), zone=zone),
            "weekdays": texts(language)["weekdays"].split(","),
            "charts_json": json.dumps(charts),
            "query": query,
            "exports": sorted(EXPORTS),
        },
    )


@router.get("/admin/exports/{name}.{fmt}")
async def dashboard_export(
    name: Literal["bookings", "payments", "earnings", "payouts"],
    fmt: Literal["csv", "xlsx"],
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    q: AskedDep,
    _admin: webui.AdminPage,
) -> Response:
    viewer = await _viewer(request, session, clock, settings)
    if viewer is None:
        return RedirectResponse("/login", status_code=303)
    scope, _zone, first, last = _scope(clock, q.tz or "UTC", q.start, q.end, q.performer_id)
    spec, db = EXPORTS[name], get_db(request)
    disposition = {
        "Content-Disposition": f'attachment; filename="pnplive-{name}-{first}-{last}.{fmt}"'
    }
    if fmt == "csv":
        return StreamingResponse(
            csv_chunks(db, spec, scope), media_type="text/csv; charset=utf-8", headers=disposition
        )
    path = await xlsx_file(db, spec, scope)
    return FileResponse(
        path,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers=disposition,
        background=BackgroundTask(Path(path).unlink, missing_ok=True),
    )
