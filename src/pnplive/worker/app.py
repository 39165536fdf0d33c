"""The product's worker: which jobs it runs and which periodic tasks it keeps."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.booking import idempotency
from pnplive.config import Settings, get_settings
from pnplive.kit.clock import Clock
from pnplive.kit.db import Database
from pnplive.notification import jobs as notification_jobs
from pnplive.notification.notifier import Notifier
from pnplive.payment import jobs as payment_jobs
from pnplive.payment import service as payments
from pnplive.payment.providers.registry import Providers, build
from pnplive.payment.settings import PaymentSettings
from pnplive.performer import presence
from pnplive.worker.runner import (
    ExhaustedHandler,
    JobHandler,
    PeriodicTask,
    Runner,
    RunnerConfig,
)


def build_runner(
    db: Database,
    clock: Clock,
    providers: Providers | None = None,
    cfg: RunnerConfig | None = None,
    notifier: Notifier | None = None,
    settings: Settings | None = None,
) -> Runner:
    """Refunds and checkout expiry (payments); each pass also lapses unpaid bookings (F-BK-3)
    and forgets idempotency keys past their time. With a notifier, also the notices, reminders,
    alerts and broadcasts (F-NTF-1..5).

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
    if notifier is not None:
        handlers.update(notification_jobs.handlers(db, clock, notifier))
    idle = timedelta(minutes=(settings or get_settings()).performer_idle_minutes)

    async def idle_offline(session: AsyncSession, now: datetime) -> object:
        return await presence.idle_offline(session, now, idle)

    periodic: list[PeriodicTask] = [
        payments.expire_unpaid,
        idempotency.purge_expired,
        idle_offline,
    ]
    return Runner(db, clock, handlers, periodic=periodic, cfg=cfg, on_exhausted=exhausted)
