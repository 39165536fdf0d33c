"""API tokens: shown once, stored hashed, revocable."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pnplive.auth import tokens
from pnplive.auth.errors import InvalidToken
from pnplive.auth.models import ApiToken
from pnplive.errors import InvalidInput, NotFound
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database

pytestmark = pytest.mark.asyncio


async def test_token_is_stored_only_as_a_hash(db: Database, clock: FrozenClock) -> None:
    async with db.transaction() as s:
        token, plain = await tokens.create(s, "billing", "integration", clock.now())
    async with db.transaction() as s:
        row = (await s.scalars(select(ApiToken))).one()
        assert row.token_hash == tokens.hash_token(plain)
        assert plain not in (row.token_hash, row.prefix, row.name)
        assert plain.startswith(row.prefix)
        found = await tokens.authenticate(s, plain, clock.now())
        assert found.id == token.id and found.role == "integration"
        assert found.last_used_at == clock.now()


async def test_unknown_and_revoked_tokens_are_refused(db: Database, clock: FrozenClock) -> None:
    async with db.transaction() as s:
        _, plain = await tokens.create(s, "ops", "admin", clock.now())
        _, other = await tokens.create(s, "ops", "admin", clock.now())
    async with db.transaction() as s:
        with pytest.raises(InvalidToken):
            wrong = plain[:-1] + ("A" if plain[-1] != "A" else "B")
            await tokens.authenticate(s, wrong, clock.now())
        with pytest.raises(InvalidToken):
            await tokens.authenticate(s, "not-a-token", clock.now())
    async with db.transaction() as s:
        revoked = await tokens.revoke(s, "ops", clock.now())
        assert len(revoked) == 2
    async with db.transaction() as s:
        for t in (plain, other):
            with pytest.raises(InvalidToken):
                await tokens.authenticate(s, t, clock.now())
        with pytest.raises(NotFound):
            await tokens.revoke(s, "ops", clock.now())


async def test_bad_role_or_name_is_refused(db: Database, clock: FrozenClock) -> None:
    async with db.transaction() as s:
        with pytest.raises(InvalidInput):
            await tokens.create(s, "x", "superuser", clock.now())
        with pytest.raises(InvalidInput):
            await tokens.create(s, "  ", "admin", clock.now())
        assert await tokens.list_all(s) == []
