"""The all-in-one app runs the background worker inside its lifespan."""

from __future__ import annotations

import asyncio

import pytest

from pnplive.api.app import create_app
from pnplive.booking.models import Booking
from pnplive.booking.states import Status
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from tests.api.support import make_settings
from tests.booking.test_holds import at, hold, setup


@pytest.mark.asyncio
async def test_serve_app_lapses_unpaid_holds_in_the_background(
    db: Database, clock: FrozenClock, database_url: str
) -> None:
    performer, (user,) = await setup(db, clock)
    b = await hold(db, clock, user, performer, at(clock), 30)
    clock.advance(minutes=11)
    app = create_app(make_settings(database_url), db=db, clock=clock, run_worker=True)
    async with app.router.lifespan_context(app):
        for _ in range(100):
            async with db.transaction() as s:
                status = (await s.get(Booking, b.id)).status  # type: ignore[union-attr]
            if status == Status.EXPIRED:
                break
            await asyncio.sleep(0.05)
    assert status == Status.EXPIRED


@pytest.mark.asyncio
async def test_api_alone_runs_no_worker(
    db: Database, clock: FrozenClock, database_url: str
) -> None:
    performer, (user,) = await setup(db, clock)
    b = await hold(db, clock, user, performer, at(clock), 30)
    clock.advance(minutes=11)
    app = create_app(make_settings(database_url), db=db, clock=clock)
    async with app.router.lifespan_context(app):
        await asyncio.sleep(0.3)
    async with db.transaction() as s:
        assert (await s.get(Booking, b.id)).status == Status.HELD  # type: ignore[union-attr]
