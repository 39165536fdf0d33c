"""One outgoing provider call with a timeout and bounded retries (the only I/O helper here)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from pnplive.video.providers.base import VideoProviderError


def retryable(status: int) -> bool:
    """Daily (and most APIs) ask to retry on 429 and on server errors; other 4xx are final."""
    return status == 429 or status >= 500


async def send(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    retries: int,
    backoff: float,
    ok: frozenset[int] = frozenset(),
    **kwargs: Any,
) -> httpx.Response:
    """The answer to one call, retried on network errors, 429 and 5xx.

    A 2xx answer, or a status listed in ``ok`` (e.g. 404 on a delete), is returned; any other
    final answer raises ``VideoProviderError``.
    """
    problem = ""
    for attempt in range(retries + 1):
        if attempt:
            await asyncio.sleep(backoff * (2 ** (attempt - 1)))
        try:
            resp = await client.request(method, url, **kwargs)
        except httpx.TransportError as exc:  # connect/read errors and timeouts
            problem = f"{type(exc).__name__}: {exc}"
            continue
        if resp.is_success or resp.status_code in ok:
            return resp
        problem = f"answered {resp.status_code}: {resp.text[:200]}"
        if not retryable(resp.status_code):
            break
    raise VideoProviderError(f"{method} {url} failed: {problem}")
