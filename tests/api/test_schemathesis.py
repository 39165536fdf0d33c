"""Property-based run of schemathesis against the app's own OpenAPI schema.

Every operation gets a bounded number of generated requests, signed in as the role that may use
it; no response may be a 5xx, and every response must match the documented status codes, content
types and schemas.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import text

from pnplive.api.app import create_app
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.models import metadata
from tests.api.support import World, build_world, make_app, make_settings
from tests.conftest import NOW

MAX_EXAMPLES = 12


async def _seed(url: str, clock: FrozenClock) -> World:
    db = Database(url)
    try:
        return await build_world(db, clock)
    finally:
        await db.dispose()


async def _wipe(url: str) -> None:
    db = Database(url)
    try:
        async with db.engine.begin() as conn:
            if db.dialect == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
                await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in reversed(metadata.sorted_tables):
                    await conn.execute(table.delete())
    finally:
        await db.dispose()


@pytest.fixture
def api_world(database_url: str) -> Iterator[tuple[World, object]]:
    clock = FrozenClock(NOW)
    world = asyncio.run(_seed(database_url, clock))
    # The app's engine is used only on schemathesis' own event loop thread.
    app = make_app(Database(database_url), clock)
    yield world, app
    asyncio.run(_wipe(database_url))


# The schema is read from an app built only for that (its database is never opened); the
# requests go to the fixture's app on the test database.
_SCHEMA_DB = Path(tempfile.gettempdir()) / "pnplive-schema-only" / "unused.sqlite3"
schema = schemathesis.openapi.from_asgi(
    "/openapi.json",
    create_app(make_settings(f"sqlite+aiosqlite:///{_SCHEMA_DB}"), clock=FrozenClock(NOW)),
)


def role_for(path: str) -> str:
    if path.startswith("/api/admin"):
        return "superadmin"
    if path.startswith("/api/model/me"):
        return "performer"
    return "prime"


@schema.exclude(path_regex=r"^/(webhooks|checkout|sandbox|pay)").parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_schema(
    case: schemathesis.Case, api_world: tuple[World, object]
) -> None:
    world, app = api_world
    case.call_and_validate(
        app=app,
        headers=world.headers(role_for(case.path)),
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
