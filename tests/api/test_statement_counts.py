"""SQL statements per request on the hot paths, counted with an engine event, so that a change
adding round trips to availability or to a hold fails here rather than only in the benchmarks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import event

from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from tests.api.support import tma
from tests.api.test_bookings import body, post, setup

pytestmark = pytest.mark.asyncio

# Budgets: the counts measured on both engines when set. Lower them when a change saves a
# statement; raising one needs a reason.
AVAILABILITY_BUDGET = 7
CACHED_AVAILABILITY_BUDGET = 4  # an answer from the cache: the viewer, the performer
HOLD_BUDGET = 19


class Counter:
    def __init__(self) -> None:
        self.statements: list[str] = []


@contextmanager
def counting(db: Database) -> Iterator[Counter]:
    counter = Counter()

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        counter.statements.append(statement)

    target = db.engine.sync_engine
    event.listen(target, "before_cursor_execute", seen)
    try:
        yield counter
    finally:
        event.remove(target, "before_cursor_execute", seen)


async def test_availability_request_statements(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    p, u = await setup(db, clock)
    h = tma(u.telegram_id, clock.now())
    first_sight = f"/api/models/{p.id}/availability?duration=45"
    assert (await client.get(first_sight, headers=h)).status_code == 200
    url = f"/api/models/{p.id}/availability?duration=30"
    with counting(db) as computed:
        r = await client.get(url, headers=h)
    assert r.status_code == 200, r.text
    assert sum(len(d["slots"]) for d in r.json()["days"]) > 0
    with counting(db) as cached:
        again = await client.get(url, headers=h)
    assert again.content == r.content
    print(
        f"availability: {len(computed.statements)} statements computed, "
        f"{len(cached.statements)} cached, on {db.dialect}"
    )
    assert 0 < len(computed.statements) <= AVAILABILITY_BUDGET, computed.statements
    assert 0 < len(cached.statements) <= CACHED_AVAILABILITY_BUDGET, cached.statements


async def test_hold_request_statements(
    db: Database, clock: FrozenClock, client: httpx.AsyncClient
) -> None:
    p, u = await setup(db, clock)
    # First sight of the member and a first hold, outside the count.
    assert (await post(client, clock, u, body(p, clock, hour=9), key="k-0")).status_code == 201
    with counting(db) as c:
        r = await post(client, clock, u, body(p, clock, hour=14), key="k-1")
    assert r.status_code == 201, r.text
    print(f"hold: {len(c.statements)} statements on {db.dialect}")
    assert 0 < len(c.statements) <= HOLD_BUDGET, c.statements
