"""The FastAPI application factory (REST API, SPEC §14)."""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from pnplive import __version__
from pnplive.api import errors
from pnplive.api.deps import KnownMembers, limit_by_ip, limit_webhooks_by_ip
from pnplive.api.guards import reject_unstorable_text
from pnplive.api.ratelimit import RateLimiter
from pnplive.api.routers import (
    admin,
    admin_money,
    admin_ops,
    admin_users,
    analytics,
    bookings,
    calls,
    me,
    mini_app,
    model_me,
    models,
    notifications,
    proposals,
    reviews,
    safety,
    telegram,
    web_admin,
    web_bookings,
    web_ops,
    web_performer,
)
from pnplive.api.settings import ApiSettings
from pnplive.api.slot_cache import SlotCache
from pnplive.booking.rules import BookingRules
from pnplive.bot.runner import BotRunner
from pnplive.config import Settings, get_settings
from pnplive.emulator.emulator import Emulator
from pnplive.kit.clock import Clock, SystemClock
from pnplive.kit.db import Database
from pnplive.notification.notifier import Notifier
from pnplive.video.providers import registry as video_registry
from pnplive.video.providers.base import VideoProvider
from pnplive.video.settings import VideoSettings
from pnplive.video.timing import CallTiming

DESCRIPTION = """
Book and pay for private 1:1 video calls with performers.

**Authentication.** Members and performers send the Telegram Mini App init data:
`Authorization: tma <initData>` (checked against the bot token, and not older than the configured
age). Admins and integrations send an API token: `Authorization: Bearer <token>`, made with
`pnplive tokens create NAME --role admin|integration`.

**Errors.** Every error is `{"error": {"code", "message", "details"}}` with a stable `code`:
401 not signed in, 403 not allowed (booking rules have their own codes), 404 not found,
409 conflict (e.g. `slot_taken`), 422 invalid input, 429 too many requests (see `Retry-After`).
A 500 carries a `request_id` (also in the `X-Request-ID` header) to quote to support.

**Paging.** Lists take `limit` (1-100, default 20) and `offset`, and answer
`{"items", "total", "limit", "offset", "next_offset"}`; `next_offset` is null on the last page.

**Times.** Stored and sent in UTC (ISO 8601); booking and slot answers also give local times in
the viewer's IANA zone.
"""

PAYMENTS_ROUTER = "pnplive.api.routers.payments"


def create_app(
    settings: Settings | None = None,
    *,
    db: Database | None = None,
    clock: Clock | None = None,
    api_settings: ApiSettings | None = None,
    run_worker: bool = False,
    video: VideoProvider | None = None,
    video_settings: VideoSettings | None = None,
    bot: BotRunner | None = None,
    emulator: Emulator | None = None,
    notifier: Notifier | None = None,
) -> FastAPI:
    """The API app; with ``run_worker`` it also runs the background worker in its process
    (the all-in-one ``pnplive serve``)."""
    settings = settings or get_settings()
    api_settings = api_settings or ApiSettings()
    owns_db = db is None
    database = db or Database.from_settings(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        worker: asyncio.Task[None] | None = None
        polling: asyncio.Task[None] | None = None
        sender = notifier
        if run_worker:
            from pnplive.notification.setup import notifier_from_settings
            from pnplive.worker.app import build_runner

            sender = sender or notifier_from_settings(settings)
            runner = build_runner(
                database,
                app.state.clock,
                notifier=sender,
                video=app.state.video_provider,
                video_settings=video_settings,
            )
            worker = asyncio.create_task(runner.run_forever(stop=stop), name="pnplive-worker")
        if bot is not None:
            polling = asyncio.create_task(
                bot.run(stop, settings.bot_webhook_url, settings.bot_webhook_secret),
                name="pnplive-bot",
            )
        try:
            yield
        finally:
            stop.set()
            if emulator is not None:
                await emulator.aclose()  # ends the bot's waiting getUpdates at once
            for task in (worker, polling):
                if task is not None:
                    await task
            if bot is not None:
                await bot.close()
            if sender is not None:
                await sender.close()
            if owns_db:
                await database.dispose()

    app = FastAPI(
        title="PNP Live API",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.api_settings = api_settings
    app.state.db = database
    app.state.clock = clock or SystemClock()
    app.state.booking_rules = BookingRules.from_settings(settings)
    video_settings = video_settings or VideoSettings()
    app.state.video_settings = video_settings
    app.state.call_timing = CallTiming.of(video_settings)
    app.state.video_provider = video or video_registry.build(video_settings)
    app.state.known_members = KnownMembers()
    app.state.slot_cache = SlotCache()
    # SQLite runs one write transaction at a time: requests queue for it in this process.
    app.state.write_lock = asyncio.Lock() if database.dialect == "sqlite" else None
    app.state.rate_limiter = RateLimiter(
        per_ip=api_settings.rate_limit_per_ip,
        per_user=api_settings.rate_limit_per_user,
        bookings=api_settings.rate_limit_bookings,
        webhooks=api_settings.rate_limit_webhooks,
        redis_url=settings.redis_url,
        enabled=api_settings.rate_limit_enabled,
        prefix=api_settings.rate_limit_prefix,
    )
    errors.install(app)
    limited = [Depends(limit_by_ip), Depends(reject_unstorable_text)]
    for module in (
        models,
        bookings,
        model_me,
        admin,
        admin_money,
        admin_ops,
        admin_users,
        analytics,
        me,
        notifications,
        proposals,
        reviews,
        safety,
        calls,
    ):
        app.include_router(module.router, dependencies=limited)
    app.state.bot = bot
    # Before the payments' /webhooks/{provider}, which would take "telegram" as a provider.
    app.include_router(
        telegram.router,
        dependencies=[Depends(limit_webhooks_by_ip), Depends(reject_unstorable_text)],
    )
    if importlib.util.find_spec(PAYMENTS_ROUTER) is not None:
        payments = importlib.import_module(PAYMENTS_ROUTER)
        # Webhooks come in bursts from providers' few addresses: their own limit, and the same
        # input guard as every other router.
        app.include_router(
            payments.router,
            dependencies=[Depends(limit_webhooks_by_ip), Depends(reject_unstorable_text)],
        )
    app.include_router(
        calls.webhooks_router,
        dependencies=[Depends(limit_webhooks_by_ip), Depends(reject_unstorable_text)],
    )

    app.include_router(web_admin.router)
    app.include_router(web_bookings.router)
    app.include_router(web_performer.router)
    app.include_router(web_ops.router)
    app.include_router(mini_app.router)
    if emulator is not None:
        # The local Telegram: its Bot API and chat page (development, and the tests).
        app.mount("/emulator", emulator.asgi_app())
    app.mount(
        "/static",
        StaticFiles(directory=str(Path(__file__).resolve().parent / "static")),
        name="static",
    )

    @app.get("/healthz", tags=["service"], summary="Liveness")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
