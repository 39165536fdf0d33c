"""The Telegram Mini App (F-BK-1, F-UX-1/2): browse, profile, a month of free days, a time in the
member's zone, hold, call rules, pay, and the member's bookings (join, cancel, move, .ics).

The page is static for everyone: who is using it is known only in the browser, from Telegram's
``initData``, which the page sends on every API call (``Authorization: tma …``). So the page
carries its texts in both languages and picks the member's once ``/api/me`` answers; every rule
stays behind the same API the bot and the web use.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from pnplive.api import webui
from pnplive.api.deps import SettingsDep
from pnplive.booking.states import Status
from pnplive.kit.i18n import LANGUAGES, N_, t
from pnplive.wording import DENIED, PROVIDER_LABELS, REASONS

router = APIRouter(include_in_schema=False)

TEXTS = {
    "title": N_("app.title"),
    "outside": N_("app.outside"),
    "retry": N_("app.retry"),
    "error": N_("app.error"),
    "back": N_("app.back"),
    "age_text": N_("bot.age.text"),
    "age_confirm": N_("bot.age.confirm"),
    "terms_accept": N_("bot.terms.accept"),
    "restricted": N_("bot.menu.restricted"),
    "tab_browse": N_("app.tab.browse"),
    "tab_mine": N_("app.tab.mine"),
    "tab_calls": N_("app.tab.calls"),
    "search": N_("app.search"),
    "online_only": N_("bot.book.online_only"),
    "everyone": N_("bot.book.everyone"),
    "nobody": N_("app.nobody"),
    "more": N_("app.more"),
    "per_minute": N_("app.per_minute"),
    "new_performer": N_("app.new_performer"),
    "online": N_("app.online"),
    "choose_duration": N_("bot.book.choose_duration"),
    "duration_price": N_("app.duration_price"),
    "choose_day": N_("app.choose_day"),
    "no_days_month": N_("app.no_days_month"),
    "zone_note": N_("app.zone_note"),
    "previous_month": N_("app.previous_month"),
    "next_month": N_("app.next_month"),
    "choose_time": N_("app.choose_time"),
    "no_times": N_("bot.book.no_times"),
    "summary": N_("app.summary"),
    "rules_text": N_("bot.rules.text"),
    "rules_accept": N_("bot.rules.accept"),
    "confirm_pay": N_("app.confirm_pay"),
    "upgrade_text": N_("bot.upgrade.text"),
    "upgrade_cta": N_("bot.upgrade.cta"),
    "upgrade_ask": N_("bot.upgrade.ask_admin"),
    "held_until": N_("app.held_until"),
    "checkout_again": N_("app.checkout_again"),
    "pay_with": N_("app.pay_with"),
    "waiting": N_("app.waiting"),
    "paid": N_("app.paid"),
    "hold_lapsed": N_("bot.book.hold_lapsed"),
    "taken": N_("bot.book.taken"),
    "mine_empty": N_("app.mine_empty"),
    "mine_past": N_("app.mine_past"),
    "join": N_("app.join"),
    "join_opens": N_("app.join_opens"),
    "cancel": N_("app.cancel"),
    "cancel_confirm": N_("app.cancel_confirm"),
    "cancelled": N_("app.cancelled"),
    "refund": N_("app.refund"),
    "no_refund": N_("app.no_refund"),
    "reschedule": N_("app.reschedule"),
    "reschedule_pick": N_("app.reschedule_pick"),
    "rescheduled": N_("app.rescheduled"),
    "ics": N_("app.ics"),
    "pay_now": N_("app.pay_now"),
}

# Refusals the app names in the member's words, by the API error's code (and ``rule`` or
# ``why`` when one code has several reasons); anything else reads as ``error``.
REFUSALS: dict[str, str] = {
    **REASONS,
    **{rule.value: msgid for rule, msgid in DENIED.items()},
    "slot_taken": N_("bot.book.taken"),
    "slot_unavailable": N_("bot.book.taken"),
    "hold_in_progress": N_("app.hold_in_progress"),
    "invalid_init_data": N_("app.signed_out"),
    "init_data_expired": N_("app.signed_out"),
    "rate_limited": N_("app.slow_down"),
    "booking_not_payable": N_("app.not_payable"),
}


def page_texts(language: str, terms_version: str) -> dict[str, Any]:
    texts: dict[str, Any] = {name: t(language, msgid) for name, msgid in TEXTS.items()}
    texts["terms_text"] = t(language, N_("bot.terms.text"), terms_version=terms_version)
    texts["status"] = {s.value: webui.status_name(s.value, language) for s in Status}
    texts["refusals"] = {code: t(language, msgid) for code, msgid in REFUSALS.items()}
    texts["providers"] = {name: t(language, msgid) for name, msgid in PROVIDER_LABELS.items()}
    return texts


@router.get("/app", response_class=HTMLResponse)
async def mini_app(request: Request, settings: SettingsDep) -> HTMLResponse:
    config = {
        "texts": {lang: page_texts(lang, settings.terms_version) for lang in LANGUAGES},
        "terms_version": settings.terms_version,
        # FREE members see the feature and, at the booking step, what PRIME gives (F-UX-3).
        "pay_per_call": settings.pay_per_call_enabled,
        "upgrade_url": settings.prime_upgrade_url,
    }
    # Inside a <script> element: "</" must not appear, so the JSON escapes "<".
    payload = json.dumps(config, ensure_ascii=False).replace("<", "\\u003c")
    response = webui.templates.TemplateResponse(request, "mini_app.html", {"config": payload})
    # Telegram's clients embed the page; nobody else may frame it (clickjacking).
    response.headers["Content-Security-Policy"] = (
        "frame-ancestors https://web.telegram.org https://*.telegram.org 'self'"
    )
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
