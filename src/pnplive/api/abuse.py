"""A member refused for going too fast is counted towards the abuse limits (F-SAF-5).

The count is written after the 429 is sent, in its own transaction: the request's own unit of
work is rolled back with the error, and on SQLite a second writer inside it would wait forever.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from starlette.background import BackgroundTask

from pnplive.config import Settings
from pnplive.kit.clock import Clock
from pnplive.kit.db import Database
from pnplive.safety import abuse
from pnplive.safety.models import AbuseKind

log = logging.getLogger("pnplive.api")


async def _count(app: FastAPI, user_id: int) -> None:
    db: Database = app.state.db
    clock: Clock = app.state.clock
    settings: Settings = app.state.settings
    try:
        async with db.transaction() as session:
            await abuse.record(
                session, user_id, AbuseKind.RATE_LIMITED, clock.now(), abuse.Limits.of(settings)
            )
    except Exception:  # counting must never break answering; the next episode counts again
        log.exception("could not count a rate-limit episode of user %s", user_id)


def counted_after(request: Request) -> BackgroundTask | None:
    """The task that counts this refusal, when a member was refused."""
    user_id: int | None = getattr(request.state, "rate_limited_user", None)
    if user_id is None:
        return None
    return BackgroundTask(_count, request.app, user_id)
