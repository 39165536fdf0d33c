"""Run a booking write under an ``Idempotency-Key`` and answer with the stored or new result."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.api.deps import Principal
from pnplive.booking import idempotency

IdempotencyKeyHeader = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=idempotency.MAX_KEY_LENGTH,
        description="A unique key per intended booking (e.g. a UUID). Repeating a request with "
        "the same key and body returns the first result; another body under the same key is "
        "refused with 422 idempotency_key_reused. Keys are kept for 24 hours.",
        examples=["3f0c9a3e-8d7b-4c55-9a39-2f6f3b9f6d11"],
    ),
]


async def run(
    session: AsyncSession,
    principal: Principal,
    key: str,
    operation: str,
    payload: BaseModel,
    now: datetime,
    work: Callable[[], Awaitable[BaseModel]],
    status_code: int = 201,
) -> JSONResponse:
    request_hash = idempotency.fingerprint(operation, payload.model_dump(mode="json"))
    scope = f"{principal.rate_key}:{operation}"
    claim = await idempotency.claim(session, scope, key, request_hash, now)
    if isinstance(claim, idempotency.Replay):
        return JSONResponse(
            claim.body, status_code=claim.status_code, headers={"Idempotent-Replayed": "true"}
        )
    result = await work()
    body: dict[str, Any] = result.model_dump(mode="json")
    await idempotency.complete(session, claim, status_code, body)
    return JSONResponse(body, status_code=status_code)
