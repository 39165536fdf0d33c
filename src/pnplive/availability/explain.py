"""The reasons of a smart-match score in a reader's words (F-AV-7), the same for the bot, the API
and the Mini App."""

from __future__ import annotations

from collections.abc import Iterable

from pnplive.availability.matching import INSIDE, NEW, ONLINE, OUTSIDE, RATED, Reason
from pnplive.kit.i18n import N_, format_rating, t


def explain(reasons: Iterable[Reason], lang: str) -> list[str]:
    said = []
    for r in reasons:
        if r.kind == INSIDE:
            said.append(t(lang, N_("match.inside"), window=r.window))
        elif r.kind == OUTSIDE:
            said.append(t(lang, N_("match.outside"), minutes=r.minutes, window=r.window))
        elif r.kind == RATED:
            msgid = N_("match.rated_one") if r.count == 1 else N_("match.rated_many")
            said.append(t(lang, msgid, rating=format_rating(r.rating, lang), count=r.count))
        elif r.kind == NEW:
            said.append(t(lang, N_("match.new")))
        elif r.kind == ONLINE:
            said.append(t(lang, N_("match.online")))
    return said
