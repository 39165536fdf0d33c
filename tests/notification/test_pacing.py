"""The pacer with a virtual clock: even spacing overall, a gap per chat, pauses honoured."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pnplive.notification.pacing import Pacer


class VirtualTime:
    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.now += seconds


async def send_times(pacer: Pacer, vt: VirtualTime, chats: list[int]) -> list[tuple[float, int]]:
    out = []
    for chat in chats:
        await pacer.wait(chat)
        out.append((vt.now, chat))
    return out


@settings(max_examples=60, deadline=None)
@given(
    rate=st.sampled_from([1.0, 5.0, 25.0, 30.0]),
    chats=st.lists(st.integers(min_value=1, max_value=8), min_size=1, max_size=120),
)
@pytest.mark.asyncio
async def test_no_second_holds_more_than_the_rate_and_no_chat_gets_two_a_second(
    rate: float, chats: list[int]
) -> None:
    vt = VirtualTime()
    pacer = Pacer(rate, 1.0, monotonic=vt.monotonic, sleep=vt.sleep)
    times = await send_times(pacer, vt, chats)
    stamps = [at for at, _ in times]
    for i, start in enumerate(stamps):
        in_window = [s for s in stamps[i:] if s < start + 1.0 - 1e-9]
        assert len(in_window) <= rate
    last: dict[int, float] = {}
    for at, chat in times:
        if chat in last:
            assert at - last[chat] >= 1.0 - 1e-9
        last[chat] = at


@pytest.mark.asyncio
async def test_a_pause_holds_everyone_back() -> None:
    vt = VirtualTime()
    pacer = Pacer(10, monotonic=vt.monotonic, sleep=vt.sleep)
    await pacer.wait(1)
    await pacer.pause(5)
    await pacer.wait(2)
    assert vt.now == pytest.approx(5.0)


def test_the_rate_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        Pacer(0)
