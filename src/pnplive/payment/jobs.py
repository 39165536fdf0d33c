"""The payment jobs the worker runs, by kind (the worker loop itself lives in ``worker/``).

- ``refund`` (key = our refund id, payload ``{"refund"}``): ``refunds.execute_refund``; a
  retryable provider failure raises, so the job is retried with the same idempotency key.
- ``close_booking_checkouts`` (key = the booking's public id, payload ``{"booking"}``), written
  by the booking service whenever a booking leaves ``pending_payment`` unpaid:
  ``service.close_booking_checkouts`` expires every open checkout of that booking.
- ``expire_checkout`` (key = our payment id, payload ``{"payment"}``):
  ``service.execute_checkout_expiry``; no longer written, kept for rows already queued.
- ``expire_unpaid`` is not a job row but a periodic task: ``service.expire_unpaid`` (F-BK-3).

Other kinds written by the payment side for other workers: ``booking_confirmed`` (the
confirmation notice with the join link), ``refund_issued`` (refund notice) and ``admin_alert``
(payment mismatches, refunds to make by hand or that failed, payments for unknown checkouts).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from pnplive.booking.service import CLOSE_CHECKOUTS_JOB
from pnplive.kit.clock import Clock
from pnplive.kit.db import Database
from pnplive.payment import refunds, service
from pnplive.payment.providers.registry import Providers

REFUND = refunds.REFUND_JOB
EXPIRE_CHECKOUT = service.EXPIRE_CHECKOUT_JOB
CLOSE_CHECKOUTS = CLOSE_CHECKOUTS_JOB

Handler = Callable[[Database, dict[str, Any], Providers, Clock], Awaitable[object]]


async def _refund(
    db: Database, payload: dict[str, Any], providers: Providers, clock: Clock
) -> object:
    return await refunds.execute_refund(
        db, str(payload["refund"]), providers=providers, clock=clock
    )


async def _expire(
    db: Database, payload: dict[str, Any], providers: Providers, clock: Clock
) -> object:
    return await service.execute_checkout_expiry(
        db, str(payload["payment"]), providers=providers, clock=clock
    )


async def _close(
    db: Database, payload: dict[str, Any], providers: Providers, clock: Clock
) -> object:
    return await service.close_booking_checkouts(
        db, str(payload["booking"]), providers=providers, clock=clock
    )


HANDLERS: dict[str, Handler] = {REFUND: _refund, EXPIRE_CHECKOUT: _expire, CLOSE_CHECKOUTS: _close}


async def run(
    db: Database, kind: str, payload: dict[str, Any], *, providers: Providers, clock: Clock
) -> object:
    """Run one payment job; raises for a failure worth retrying."""
    return await HANDLERS[kind](db, payload, providers, clock)


Exhausted = Callable[[Database, dict[str, Any], str, Clock], Awaitable[object]]


async def _refund_given_up(
    db: Database, payload: dict[str, Any], error: str, clock: Clock
) -> object:
    return await refunds.give_up_refund(db, str(payload["refund"]), error, clock)


# What happens when a job of a kind runs out of retries.
ON_EXHAUSTED: dict[str, Exhausted] = {REFUND: _refund_given_up}
