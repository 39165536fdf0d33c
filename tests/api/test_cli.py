"""The ``pnplive tokens`` commands and the ``api``/``serve`` commands' wiring."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from pnplive.auth.models import ApiToken
from pnplive.auth.tokens import hash_token
from pnplive.cli import app
from pnplive.config import get_settings


def tokens_in_db(database_url: str) -> list[ApiToken]:
    import asyncio

    from pnplive.kit.db import Database

    async def read() -> list[ApiToken]:
        db = Database(database_url)
        try:
            async with db.transaction() as s:
                return list((await s.scalars(select(ApiToken).order_by(ApiToken.id))).all())
        finally:
            await db.dispose()

    return asyncio.run(read())


def wipe_tokens(database_url: str) -> None:
    import asyncio

    from sqlalchemy import delete

    from pnplive.kit.db import Database

    async def wipe() -> None:
        db = Database(database_url)
        try:
            async with db.transaction() as s:
                await s.execute(delete(ApiToken))
        finally:
            await db.dispose()

    asyncio.run(wipe())


def test_tokens_create_list_revoke(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PNPLIVE_DATABASE_URL", database_url)
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        r = runner.invoke(app, ["tokens", "create", "billing", "--role", "integration"])
        assert r.exit_code == 0, r.output
        lines = r.output.strip().splitlines()
        plain = lines[-1]
        assert plain.startswith("pnp_") and " " not in plain and len(plain) > 40
        assert plain not in "\n".join(lines[:-1])
        stored = tokens_in_db(database_url)
        assert [(t.name, t.role) for t in stored] == [("billing", "integration")]
        assert stored[0].token_hash == hash_token(plain)
        # The token itself is never shown again.
        r = runner.invoke(app, ["tokens", "list"])
        assert r.exit_code == 0 and "billing" in r.output and "active" in r.output
        assert plain not in r.output
        r = runner.invoke(app, ["tokens", "create", "x", "--role", "root"])
        assert r.exit_code == 2 and len(tokens_in_db(database_url)) == 1
        r = runner.invoke(app, ["tokens", "revoke", str(stored[0].id)])
        assert r.exit_code == 0 and f"revoked {stored[0].id}" in r.output
        assert tokens_in_db(database_url)[0].revoked_at is not None
        r = runner.invoke(app, ["tokens", "revoke", "billing"])
        assert r.exit_code == 1
    finally:
        wipe_tokens(database_url)
        get_settings.cache_clear()


def test_api_and_serve_start_uvicorn_with_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn
    from fastapi import FastAPI

    seen: list[tuple[object, str, int]] = []
    monkeypatch.setattr(
        uvicorn, "run", lambda app_, host, port, **kw: seen.append((app_, host, port))
    )
    runner = CliRunner()
    assert runner.invoke(app, ["api", "--host", "0.0.0.0", "--port", "9001"]).exit_code == 0
    assert runner.invoke(app, ["serve", "--port", "9002"]).exit_code == 0
    assert [(type(a), h, p) for a, h, p in seen] == [
        (FastAPI, "0.0.0.0", 9001),
        (FastAPI, "127.0.0.1", 9002),
    ]
    # Several workers: each process builds the app from its import path.
    calls: list[tuple[object, dict[str, object]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **kw: calls.append((target, kw)))
    assert runner.invoke(app, ["api", "--workers", "3"]).exit_code == 0
    assert calls == [
        (
            "pnplive.api.app:create_app",
            {
                "factory": True,
                "host": "127.0.0.1",
                "port": 8000,
                "workers": 3,
                "proxy_headers": True,
                "timeout_graceful_shutdown": 5,
                "timeout_worker_healthcheck": 60,
            },
        )
    ]
    assert runner.invoke(app, ["api", "--workers", "0"]).exit_code == 2
