"""Text normalisation before matching: the usual ways people hide words and contacts undone.

Three views of one text, each for a kind of rule:

- ``plain``: lower case, accents and lookalike letters folded, every kind of digit (emoji keycaps,
  circled, fullwidth, mathematical) as ASCII, invisible characters dropped, spelled-out ``@`` and
  ``.`` ("arroba", "(at)", "punto com", "dot com") as symbols, spaced-out letters joined
  ("w h a t s a p p"), whitespace collapsed. Handles, emails and links are matched here.
- ``words``: ``plain`` with leetspeak undone in words that mix letters and digits or symbols
  ("k1ll" -> "kill", "c0c@ine" -> "cocaine"), punctuation as spaces. Keyword rules match here.
- ``compact``: ``plain`` with the separators between digits removed ("3 0 0-1 2 3" -> "300123")
  and spelled-out digit runs ("tres cero cero ...") as digits. Phone numbers are matched here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\ufe0f\ufe0e\u20e3"))
# Cyrillic and Greek letters that look like Latin ones.
_LOOKALIKES = str.maketrans("аеорсухіјѕԁɡӏοαντκιρ", "aeopcyxijsdgloavtkip")
_KEYCAP_TEN = "\U0001f51f"

_LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "8": "b",
        "9": "g",
        "@": "a",
        "$": "s",
        "!": "i",
        "|": "l",
        "+": "t",
    }
)

_DIGIT_WORDS = {
    "zero": "0",
    "cero": "0",
    "one": "1",
    "uno": "1",
    "un": "1",
    "two": "2",
    "dos": "2",
    "three": "3",
    "tres": "3",
    "four": "4",
    "cuatro": "4",
    "five": "5",
    "cinco": "5",
    "six": "6",
    "seis": "6",
    "seven": "7",
    "siete": "7",
    "eight": "8",
    "ocho": "8",
    "nine": "9",
    "nueve": "9",
}

_TLDS = r"(com|net|org|co|es|mx|io|me|ly|info|app|xyz|link|site|ar|cl|pe|us)"
_SPELLED_DOT_TLD = re.compile(r"\s*[\(\[\{]?\s*\b(?:dot|punto)\b\s*[\)\]\}]?\s*" + _TLDS + r"\b")
_BRACKETED_DOT = re.compile(r"\s*[\(\[\{]\s*(?:dot|punto)\s*[\)\]\}]\s*")
_BRACKETED_AT = re.compile(r"\s*[\(\[\{]\s*(?:at|arroba)\s*[\)\]\}]\s*")
_ARROBA = re.compile(r"\s*\barroba\b\s*")
_AT_MAIL = re.compile(
    r"(?<=\w)\s+at\s+(?=(?:gmail|hotmail|outlook|yahoo|icloud|proton|protonmail|live|aol)\b)"
)
_SPACED_LETTERS = re.compile(r"\b(?:[a-z][ .\-_*]){2,}[a-z]\b")
_REPEATS = re.compile(r"([a-zñ])\1{2,}")  # letters only: "0000" is a number
_MIXED_TOKEN = re.compile(r"\S*[a-z]\S*")
_NON_WORD = re.compile(r"[^a-z0-9ñ@#$%&+'/:.\s]")
_SPACES = re.compile(r"\s+")
_BETWEEN_DIGITS = re.compile(r"(?<=\d)[ \-.()/]{1,3}(?=\d)")
_DIGIT_WORD_RUN = re.compile(r"\b(?:(?:" + "|".join(_DIGIT_WORDS) + r"|\d)\b[ ,\-]*){3,}")


@dataclass(frozen=True)
class Normalised:
    original: str
    plain: str
    words: str
    compact: str


def fold(text: str) -> str:
    """Lower case, NFKC, accents and lookalikes folded, any digit as ASCII, invisibles dropped."""
    text = text.replace(_KEYCAP_TEN, "10").translate(_INVISIBLE)
    text = unicodedata.normalize("NFKC", text)
    out: list[str] = []
    for ch in unicodedata.normalize("NFD", text.lower()):
        if unicodedata.combining(ch):
            if ch == "\u0303" and out and out[-1] == "n":
                out[-1] = "ñ"  # keep ñ: "año" and "ano" are different words
            continue
        if not ch.isascii() and ch.isdigit():
            ch = str(unicodedata.digit(ch, 0))
        out.append(ch)
    return "".join(out).translate(_LOOKALIKES)


def _join_spaced(match: re.Match[str]) -> str:
    return re.sub(r"[ .\-_*]", "", match.group(0))


def _deleet(match: re.Match[str]) -> str:
    token = match.group(0)
    core = token.strip(".,;:!?¿¡'\"()[]{}")
    # Only tokens that mix letters with digits or symbols: "10:30", "$20" and "@name" stay.
    if re.fullmatch(r"[a-zñ]+", core) or not re.search(r"[a-zñ]", core):
        return token
    if re.fullmatch(r"\d+(?:min|mins|h|hr|hrs|am|pm|k|usd|cop|mxn|eur|x|th|st|nd|rd|yo)", core):
        return token  # "30min", "10pm", "19yo" are numbers with a unit, not leetspeak
    return token.translate(_LEET)


def _digit_words(match: re.Match[str]) -> str:
    tokens = re.findall(r"[a-z]+|\d", match.group(0))
    digits = [_DIGIT_WORDS.get(t, t) for t in tokens]
    return "".join(digits) + " "


@lru_cache(maxsize=4096)
def normalise(text: str) -> Normalised:
    plain = fold(text)
    plain = _SPELLED_DOT_TLD.sub(r".\1", plain)
    plain = _BRACKETED_DOT.sub(".", plain)
    plain = _BRACKETED_AT.sub("@", plain)
    plain = _ARROBA.sub("@", plain)
    plain = _AT_MAIL.sub("@", plain)
    plain = _SPACES.sub(" ", plain).strip()
    plain = _SPACED_LETTERS.sub(_join_spaced, plain)
    plain = _REPEATS.sub(r"\1\1", plain)

    words = _MIXED_TOKEN.sub(_deleet, plain)
    words = _NON_WORD.sub(" ", words)
    words = re.sub(r"(?<![0-9])[.:/](?![0-9])", " ", words)
    words = _SPACES.sub(" ", words).strip()

    compact = _DIGIT_WORD_RUN.sub(_digit_words, plain)
    compact = _BETWEEN_DIGITS.sub("", compact)
    compact = _SPACES.sub(" ", compact).strip()
    return Normalised(original=text, plain=plain, words=words, compact=compact)
