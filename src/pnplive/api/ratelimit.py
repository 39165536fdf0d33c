"""Rate limits per client address and per caller (F-SAF-5), with the ``limits`` package.

In memory by default (one process); Redis when ``PNPLIVE_REDIS_URL`` is set, so several API
replicas share the counters.
"""

from __future__ import annotations

import math
import time

from limits import parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.limits import RateLimitItem

from pnplive.errors import PnpError


class RateLimited(PnpError):
    code = "rate_limited"
    status = 429


class RateLimiter:
    def __init__(
        self,
        *,
        per_ip: str,
        per_user: str,
        bookings: str,
        webhooks: str = "3000/minute",
        redis_url: str | None = None,
        enabled: bool = True,
        prefix: str = "pnplive",
    ) -> None:
        self.enabled = enabled
        self.prefix = prefix
        self.storage: Storage
        if redis_url:
            uri = redis_url.replace("redis://", "async+redis://", 1).replace(
                "rediss://", "async+rediss://", 1
            )
            self.storage = RedisStorage(uri, implementation="redispy")
        else:
            self.storage = MemoryStorage()
        self.limiter = MovingWindowRateLimiter(self.storage)
        self.items: dict[str, RateLimitItem] = {
            "ip": parse(per_ip),
            "user": parse(per_user),
            "bookings": parse(bookings),
            "webhooks": parse(webhooks),
        }

    async def hit(self, kind: str, key: str) -> None:
        """Count one request of ``kind`` for ``key``; ``RateLimited`` when over the limit."""
        if not self.enabled:
            return
        item = self.items[kind]
        if await self.limiter.hit(item, self.prefix, kind, key):
            return
        stats = await self.limiter.get_window_stats(item, self.prefix, kind, key)
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        raise RateLimited(
            "too many requests; please slow down", retry_after=retry_after, limit=str(item)
        )
