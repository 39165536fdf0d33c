"""The rules classifier: each category in English and Spanish, through the usual disguises, and
ordinary booking chatter left alone."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pnplive.moderation.categories import Category, Decision
from pnplive.moderation.evaluation import load, split_path
from pnplive.moderation.rules import RULES, RulesClassifier

rules = RulesClassifier()


@pytest.mark.parametrize(
    ("text", "category", "decision"),
    [
        ("I'm 16, is that ok?", Category.MINORS, Decision.BLOCK),
        ("tengo 15 añitos jeje", Category.MINORS, Decision.BLOCK),
        ("she is 14 and wants to watch the show", Category.MINORS, Decision.BLOCK),
        ("any menores de edad available?", Category.MINORS, Decision.BLOCK),
        ("put something in her drink first", Category.NON_CONSENT, Decision.BLOCK),
        ("grabaré la llamada sin que se dé cuenta", Category.NON_CONSENT, Decision.BLOCK),
        ("I'll leak your nudes to everyone", Category.NON_CONSENT, Decision.BLOCK),
        ("I know where you live", Category.VIOLENCE, Decision.BLOCK),
        ("te voy a matar perra", Category.VIOLENCE, Decision.BLOCK),
        ("you stupid f4gg0t", Category.HARASSMENT, Decision.BLOCK),
        ("k y s", Category.HARASSMENT, Decision.BLOCK),
        ("eres una gorda asquerosa", Category.HARASSMENT, Decision.HOLD),
        ("I want to kill myself tonight", Category.SELF_HARM, Decision.HOLD),
        ("ya no quiero vivir", Category.SELF_HARM, Decision.HOLD),
        ("selling tina and g, dm for prices", Category.ILLEGAL_GOODS, Decision.BLOCK),
        ("vendo perico a domicilio", Category.ILLEGAL_GOODS, Decision.BLOCK),
        ("fake IDs for sale", Category.ILLEGAL_GOODS, Decision.BLOCK),
        ("escríbeme al 3️⃣0️⃣0️⃣ 1 2 3 4 5 6 7", Category.OFF_PLATFORM, Decision.BLOCK),
        (
            "tres cero cero uno dos tres cuatro cinco seis siete",
            Category.OFF_PLATFORM,
            Decision.BLOCK,
        ),
        ("juan arroba gmail punto com", Category.OFF_PLATFORM, Decision.BLOCK),
        ("follow me @luna_private", Category.OFF_PLATFORM, Decision.BLOCK),
        ("add me on s n a p", Category.OFF_PLATFORM, Decision.BLOCK),
        ("pay me on cashapp instead, no fees", Category.OFF_PLATFORM, Decision.BLOCK),
        ("te paso mi nequi y me pagas por fuera", Category.OFF_PLATFORM, Decision.BLOCK),
        (
            "send usdt to 0x52908400098527886E0F7030069857D2E4169EE7",
            Category.OFF_PLATFORM,
            Decision.BLOCK,
        ),
        ("see my site luna-cams.xyz", Category.OFF_PLATFORM, Decision.BLOCK),
        ("my insta is luna_xo, message me there", Category.OFF_PLATFORM, Decision.BLOCK),
        ("mi número es: 3001234567", Category.OFF_PLATFORM, Decision.BLOCK),
        ("bring a kid on the call", Category.MINORS, Decision.BLOCK),
        ("I'm in 7th grade", Category.MINORS, Decision.BLOCK),
        ("click here to claim your prize", Category.SPAM, Decision.BLOCK),
        ("duplica tu inversión en bitcoin, ganancias garantizadas", Category.SPAM, Decision.BLOCK),
        ("your account will be suspended, verify your account", Category.SPAM, Decision.BLOCK),
    ],
)
def test_flags(text: str, category: Category, decision: Decision) -> None:
    verdict = rules.classify(text)
    assert verdict.decision_for(category) == decision
    assert all(r.startswith("rules: ") and " matched " in r for r in verdict.reasons(category))


@pytest.mark.parametrize(
    "text",
    [
        "can we do 30 min?",
        "¿a qué hora te conectas?",
        "I'm 19 and new here",
        "my 5 min call dropped",
        "is 10:30 ok? $20 is fine",
        "my email client crashed, sorry for the delay",
        "you look so hot tonight, can't wait for our call",
        "estoy muy caliente, nos vemos a las 9",
        "the Telegram bot keeps freezing",
        "I paid in the app with crypto",
        "my son is 8 years old so I need to be done by 9",
        "I'd die for your smile haha",
        "booking number 12345678",
        "the call costs 1.200.000 pesos?",
        "call me daddy",
        "hola niña, ¿cómo estás?",
        "I quit meth three years ago, sober now",
        "my telegram is so slow today",
        "mi whatsapp está lleno de mensajes del trabajo",
        "my number is the same as last year, did you get the reminder?",
        "I have three kids, so calls only after 9",
        "my snapchat got hacked, what a week",
    ],
)
def test_ordinary_and_adult_consensual_talk_passes(text: str) -> None:
    verdict = rules.classify(text)
    assert verdict.decision == Decision.ALLOW, verdict.reasons()


def test_every_rule_has_a_unique_name_prefixed_by_its_category() -> None:
    names = [r.name for r in RULES]
    assert len(names) == len(set(names))
    assert all(r.name.split(".")[0] == r.category.value for r in RULES)


chatter = st.builds(
    lambda ask, mins, h, m, price, cur: ask.format(mins=mins, h=h, m=m, price=price, cur=cur),
    st.sampled_from(
        [
            "can we do {mins} min at {h}:{m}?",
            "¿podemos hacer {mins} minutos a las {h}:{m}?",
            "is {price} {cur} for {mins} minutes right?",
            "I booked {mins} min for {h}:{m}, is it {price}{cur}?",
            "nos vemos a las {h}:{m}, son {price} {cur}",
            "running {mins} min late, still ok for {h}:{m}?",
        ]
    ),
    st.sampled_from([15, 30, 45, 60, 75, 90, 120]),
    st.integers(0, 23),
    st.sampled_from(["00", "15", "30", "45"]),
    st.integers(1, 2_000_000),
    st.sampled_from(["USD", "usd", "pesos", "COP", "$", "EUR", "stars", ""]),
)


@given(chatter)
def test_booking_chatter_with_times_durations_and_prices_is_never_blocked(text: str) -> None:
    assert rules.classify(text).decision != Decision.BLOCK, text


BLOCKED_TRAIN = [
    e.text
    for e in load(split_path("train"))
    if e.decision == Decision.BLOCK and rules.classify(e.text).decision == Decision.BLOCK
]


def disguise(text: str, data: st.DataObject) -> str:
    """The cheap disguises people use: case, invisible characters, fullwidth and keycap digits,
    accents added to vowels."""
    out = []
    for ch in text:
        kind = data.draw(st.sampled_from(["same", "same", "case", "zwsp", "wide", "accent"]))
        if kind == "case":
            ch = ch.swapcase() if ch.lower() != "ß" else ch
        elif kind == "zwsp":
            ch = ch + "\u200b"
        elif kind == "wide" and ch.isdigit() and ch.isascii():
            ch = data.draw(st.sampled_from([chr(0xFF10 + int(ch)), ch + "\ufe0f\u20e3"]))
        elif kind == "accent" and ch in "aeiou":
            ch = ch + "\u0301"
        out.append(ch)
    return "".join(out)


@given(st.sampled_from(BLOCKED_TRAIN), st.data())
def test_disguises_do_not_unblock(text: str, data: st.DataObject) -> None:
    disguised = disguise(text, data)
    assert rules.classify(disguised).decision == Decision.BLOCK, disguised
