"""What every web dashboard page shares: the session cookie, who is signed in, the language,
the templates, the CSRF check and the error page.

Pages for admins depend on ``AdminPage`` (``SuperadminPage`` for roles), the performer's on
``PerformerPage``. Without a session a page sends to ``/login``; with the wrong role it answers
403. Every form posts its session's CSRF token; a form without it is refused before anything
is changed. A domain error on a page is an HTML page with its status, and the request's
transaction is rolled back as for the JSON API.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from pnplive.api.deps import ClockDep, SessionDep, SettingsDep
from pnplive.auth import web
from pnplive.booking.states import Status
from pnplive.errors import Forbidden, InvalidInput, PnpError
from pnplive.kit.i18n import N_, format_money, format_when, language_of, t
from pnplive.kit.money import CURRENCY_EXPONENT
from pnplive.user.models import User

COOKIE = "pnplive_session"
PAGE_SIZE = 25
PAGES = ("/admin", "/performer")
templates = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))


class NeedsSignIn(PnpError):
    """No (valid) session: the page sends to the sign-in page."""

    code = "sign_in_needed"
    status = 303


class WrongRole(Forbidden):
    code = "page_not_for_you"


# Texts of the pages beyond the analytics page; templates read them as ``tx.<key>``.
TEXTS = {
    "title": N_("web.title"),
    "title_performer": N_("webp.title.performer"),
    "logout": N_("web.logout"),
    "none": N_("web.none"),
    "nav_analytics": N_("webp.nav.analytics"),
    "nav_bookings": N_("webp.nav.bookings"),
    "nav_performers": N_("webp.nav.performers"),
    "nav_money": N_("webp.nav.money"),
    "nav_payouts": N_("webp.nav.payouts"),
    "nav_roles": N_("webp.nav.roles"),
    "nav_jobs": N_("webp.nav.jobs"),
    "nav_broadcasts": N_("webp.nav.broadcasts"),
    "nav_performer_home": N_("webp.nav.performer_home"),
    "language": N_("webp.language"),
    "filter": N_("webp.filter"),
    "status": N_("webp.status"),
    "any": N_("webp.any"),
    "performer": N_("webp.performer"),
    "member": N_("webp.member"),
    "member_help": N_("webp.member_help"),
    "from": N_("web.range.from"),
    "to": N_("web.range.to"),
    "when": N_("webp.when"),
    "duration": N_("webp.duration"),
    "amount": N_("webp.amount"),
    "booking": N_("webp.booking"),
    "bookings": N_("webp.bookings"),
    "found": N_("webp.found"),
    "previous": N_("webp.previous"),
    "next": N_("webp.next"),
    "history": N_("webp.history"),
    "by": N_("webp.by"),
    "reason": N_("webp.reason"),
    "call_activity": N_("webp.call_activity"),
    "payments": N_("webp.payments"),
    "refunds": N_("webp.refunds"),
    "cancel": N_("webp.cancel"),
    "cancel_help": N_("webp.cancel_help"),
    "cancel_policy": N_("webp.cancel_policy"),
    "cancel_submit": N_("webp.cancel_submit"),
    "reschedule": N_("webp.reschedule"),
    "reschedule_submit": N_("webp.reschedule_submit"),
    "new_start": N_("webp.new_start"),
    "manual_refund": N_("webp.manual_refund"),
    "manual_refund_help": N_("webp.manual_refund_help"),
    "refund_submit": N_("webp.refund_submit"),
    "done": N_("webp.done"),
    "error_heading": N_("webp.error_heading"),
    "back": N_("webp.back"),
    "provider": N_("webp.provider"),
    "created": N_("webp.created"),
    "zone_note": N_("webp.zone_note"),
}

STATUS_TEXTS = {
    Status.HELD: N_("webp.state.held"),
    Status.PENDING_PAYMENT: N_("webp.state.pending_payment"),
    Status.CONFIRMED: N_("webp.state.confirmed"),
    Status.LIVE: N_("webp.state.live"),
    Status.COMPLETED: N_("webp.state.completed"),
    Status.CANCELLED: N_("webp.state.cancelled"),
    Status.EXPIRED: N_("webp.state.expired"),
    Status.REFUNDED: N_("webp.state.refunded"),
    Status.NO_SHOW_USER: N_("webp.state.no_show_user"),
    Status.NO_SHOW_PERFORMER: N_("webp.state.no_show_performer"),
}


# Other stored codes the pages show (payment, refund, performer and broadcast states).
CODE_TEXTS = {
    "creating": N_("webp.code.creating"),
    "open": N_("webp.code.open"),
    "pending": N_("webp.code.pending"),
    "paid": N_("webp.code.paid"),
    "failed": N_("webp.code.failed"),
    "flagged": N_("webp.code.flagged"),
    "submitted": N_("webp.code.submitted"),
    "succeeded": N_("webp.code.succeeded"),
    "manual_required": N_("webp.code.manual_required"),
    "public": N_("webp.code.public"),
    "hidden": N_("webp.code.hidden"),
    "active": N_("webp.code.active"),
    "paused": N_("webp.code.paused"),
    "inactive": N_("webp.code.inactive"),
    "sending": N_("webp.code.sending"),
    "done": N_("webp.code.done"),
    "user": N_("webp.code.user"),
    "admin": N_("webp.code.admin"),
    "superadmin": N_("webp.code.superadmin"),
    "performer": N_("webp.code.performer"),
    "system": N_("webp.code.system"),
    "member": N_("webp.code.member"),
}


def code_name(code: str | None, language: str) -> str:
    """A stored code as people read it (a booking state first); unknown codes as they are."""
    if code is None:
        return ""
    if code in STATUS_TEXTS:
        return status_name(code, language)
    msgid = CODE_TEXTS.get(code)
    return t(language, msgid) if msgid else code


def texts(language: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    ids = TEXTS if extra is None else TEXTS | extra
    return {key: t(language, msgid) for key, msgid in ids.items()}


def status_name(status: str, language: str) -> str:
    try:
        return t(language, STATUS_TEXTS[Status(status)])
    except ValueError:
        return status


def is_page(request: Request) -> bool:
    path = request.url.path
    return any(path == p or path.startswith(p + "/") for p in PAGES)


def language(request: Request, user: User | None) -> str:
    asked = request.query_params.get("lang")
    return language_of(asked or (user.language if user else None))


async def current_viewer(
    request: Request, session: SessionDep, clock: ClockDep, settings: SettingsDep
) -> web.Viewer | None:
    ws = web.read_session(request.cookies.get(COOKIE), clock.now(), settings.secret_key)
    return None if ws is None else await web.signed_in(session, ws)


ViewerDep = Annotated[web.Viewer | None, Depends(current_viewer)]


async def require_admin_page(viewer: ViewerDep) -> web.Viewer:
    if viewer is None:
        raise NeedsSignIn("sign in first")
    if not viewer.is_admin:
        raise WrongRole("this page is for admins")
    return viewer


async def require_superadmin_page(viewer: ViewerDep) -> web.Viewer:
    admin = await require_admin_page(viewer)
    if not admin.is_superadmin:
        raise WrongRole("this page is for superadmins")
    return admin


async def require_performer_page(viewer: ViewerDep) -> web.Viewer:
    if viewer is None:
        raise NeedsSignIn("sign in first")
    if viewer.performer is None:
        raise WrongRole("this page is for performers")
    return viewer


AdminPage = Annotated[web.Viewer, Depends(require_admin_page)]
SuperadminPage = Annotated[web.Viewer, Depends(require_superadmin_page)]
PerformerPage = Annotated[web.Viewer, Depends(require_performer_page)]


def zone_name(viewer: web.Viewer) -> str:
    if viewer.performer is not None:
        return viewer.performer.timezone
    return viewer.user.timezone if viewer.user is not None else "UTC"


def check_csrf(viewer: web.Viewer, submitted: str) -> None:
    web.check_csrf(viewer.session, submitted)


def optional_int(value: str | None, field: str, top: int = 2**31 - 1) -> int | None:
    """A filter's number as a form sends it: empty means no filter."""
    if value is None or not value.strip():
        return None
    if not value.strip().isdigit() or not 1 <= int(value) <= top:
        raise InvalidInput("not a valid number", field=field)
    return int(value)


def optional_day(value: str | None, field: str) -> date | None:
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise InvalidInput("not a date (YYYY-MM-DD)", field=field) from exc


def local_moment(value: str, zone: str, field: str) -> datetime:
    """A ``datetime-local`` form value (wall clock in ``zone``) as an aware moment."""
    try:
        naive = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput("not a date and time", field=field) from exc
    if naive.tzinfo is not None:
        raise InvalidInput("give the wall-clock time without a zone", field=field)
    return naive.replace(tzinfo=ZoneInfo(zone))


def local_day_start(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(zone))


def minor_units(value: str, currency: str, field: str) -> int:
    """An amount typed by a person (``12.50``) in minor units of ``currency``."""
    try:
        amount = Decimal(value.strip().replace(",", "."))
    except InvalidOperation as exc:
        raise InvalidInput("not an amount", field=field) from exc
    scaled = amount.scaleb(CURRENCY_EXPONENT.get(currency.upper(), 2))
    if scaled != scaled.to_integral_value() or scaled <= 0 or scaled > 10**12:
        raise InvalidInput("not a positive amount in this currency", field=field)
    return int(scaled)


def render(
    request: Request,
    template: str,
    viewer: web.Viewer,
    extra_texts: dict[str, str] | None = None,
    status_code: int = 200,
    **context: Any,
) -> Response:
    lang = language(request, viewer.user)
    zone = zone_name(viewer)
    base = {
        "tx": texts(lang, extra_texts),
        "lang": lang,
        "csrf": viewer.session.csrf,
        "viewer": viewer,
        "zone": zone,
        "when": lambda moment: format_when(moment, zone, lang) if moment else "",
        "money": lambda amount, currency: format_money(amount, currency, lang),
        "state": lambda status: status_name(status, lang),
        "code": lambda value: code_name(value, lang),
        "day_name": lambda day: format_date(day, "EEE d MMM", locale=lang),
        "path": request.url.path,
    }
    return templates.TemplateResponse(request, template, base | context, status_code=status_code)


def back_to(path: str, lang: str, note: str = "") -> Response:
    """After a form: back to a page (Post/Redirect/Get), in the same language."""
    sep = "&" if "?" in path else "?"
    query = f"lang={lang}" + (f"&done={note}" if note else "")
    return RedirectResponse(f"{path}{sep}{query}", status_code=303)


def error_page(request: Request, status: int, message: str) -> Response:
    if status == NeedsSignIn.status:
        return RedirectResponse("/login", status_code=303)
    lang = language(request, None)
    return templates.TemplateResponse(
        request,
        "web_error.html",
        {"tx": texts(lang), "lang": lang, "message": message, "status": status},
        status_code=status,
    )
