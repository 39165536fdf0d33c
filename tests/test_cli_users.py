"""``pnplive users``: PRIME, restriction, roles and development sign-in from the command line."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from pnplive.auth.models import LoginLink
from pnplive.cli import app
from pnplive.config import Settings, get_settings
from pnplive.kit.clock import SystemClock
from pnplive.kit.db import Database
from pnplive.user.models import User, UserEvent
from tests.api.support import client_for, make_app

runner = CliRunner()


@pytest.fixture
def cli_db(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("PNPLIVE_DATABASE_URL", database_url)
    monkeypatch.delenv("PNPLIVE_BOT_TOKEN", raising=False)
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()
    asyncio.run(_wipe(database_url))


async def _wipe(url: str) -> None:
    db = Database(url)
    try:
        async with db.transaction() as s:
            for model in (LoginLink, UserEvent, User):
                await s.execute(model.__table__.delete())
    finally:
        await db.dispose()


def member(url: str, telegram_id: int) -> tuple[User | None, list[str]]:
    async def read() -> tuple[User | None, list[str]]:
        db = Database(url)
        try:
            async with db.transaction() as s:
                u = await s.scalar(select(User).where(User.telegram_id == telegram_id))
                acts = (
                    []
                    if u is None
                    else list(
                        (
                            await s.scalars(
                                select(UserEvent.action)
                                .where(UserEvent.user_id == u.id)
                                .order_by(UserEvent.id)
                            )
                        ).all()
                    )
                )
                return u, acts
        finally:
            await db.dispose()

    return asyncio.run(read())


def invoke(*args: str) -> str:
    r = runner.invoke(app, ["users", *args])
    assert r.exit_code == 0, r.output
    return r.output


def test_prime_is_granted_and_revoked_and_recorded(cli_db: str) -> None:
    assert "now PRIME" in invoke("grant-prime", "4242", "--reason", "paid")
    assert "already PRIME" in invoke("grant-prime", "4242")
    assert "no longer PRIME" in invoke("revoke-prime", "4242")
    user, actions = member(cli_db, 4242)
    assert user is not None and not user.is_prime
    assert actions == ["prime_granted", "prime_revoked"]


def test_a_restriction_needs_a_reason_and_an_existing_member(cli_db: str) -> None:
    missing = runner.invoke(app, ["users", "restrict", "777", "--reason", "spam"])
    assert missing.exit_code == 1 and "open the bot first" in missing.output
    invoke("grant-prime", "777")
    blank = runner.invoke(app, ["users", "restrict", "777", "--reason", "  "])
    assert blank.exit_code == 1 and "needs a reason" in blank.output
    assert "is restricted" in invoke("restrict", "777", "--reason", "spam links")
    user, _ = member(cli_db, 777)
    assert user is not None and user.restricted_reason == "spam links"
    assert "may book again" in invoke("lift", "777")


def test_the_last_superadmin_is_never_demoted(cli_db: str) -> None:
    invoke("set-role", "1", "superadmin")
    refused = runner.invoke(app, ["users", "set-role", "1", "user"])
    assert refused.exit_code == 1 and "last superadmin" in refused.output
    invoke("set-role", "2", "superadmin")
    assert "now admin" in invoke("set-role", "1", "admin")
    user, _ = member(cli_db, 1)
    assert user is not None and user.role == "admin"
    listed = invoke("list", "--role", "admin").splitlines()
    assert listed[-1] == "1 of 1" and listed[0].split()[:3] == ["1", "-", "admin"]


@pytest.mark.asyncio
async def test_login_data_signs_in_on_the_defaults(cli_db: str) -> None:
    out = invoke("login-data", "31337", "--first-name", "Ana", "--language", "es")
    header = out.strip().splitlines()[-1]
    assert header.startswith("tma ")
    settings = Settings(database_url=cli_db)  # no bot token: the development one
    assert settings.bot_token is None and settings.effective_bot_token is not None
    db = Database(cli_db)
    try:
        async with client_for(make_app(db, SystemClock(), settings)) as client:  # type: ignore[arg-type]
            me = await client.get("/api/me", headers={"Authorization": header})
            assert me.status_code == 200, me.text
            assert (me.json()["telegram_id"], me.json()["language"]) == (31337, "es")
            forged = header[:-4] + ("0000" if not header.endswith("0000") else "1111")
            bad = await client.get("/api/me", headers={"Authorization": forged})
            assert bad.status_code == 401
    finally:
        await db.dispose()
    production = Settings(database_url=cli_db, env="production", secret_key="x" * 40)
    assert production.effective_bot_token is None


def test_login_link_is_printed_for_admins_only(cli_db: str) -> None:
    invoke("set-role", "900", "admin")
    link = invoke("login-link", "900").strip().splitlines()[-1]
    assert link.startswith("http://127.0.0.1:8000/login/") and len(link.rsplit("/", 1)[1]) > 40
    invoke("grant-prime", "901")
    refused = runner.invoke(app, ["users", "login-link", "901"])
    assert refused.exit_code == 1 and "for admins" in refused.output
