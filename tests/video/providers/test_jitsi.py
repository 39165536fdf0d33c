"""Public Jitsi, and the room names every provider uses."""

from __future__ import annotations

import json
import re
from datetime import datetime
from urllib.parse import unquote, urlsplit

import pytest

from pnplive.video.providers.base import WebhookRejected
from pnplive.video.providers.common import new_room_name, unix
from pnplive.video.providers.jitsi import JitsiProvider
from tests.video.providers.support import MEMBER, NOW, PERFORMER, room_request

NAME = re.compile(r"pnplive-([0-9a-f]{32})")


def test_room_names_are_lowercase_unique_and_carry_128_random_bits() -> None:
    names = [new_room_name() for _ in range(2000)]
    assert len(set(names)) == len(names)
    for name in names:
        match = NAME.fullmatch(name)
        assert match is not None and name == name.lower()
        assert len(match.group(1)) * 4 >= 128
    # every hex position varies: the suffix is not a counter or a timestamp
    for i in range(32):
        assert len({NAME.fullmatch(n).group(1)[i] for n in names}) > 8  # type: ignore[union-attr]


@pytest.mark.asyncio
async def test_each_participant_opens_the_same_room_under_their_own_name() -> None:
    provider = JitsiProvider(base="https://meet.jit.si/")
    first = await provider.open_room(room_request())
    second = await provider.open_room(room_request())

    assert first.provider == "jitsi" and NAME.fullmatch(first.room_name)
    assert first.room_name != second.room_name
    for who in (PERFORMER, MEMBER):
        url = urlsplit(first.join_urls[who.user_id])
        assert (url.scheme, url.netloc, url.path) == ("https", "meet.jit.si", f"/{first.room_name}")
        key, _, value = url.fragment.partition("=")
        assert key == "userInfo.displayName"
        assert json.loads(unquote(value)) == who.name  # Jitsi reads fragment values as JSON
        assert not set(value) & set(' "&#')


@pytest.mark.asyncio
async def test_public_jitsi_has_no_webhooks_and_nothing_to_close() -> None:
    provider = JitsiProvider()
    assert provider.has_webhooks is False
    await provider.close_room("pnplive-x")
    with pytest.raises(WebhookRejected):
        provider.parse_webhook({}, b"{}", NOW)


def test_room_times_must_carry_a_timezone() -> None:
    assert unix(NOW) == 1803891600
    with pytest.raises(ValueError, match="timezone"):
        unix(datetime(2027, 3, 1, 9, 0))
