"""The pure parts: HTML formatting, flood control, the update queue."""

from __future__ import annotations

import pytest

from pnplive.emulator.errors import BotApiError
from pnplive.emulator.formatting import parse_html, render_html
from pnplive.emulator.ratelimit import FloodControl, RateLimits
from pnplive.emulator.state import BotAccount, BotState


def test_html_becomes_plain_text_with_utf16_offsets() -> None:
    text, entities = parse_html('😀 <b>bold <i>both</i></b> <a href="https://x.org">x</a> &lt;3')
    assert text == "😀 bold both x <3"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 9},
        {"type": "italic", "offset": 8, "length": 4},
        {"type": "text_link", "offset": 13, "length": 1, "url": "https://x.org"},
    ]


def test_bad_html_is_refused() -> None:
    with pytest.raises(BotApiError, match="can't parse entities"):
        parse_html("<script>x</script>")
    with pytest.raises(BotApiError, match="can't parse entities"):
        parse_html("<b>open")


def test_rendering_escapes_everything_but_the_entities() -> None:
    text, entities = parse_html("😀 <b>a&lt;b</b>\n<a href='javascript:x()'>no</a>")
    assert render_html(text, entities) == "😀 <b>a&lt;b</b><br>no"


def test_flood_control_allows_a_burst_then_one_per_second() -> None:
    flood = FloodControl(RateLimits(per_chat_per_second=1, per_chat_burst=2))
    assert flood.check(1, 10, now=100.0) is None
    assert flood.check(1, 10, now=100.0) is None
    assert flood.check(1, 10, now=100.1) == 1
    assert flood.check(1, 11, now=100.1) is None  # another chat has its own allowance
    assert flood.check(1, 10, now=101.0) is None


def test_the_global_rate_limits_all_chats_together() -> None:
    flood = FloodControl(RateLimits(global_per_second=2, global_burst=2))
    assert [flood.check(1, chat, now=5.0) for chat in (1, 2, 3)] == [None, None, 1]
    assert FloodControl(RateLimits()).check(1, 1, now=0.0) is None  # off by default


def test_offsets_confirm_and_negative_offsets_keep_the_last() -> None:
    bot = BotState(BotAccount.from_token("42:abc"))
    for n in range(5):
        bot.enqueue("message", {"n": n})
    bot.confirm(3)
    assert [u.update_id for u in bot.deliverable(100)] == [3, 4, 5]
    bot.confirm(-1)
    assert [u.update_id for u in bot.deliverable(100)] == [5]


def test_tokens_must_look_like_telegrams() -> None:
    assert BotAccount.from_token("7:x-Y_z").bot_id == 7
    with pytest.raises(ValueError):
        BotAccount.from_token("no-digits")
