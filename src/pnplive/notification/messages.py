"""Notice texts, pure: facts and a recipient in, the message they read out (F-NTF-1..4).

Every text comes from the catalogues (``kit/i18n``) in the recipient's language; amounts carry
their currency and times are in the recipient's zone with the zone named.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from babel.dates import format_timedelta

from pnplive.kit.i18n import N_, format_money, format_when, language_of, t
from pnplive.notification.kinds import Notice


@dataclass(frozen=True, slots=True)
class Recipient:
    user_id: int
    chat_id: int
    language: str
    timezone: str
    is_performer: bool = False


@dataclass(frozen=True, slots=True)
class CallFacts:
    booking: str
    performer_name: str
    member_name: str
    start: datetime
    duration: int
    amount: int
    currency: str
    join_url: str | None = None
    previous_start: datetime | None = None


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content: bytes


@dataclass(frozen=True, slots=True)
class OutMessage:
    text: str
    attachment: Attachment | None = None


def _other_party(call: CallFacts, to: Recipient) -> str:
    return call.member_name if to.is_performer else call.performer_name


def lead_text(lead: timedelta, language: str) -> str:
    """'in 1 hour' / 'dentro de 1 hora'."""
    return format_timedelta(lead, add_direction=True, threshold=1.0, locale=language)


def render(
    notice: Notice,
    call: CallFacts,
    to: Recipient,
    *,
    lead: timedelta | None = None,
    refund_amount: int | None = None,
    early_join_minutes: int = 5,
    calendar: bytes | None = None,
    text: str | None = None,
    proposed_start: datetime | None = None,
) -> OutMessage:
    """The message ``to`` reads for ``notice`` about ``call``; ``text`` is a relayed message."""
    lang = language_of(to.language)
    name = _other_party(call, to)
    when = format_when(call.start, to.timezone, lang)
    lines: list[str]
    attachment = None
    if notice is Notice.CONFIRMED:
        title = (
            t(lang, N_("notify.confirmed.performer"), member=call.member_name)
            if to.is_performer
            else t(lang, N_("notify.confirmed.member"), performer=call.performer_name)
        )
        lines = [
            title,
            "",
            t(lang, N_("notify.line.when"), when=when),
            t(
                lang,
                N_("notify.line.duration_price"),
                duration=call.duration,
                price=format_money(call.amount, call.currency, lang),
            ),
            _join_line(call, lang, early_join_minutes),
            t(lang, N_("notify.line.rules")),
        ]
        if calendar is not None:
            lines.append(t(lang, N_("notify.line.calendar")))
            attachment = Attachment(f"pnp-live-{call.booking}.ics", calendar)
    elif notice is Notice.REMINDER:
        lines = [
            t(lang, N_("notify.reminder"), name=name, lead=lead_text(lead or timedelta(), lang)),
            t(lang, N_("notify.line.when"), when=when),
            _join_line(call, lang, early_join_minutes),
        ]
    elif notice is Notice.STARTING:
        lines = [t(lang, N_("notify.starting"), name=name), _join_line(call, lang, 0)]
    elif notice is Notice.COMPLETED:
        lines = [t(lang, N_("notify.completed"), name=name)]
    elif notice is Notice.FEEDBACK:
        lines = [t(lang, N_("notify.feedback"), performer=call.performer_name)]
    elif notice is Notice.CANCELLED:
        lines = [t(lang, N_("notify.cancelled"), name=name, when=when)]
        if not to.is_performer and refund_amount is not None:
            lines.append(
                t(
                    lang,
                    N_("notify.line.refund"),
                    amount=format_money(refund_amount, call.currency, lang),
                )
                if refund_amount > 0
                else t(lang, N_("notify.line.no_refund"))
            )
    elif notice is Notice.RESCHEDULED:
        lines = [
            t(lang, N_("notify.rescheduled"), name=name),
            t(lang, N_("notify.line.when"), when=when),
        ]
        if call.previous_start is not None:
            before = format_when(call.previous_start, to.timezone, lang)
            lines.append(t(lang, N_("notify.line.previous"), when=before))
        lines.append(_join_line(call, lang, early_join_minutes))
    elif notice is Notice.REFUNDED:
        lines = [
            t(
                lang,
                N_("notify.refunded"),
                amount=format_money(refund_amount or 0, call.currency, lang),
                performer=call.performer_name,
                when=when,
            )
        ]
    elif notice is Notice.EXPIRED:
        lines = [t(lang, N_("notify.expired"), performer=call.performer_name, when=when)]
    elif notice is Notice.PROPOSED:
        new_when = format_when(proposed_start or call.start, to.timezone, lang)
        lines = [t(lang, N_("notify.proposed"), name=name, when=when, new_when=new_when)]
    elif notice is Notice.PROPOSAL_DECLINED:
        new_when = format_when(proposed_start or call.start, to.timezone, lang)
        lines = [t(lang, N_("notify.proposal_declined"), name=name, when=when, new_when=new_when)]
    elif notice is Notice.MESSAGE:
        lines = [t(lang, N_("notify.message"), name=name, when=when), "", text or ""]
    else:  # pragma: no cover - alerts have their own renderer
        raise ValueError(f"{notice} is not a call notice")
    return OutMessage("\n".join(line for line in lines if line is not None), attachment)


def _join_line(call: CallFacts, language: str, early_join_minutes: int) -> str:
    if call.join_url:
        return t(language, N_("notify.line.join"), url=call.join_url)
    return t(language, N_("notify.line.join_soon"), minutes=early_join_minutes)


ALERT_KINDS = frozenset(
    {
        N_("alert.kind.payment_mismatch"),
        N_("alert.kind.payment_for_unknown_checkout"),
        N_("alert.kind.refund_failed"),
        N_("alert.kind.refund_manual_required"),
        N_("alert.kind.refund_pending"),
        N_("alert.kind.refund_submitted"),
        N_("alert.kind.refund_succeeded"),
        N_("alert.kind.performer_no_show"),
        N_("alert.kind.repeated_no_shows"),
        N_("alert.kind.incident"),
        N_("alert.kind.auto_restricted"),
        N_("alert.kind.webhook_failure"),
        N_("alert.kind.job_given_up"),
    }
)


def render_alert(facts: Mapping[str, object], language: str) -> OutMessage:
    """An admin alert (F-NTF-3): what happened, then its facts; amounts with their currency."""
    lang = language_of(language)
    kind = str(facts.get("kind", "other"))
    msgid = f"alert.kind.{kind}"
    what = t(lang, msgid) if msgid in ALERT_KINDS else t(lang, N_("alert.kind.other"), kind=kind)
    lines = [t(lang, N_("alert.title"), what=what)]
    currency = facts.get("currency")
    for name, value in facts.items():
        if name in ("kind", "currency"):
            continue
        shown: object = value
        if name == "amount" and isinstance(value, int) and isinstance(currency, str):
            shown = format_money(value, currency, lang)
        lines.append(t(lang, N_("alert.line.fact"), name=name, value=shown))
    return OutMessage("\n".join(lines))
