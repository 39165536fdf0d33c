"""Normalisation undoes the usual obfuscations and leaves ordinary text alone."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pnplive.moderation.normalise import fold, normalise

KEYCAP = "\ufe0f\u20e3"


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("ÁRBOL Canción", "arbol cancion"),
        ("año", "año"),  # ñ is a letter of its own, not an accented n
        ("ＫＩＬＬ", "kill"),
        ("𝐤𝐢𝐥𝐥", "kill"),
        ("k\u200bi\u200dll", "kill"),
        ("kіll", "kill"),  # Cyrillic і
        ("juan arroba gmail punto com", "juan@gmail.com"),
        ("juan (at) gmail (dot) com", "juan@gmail.com"),
        ("juan [at] proton [dot] me", "juan@proton.me"),
        ("juan at gmail dot com", "juan@gmail.com"),
        ("w h a t s a p p", "whatsapp"),
        ("s.n.a.p", "snap"),
        ("fuuuuuck", "fuuck"),
    ],
)
def test_plain_view(text: str, plain: str) -> None:
    assert normalise(text).plain == plain


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("k1ll y0urs3lf", "kill yourself"),
        ("c0c@ine", "cocaine"),
        ("$ex", "sex"),
        # numbers with units, times and prices are not leetspeak
        ("30min at 10:30 for $20", "30min at 10:30 for $20"),
        ("I'm 19yo", "i'm 19yo"),
    ],
)
def test_words_view(text: str, words: str) -> None:
    assert normalise(text).words == words


@pytest.mark.parametrize(
    ("text", "compact"),
    [
        ("call 3 0 0 - 1 2 3 - 4 5 6 7", "call 3001234567"),
        ("+57 (300) 123.4567", "+573001234567"),
        ("3️⃣0️⃣0️⃣1️⃣2️⃣3️⃣", "300123"),
        ("①②③④", "1234"),
        ("➊➋➌", "123"),
        ("🔟", "10"),
        ("tres cero cero uno dos tres", "300123"),
        ("three oh", "three oh"),  # fewer than three digit words: left alone
        ("at 10:30", "at 10:30"),
    ],
)
def test_compact_view(text: str, compact: str) -> None:
    assert normalise(text).compact == compact


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_fold_is_lowercase_and_stable(text: str) -> None:
    once = fold(text)
    assert once == once.lower() or not once.isascii()
    assert fold(once) == once


@given(st.lists(st.sampled_from("0123456789"), min_size=7, max_size=12), st.data())
def test_any_digit_disguise_compacts_to_the_same_digits(
    digits: list[str], data: st.DataObject
) -> None:
    # each digit written as itself, a keycap emoji, a circled or fullwidth digit, with separators
    def disguise(d: str) -> str:
        kind = data.draw(st.sampled_from(["ascii", "keycap", "fullwidth", "bold"]))
        if kind == "keycap":
            return d + KEYCAP
        if kind == "fullwidth":
            return chr(0xFF10 + int(d))
        if kind == "bold":
            return chr(0x1D7CE + int(d))
        return d

    seps = data.draw(st.lists(st.sampled_from(["", " ", "-", ".", " - "]), min_size=len(digits)))
    text = "".join(disguise(d) + s for d, s in zip(digits, seps, strict=False))
    assert "".join(digits) in normalise(text).compact


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", max_size=40))
def test_invisible_characters_change_nothing(text: str) -> None:
    hidden = "\u200b".join(text)
    assert normalise(hidden).plain == normalise(text).plain
