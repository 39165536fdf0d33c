"""F-AV-6 through HTTP: many members racing for one slot get exactly one booking."""

from __future__ import annotations

import asyncio

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from pnplive.booking.models import Booking
from pnplive.booking.states import OCCUPYING
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from tests.api.support import client_for, iso, tma, tomorrow_at
from tests.factories import make_performer, make_user

pytestmark = pytest.mark.asyncio

RACERS = 50


async def test_fifty_parallel_bookings_for_one_slot_make_one(
    db: Database, clock: FrozenClock, app: FastAPI
) -> None:
    async with db.transaction() as s:
        p = await make_performer(s, clock.now(), buffer_before=5, buffer_after=10)
        members = [await make_user(s, clock.now()) for _ in range(RACERS)]
    start = tomorrow_at(clock, 15)

    async with client_for(app) as client:

        async def book(i: int) -> int:
            m = members[i]
            # Every other racer asks for a start 15 minutes later: it overlaps through buffers.
            at = start if i % 2 == 0 else tomorrow_at(clock, 15, 15)
            headers = tma(m.telegram_id, clock.now()) | {"Idempotency-Key": f"race-{i}"}
            r = await client.post(
                "/api/bookings",
                json={"performer_id": p.id, "start": iso(at), "duration": 30, "accept_rules": True},
                headers=headers,
            )
            if r.status_code == 409:
                assert r.json()["error"]["code"] in {"slot_taken"}, r.text
            return r.status_code

        statuses = await asyncio.gather(*(book(i) for i in range(RACERS)))

    assert sorted(statuses) == [201] + [409] * (RACERS - 1), statuses
    async with db.transaction() as s:
        live = (
            await s.scalars(select(Booking).where(Booking.status.in_([x.value for x in OCCUPYING])))
        ).all()
    assert len(live) == 1 and live[0].status == "pending_payment"
