"""Texts people read, in English and Spanish, from gettext catalogues (F-UX-1, F-UX-2).

Message ids are stable dotted keys (``notify.confirmed.title``); each language's ``.po`` file
under ``pnplive/locales`` holds the text, with ``{name}`` placeholders filled by ``str.format``.
The catalogues are read with Babel and compiled in memory when first used, so there is no build
step and no compiled file to keep in step. Code marks its ids with ``N_`` (or calls ``t``), which
is how the catalogue test finds every id in use.

Amounts are formatted with their currency and times in the reader's zone with the zone named.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import Translations

from pnplive.kit.money import CURRENCY_EXPONENT

LANGUAGES = ("en", "es")
DEFAULT_LANGUAGE = "en"
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"


def N_(msgid: str) -> str:  # the gettext convention: mark now, translate later
    """Mark a message id for the catalogues without translating it here."""
    return msgid


def language_of(code: str | None) -> str:
    """One of LANGUAGES for a stored or Telegram language code (English when unknown)."""
    if code:
        short = code.lower().split("-")[0].split("_")[0]
        if short in LANGUAGES:
            return short
    return DEFAULT_LANGUAGE


def catalogue_path(language: str) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def catalogue(language: str) -> Catalog:
    with catalogue_path(language).open("rb") as fh:
        return read_po(fh, locale=language, domain=DOMAIN)


@cache
def translations(language: str) -> Translations:
    buf = io.BytesIO()
    write_mo(buf, catalogue(language), use_fuzzy=False)
    buf.seek(0)
    return Translations(buf, domain=DOMAIN)


def t(language: str | None, msgid: str, /, **values: object) -> str:
    """The text of ``msgid`` in ``language`` (English when missing there), filled with values."""
    lang = language_of(language)
    text = translations(lang).gettext(msgid)
    if text == msgid and lang != DEFAULT_LANGUAGE:
        text = translations(DEFAULT_LANGUAGE).gettext(msgid)
    return text.format(**values) if values else text


# --- amounts and times ---------------------------------------------------------------------


@lru_cache(maxsize=16_384)  # pure, and Babel's formatting was ~40% of a browse page's CPU
def format_money(amount: int, currency: str, language: str | None = None) -> str:
    """``amount`` minor units of ``currency`` as a reader of ``language`` writes money."""
    lang = language_of(language)
    code = currency.upper()
    exponent = CURRENCY_EXPONENT.get(code, 2)
    value = Decimal(amount).scaleb(-exponent)
    if code == "XTR":  # Telegram Stars are not an ISO currency: whole stars, named as such
        return t(lang, N_("money.stars"), amount=format_decimal(value, locale=lang))
    return format_currency(value, code, locale=lang)


def format_when(moment: datetime, zone: str, language: str | None = None) -> str:
    """A moment in ``zone``, written for ``language``, with the zone named."""
    lang = language_of(language)
    tz = ZoneInfo(zone)
    local = moment.astimezone(UTC)
    text = format_datetime(local, "EEE d MMM y, HH:mm", tzinfo=tz, locale=lang)
    return f"{text} ({zone})"


def format_time(moment: datetime, zone: str, language: str | None = None) -> str:
    """Only the wall-clock time in ``zone`` with the zone named (for same-day texts)."""
    lang = language_of(language)
    text = format_datetime(moment.astimezone(UTC), "HH:mm", tzinfo=ZoneInfo(zone), locale=lang)
    return f"{text} ({zone})"


def format_rating(value: float, language: str | None = None) -> str:
    """A star rating with one decimal, as a reader of ``language`` writes it (4.5, 4,5)."""
    return format_decimal(round(value, 1), format="0.0", locale=language_of(language))
