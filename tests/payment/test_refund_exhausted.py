"""A refund whose job runs out of retries is not forgotten (issue 7, defect 1): it becomes
``failed``, admins are alerted, and an admin can ask for it again with the same key."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

import pytest
from sqlalchemy import select

from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.payment import refunds, service
from pnplive.payment.errors import ProviderError
from pnplive.payment.models import RefundStatus
from pnplive.payment.providers.base import RefundRequest, RefundResult
from pnplive.payment.providers.sandbox import SandboxProvider
from pnplive.worker.app import build_runner
from pnplive.worker.runner import RunnerConfig
from tests.payment import support
from tests.payment.signers import SIGNERS

pytestmark = pytest.mark.asyncio
SANDBOX = next(sg for sg in SIGNERS if sg.provider == "sandbox")
CFG = RunnerConfig(max_attempts=3, base_backoff=timedelta(seconds=30))


class FlakySandbox(SandboxProvider):
    """The sandbox, down for refunds until told otherwise; records the idempotency keys."""

    down: ClassVar[bool] = True
    keys: ClassVar[list[str]] = []

    async def refund(self, req: RefundRequest) -> RefundResult:
        FlakySandbox.keys.append(req.idempotency_key)
        if FlakySandbox.down:
            raise ProviderError("sandbox refunds are down", retryable=True)
        return await super().refund(req)


async def paid_and_refund_owed(db: Database, clock: FrozenClock) -> str:
    providers = support.all_providers()
    setup = await support.pending_booking(db, clock, days=2)
    p = await service.start_checkout(
        db,
        setup.booking_id,
        providers=providers,
        clock=clock,
        public_base_url="http://testserver",
        provider="sandbox",
    )
    body, headers = SANDBOX.paid(p, clock.now())
    await service.process_webhook(db, "sandbox", body, headers, providers=providers, clock=clock)
    async with db.transaction() as s:
        from pnplive.booking import service as bookings

        b = await bookings.get_booking(s, setup.booking_id)
        r = await refunds.refund_booking(
            s, b, amount=None, reason="test", requested_by="admin", actor_id=None, now=clock.now()
        )
        return r.public_id


async def test_a_refund_out_of_retries_fails_alerts_and_can_be_retried(
    db: Database, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    providers = support.all_providers()
    flaky = FlakySandbox("test-secret-key-0123456789", "http://testserver", 300)
    monkeypatch.setitem(providers._by_name, "sandbox", flaky)  # type: ignore[attr-defined]
    FlakySandbox.down, FlakySandbox.keys = True, []
    refund_id = await paid_and_refund_owed(db, clock)
    runner = build_runner(db, clock, providers=providers, cfg=CFG)
    for _ in range(3):
        await runner.tick()
        clock.advance(minutes=5)
    (refund,) = await support.refunds_of(db, await _booking_of(db, refund_id))
    assert refund.status == RefundStatus.FAILED
    assert "gave up after retries" in (refund.last_error or "")
    alerts = await support.jobs(db, "admin_alert")
    assert any(j.payload.get("kind") == "refund_failed" for j in alerts)
    # An admin asks again: the provider sees the same idempotency key, and it goes through.
    async with db.transaction() as s:
        await refunds.retry_refund(s, refund_id, admin_id=None, now=clock.now())
    FlakySandbox.down = False
    await runner.tick()
    (refund,) = await support.refunds_of(db, await _booking_of(db, refund_id))
    assert refund.status == RefundStatus.SUCCEEDED
    assert set(FlakySandbox.keys) == {refund.idempotency_key} and len(FlakySandbox.keys) == 4


async def _booking_of(db: Database, refund_id: str) -> str:
    from pnplive.booking.models import Booking
    from pnplive.payment.models import Refund

    async with db.transaction() as s:
        return str(
            await s.scalar(
                select(Booking.public_id)
                .join(Refund, Refund.booking_id == Booking.id)
                .where(Refund.public_id == refund_id)
            )
        )


class RefusingSandbox(SandboxProvider):
    """A provider that refuses refunds outright (not worth retrying) until told otherwise."""

    refusing: ClassVar[bool] = True

    async def refund(self, req: RefundRequest) -> RefundResult:
        if RefusingSandbox.refusing:
            raise ProviderError("refund refused", retryable=False)
        return await super().refund(req)


async def test_two_retries_at_the_same_moment_each_run_the_refund(
    db: Database, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    providers = support.all_providers()
    monkeypatch.setitem(
        providers._by_name,  # type: ignore[attr-defined]
        "sandbox",
        RefusingSandbox("test-secret-key-0123456789", "http://testserver", 300),
    )
    RefusingSandbox.refusing = True
    refund_id = await paid_and_refund_owed(db, clock)
    runner = build_runner(db, clock, providers=providers, cfg=CFG)
    await runner.tick()  # refused: failed at once
    for _ in range(2):  # an admin retries twice without the clock moving
        async with db.transaction() as s:
            await refunds.retry_refund(s, refund_id, admin_id=None, now=clock.now())
        await runner.tick()
        (refund,) = await support.refunds_of(db, await _booking_of(db, refund_id))
        assert refund.status == RefundStatus.FAILED  # it ran again, and failed again
    RefusingSandbox.refusing = False
    async with db.transaction() as s:
        await refunds.retry_refund(s, refund_id, admin_id=None, now=clock.now())
    await runner.tick()
    (refund,) = await support.refunds_of(db, await _booking_of(db, refund_id))
    assert refund.status == RefundStatus.SUCCEEDED
