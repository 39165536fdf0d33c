"""Why a service refused, in the member's language.

The reasons are shared with the Mini App (``pnplive.wording``)."""

from __future__ import annotations

from pnplive.errors import PnpError
from pnplive.kit.i18n import N_, t
from pnplive.wording import REASONS

OTHER = N_("bot.refusal.other")


def refusal(lang: str, exc: PnpError) -> str:
    """The refusal's reason for a person, never the service's English message."""
    why = exc.details.get("why")
    msgid = REASONS.get(f"{exc.code}:{why}") or REASONS.get(exc.code) or OTHER
    return t(lang, msgid)
