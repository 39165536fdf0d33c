"""The product's worker: which jobs it runs and which periodic tasks it keeps."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.booking import idempotency
from pnplive.booking.models import Booking
from pnplive.calendar import service as calendar_service
from pnplive.config import Settings, get_settings
from pnplive.kit.clock import Clock
from pnplive.kit.db import Database
from pnplive.notification import jobs as notification_jobs
from pnplive.notification.delivery import Extras
from pnplive.notification.notifier import Notifier
from pnplive.notification.planner import purge_messages
from pnplive.payment import jobs as payment_jobs
from pnplive.payment import service as payments
from pnplive.payment.providers.registry import Providers, build
from pnplive.payment.settings import PaymentSettings
from pnplive.performer import presence
from pnplive.safety.archive import archive_old
from pnplive.video import jobs as video_jobs
from pnplive.video import links
from pnplive.video.models import Side
from pnplive.video.providers import registry as video_registry
from pnplive.video.providers.base import VideoProvider
from pnplive.video.settings import VideoSettings
from pnplive.video.timing import CallTiming
from pnplive.worker.runner import (
    ExhaustedHandler,
    JobHandler,
    PeriodicTask,
    Runner,
    RunnerConfig,
)

ARCHIVE_EVERY = timedelta(hours=1)


def build_runner(
    db: Database,
    clock: Clock,
    providers: Providers | None = None,
    cfg: RunnerConfig | None = None,
    notifier: Notifier | None = None,
    settings: Settings | None = None,
    video: VideoProvider | None = None,
    video_settings: VideoSettings | None = None,
) -> Runner:
    """Refunds and checkout expiry (payments); each pass also lapses unpaid bookings (F-BK-3)
    and forgets idempotency keys past their time. With a notifier, also the notices, reminders,
    alerts and broadcasts (F-NTF-1..5). Always the call lifecycle: rooms (the configured video
    provider unless one is given), live, completed, no-shows (F-WRK-1).

    Jobs of kinds without a handler here (notices, when no notifier is configured) stay queued
    for a runner that has their handlers.
    """
    providers = providers or build(PaymentSettings())

    def payment_handler(kind: str) -> JobHandler:
        async def handle(payload: dict[str, Any]) -> object:
            return await payment_jobs.run(db, kind, payload, providers=providers, clock=clock)

        return handle

    handlers: dict[str, JobHandler] = {
        kind: payment_handler(kind) for kind in payment_jobs.HANDLERS
    }

    def exhausted_handler(kind: str) -> ExhaustedHandler:
        async def give_up(payload: dict[str, Any], error: str) -> object:
            return await payment_jobs.ON_EXHAUSTED[kind](db, payload, error, clock)

        return give_up

    exhausted = {kind: exhausted_handler(kind) for kind in payment_jobs.ON_EXHAUSTED}
    core = settings or get_settings()
    vcfg = video_settings or VideoSettings()
    timing = CallTiming.of(vcfg)
    video = video or video_registry.build(vcfg)
    handlers.update(video_jobs.handlers(db, clock, video, timing))
    if notifier is not None:
        extras = call_extras(core.public_base_url, vcfg.early_join_minutes)
        handlers.update(notification_jobs.handlers(db, clock, notifier, extras=extras))
    idle = timedelta(minutes=core.performer_idle_minutes)

    async def idle_offline(session: AsyncSession, now: datetime) -> object:
        return await presence.idle_offline(session, now, idle)

    archive_after = timedelta(days=core.archive_after_days)
    archived_last: list[datetime] = []

    async def archive(session: AsyncSession, now: datetime) -> object:
        # Old bookings age by days: one look an hour is plenty (the task runs every pass).
        if archived_last and now - archived_last[0] < ARCHIVE_EVERY:
            return 0
        archived_last[:] = [now]
        return await archive_old(session, now, archive_after)

    periodic: list[PeriodicTask] = [
        payments.expire_unpaid,
        idempotency.purge_expired,
        idle_offline,
        archive,
        purge_messages,
    ]
    return Runner(db, clock, handlers, periodic=periodic, cfg=cfg, on_exhausted=exhausted)


def call_extras(base_url: str, early_join_minutes: int) -> Extras:
    """What notices carry about the call: the recipient's join link and calendar file."""

    async def join_url_for(session: AsyncSession, booking: Booking, user_id: int) -> str | None:
        return await links.ensure_link_for_user(session, booking, user_id, base_url)

    async def calendar_for(session: AsyncSession, booking: Booking, user_id: int) -> bytes | None:
        side = Side.MEMBER if booking.user_id == user_id else Side.PERFORMER
        return await calendar_service.booking_calendar(
            session, booking, side, base_url, booking.updated_at
        )

    return Extras(
        calendar_for=calendar_for,
        join_url_for=join_url_for,
        early_join_minutes=early_join_minutes,
    )
