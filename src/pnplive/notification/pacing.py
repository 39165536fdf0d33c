"""Pacing outgoing messages: an overall rate and a per-chat minimum gap (F-NTF-5).

Telegram allows about 30 messages a second overall and one a second per chat. Messages are spaced
evenly (never a burst), so no one-second window ever holds more than the rate. Time and sleeping
are injected, so the logic is tested without waiting.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable


class Pacer:
    def __init__(
        self,
        per_second: float,
        per_chat_seconds: float = 1.0,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        remember_chats: int = 100_000,
    ) -> None:
        if per_second <= 0:
            raise ValueError("the rate must be positive")
        self.gap = 1.0 / per_second
        self.per_chat = per_chat_seconds
        self._monotonic = monotonic
        self._sleep = sleep
        self._next = 0.0
        self._chats: OrderedDict[int, float] = OrderedDict()
        self._remember = remember_chats
        self._lock = asyncio.Lock()

    async def wait(self, chat_id: int) -> None:
        """Return when a message to ``chat_id`` may go."""
        async with self._lock:
            now = self._monotonic()
            at = max(now, self._next, self._chats.get(chat_id, 0.0))
            if at > now:
                await self._sleep(at - now)
            self._next = at + self.gap
            self._chats[chat_id] = at + self.per_chat
            self._chats.move_to_end(chat_id)
            while len(self._chats) > self._remember:
                self._chats.popitem(last=False)

    async def pause(self, seconds: float) -> None:
        """Telegram said to wait: nobody sends until then."""
        async with self._lock:
            self._next = max(self._next, self._monotonic() + seconds)
