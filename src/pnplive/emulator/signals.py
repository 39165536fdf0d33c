"""Waking waiters when something changes, without polling loops or sleeps."""

from __future__ import annotations

import asyncio
import contextlib


class Signal:
    """Each ``fire`` wakes everyone currently in ``wait``; later waiters wait for the next one."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seconds: float) -> bool:
        """True if fired within ``seconds``."""
        event = self._event
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), seconds)
        return event.is_set()
