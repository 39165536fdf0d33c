"""Catalogues, amounts and times as people read them (F-UX-1, F-UX-2)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from pnplive.kit import i18n
from pnplive.kit.i18n import format_money, format_when, language_of, t
from pnplive.kit.money import Money

SRC = Path(i18n.__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"{(\w+)}")
# Texts that are the same in every language (symbols and placeholders only).
LANGUAGE_NEUTRAL = {
    "notify.line.when",
    "notify.line.duration_price",
    "alert.line.fact",
    "alert.kind.other",
    "web.none",
    "app.title",  # the brand
    "app.per_minute",
    "app.duration_price",
}


def ids_in_code() -> set[str]:
    found = extract_from_dir(
        str(SRC),
        method_map=[("**.py", "python")],
        keywords={"N_": None},
        comment_tags=(),
    )
    return {str(message) for _file, _line, message, _comments, _context in found}


def catalogue_texts(language: str) -> dict[str, str]:
    return {str(m.id): str(m.string) for m in i18n.catalogue(language) if m.id}


def test_every_id_in_code_exists_in_english_and_spanish() -> None:
    used = ids_in_code()
    assert "notify.confirmed.member" in used  # the extractor really reads the code
    for language in i18n.LANGUAGES:
        texts = catalogue_texts(language)
        missing = sorted(i for i in used if not texts.get(i))
        assert not missing, f"{language} lacks {missing}"


def test_no_catalogue_entry_is_unused() -> None:
    used = ids_in_code()
    for language in i18n.LANGUAGES:
        unused = sorted(set(catalogue_texts(language)) - used)
        assert not unused, f"{language} has ids no code uses: {unused}"


def test_spanish_translates_every_english_text_with_the_same_placeholders() -> None:
    en, es = catalogue_texts("en"), catalogue_texts("es")
    assert en.keys() == es.keys()
    for msgid, text in en.items():
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(es[msgid])), msgid
        if msgid not in LANGUAGE_NEUTRAL:
            assert es[msgid] != text, f"{msgid} is left in English in es"


def test_language_codes_from_telegram_fall_back_to_english() -> None:
    assert language_of("es-419") == "es"
    assert language_of("ES") == "es"
    assert language_of("pt-br") == "en"
    assert language_of(None) == "en"


def test_unknown_language_reads_english() -> None:
    assert t("fr", "notify.completed", name="Luna") == t("en", "notify.completed", name="Luna")
    assert "Luna" in t("es", "notify.completed", name="Luna")


@pytest.mark.parametrize(
    ("amount", "currency", "language", "expected"),
    [
        (123456, "USD", "en", "$1,234.56"),
        (123456, "USD", "es", "1.234,56\xa0US$"),
        (2500, "EUR", "es", "25,00\xa0€"),
        (2500, "EUR", "en", "€25.00"),
        (15000000, "COP", "es", "150.000,00\xa0COP"),
        (50, "XTR", "en", "50 Stars"),
        (1500, "XTR", "es", "1.500 estrellas"),
        (-5, "USD", "en", "-$0.05"),
    ],
)
def test_money_is_written_with_its_currency(
    amount: int, currency: str, language: str, expected: str
) -> None:
    assert format_money(amount, currency, language) == expected
    assert Money(amount, currency).format(language) == expected


def test_times_are_in_the_readers_zone_with_the_zone_named_across_a_dst_change() -> None:
    # Madrid springs forward at 01:00 UTC on 2027-03-28: 00:30 UTC is 01:30 CET, 01:30 UTC is
    # 03:30 CEST.
    before = datetime(2027, 3, 28, 0, 30, tzinfo=UTC)
    after = datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    assert format_when(before, "Europe/Madrid", "en") == "Sun 28 Mar 2027, 01:30 (Europe/Madrid)"
    assert format_when(after, "Europe/Madrid", "en") == "Sun 28 Mar 2027, 03:30 (Europe/Madrid)"
    assert format_when(after, "America/Bogota", "es") == "sáb 27 mar 2027, 20:30 (America/Bogota)"
