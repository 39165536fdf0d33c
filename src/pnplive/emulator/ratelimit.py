"""Telegram's flood limits as token buckets: about 1 message/s per chat with a short burst, and
an overall rate per bot. Off unless configured; time is passed in so the rules are testable."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TypeVar

K = TypeVar("K")


@dataclass(frozen=True)
class RateLimits:
    per_chat_per_second: float | None = None
    per_chat_burst: int = 3
    global_per_second: float | None = None
    global_burst: int = 30


@dataclass
class _Bucket:
    rate: float
    capacity: int
    tokens: float
    at: float

    def wait_needed(self, now: float) -> float:
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
        self.at = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


@dataclass
class FloodControl:
    limits: RateLimits
    _chats: dict[tuple[int, int], _Bucket] = field(default_factory=dict)
    _bots: dict[int, _Bucket] = field(default_factory=dict)

    def check(self, bot_id: int, chat_id: int, now: float) -> int | None:
        """Take one message's worth from the buckets; if refused, the ``retry_after`` seconds."""
        buckets: list[_Bucket] = []
        if self.limits.per_chat_per_second:
            buckets.append(
                self._bucket(
                    self._chats,
                    (bot_id, chat_id),
                    self.limits.per_chat_per_second,
                    self.limits.per_chat_burst,
                    now,
                )
            )
        if self.limits.global_per_second:
            buckets.append(
                self._bucket(
                    self._bots, bot_id, self.limits.global_per_second, self.limits.global_burst, now
                )
            )
        wait = max((b.wait_needed(now) for b in buckets), default=0.0)
        if wait > 0:
            return max(1, math.ceil(wait))
        for bucket in buckets:
            bucket.tokens -= 1
        return None

    @staticmethod
    def _bucket(
        buckets: dict[K, _Bucket], key: K, rate: float, capacity: int, now: float
    ) -> _Bucket:
        if key not in buckets:
            buckets[key] = _Bucket(rate, capacity, float(capacity), now)
        return buckets[key]
