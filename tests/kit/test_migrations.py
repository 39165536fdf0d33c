"""Migrations build exactly the schema the models describe, on the engine under test."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from pnplive.kit.db import Database
from pnplive.models import metadata

pytestmark = pytest.mark.asyncio


async def test_models_and_migrations_agree(db: Database) -> None:
    def diff(conn):  # type: ignore[no-untyped-def]
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        return compare_metadata(ctx, metadata)

    async with db.engine.connect() as conn:
        changes = await conn.run_sync(diff)
    assert changes == []
