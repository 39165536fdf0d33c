"""``pnplive users``: a member's standing from the command line (F-ACC-2/3), and development
sign-in data for the API on the defaults."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.auth.initdata import login_data
from pnplive.config import get_settings
from pnplive.errors import PnpError
from pnplive.kit.actor import CLI
from pnplive.kit.db import Database
from pnplive.performer.directory import MemberFilters, find_members
from pnplive.user import membership
from pnplive.user import service as users
from pnplive.user.models import User

users_app = typer.Typer(
    help="Members: PRIME, restriction, roles, sign-in data.", no_args_is_help=True
)

TelegramArg = Annotated[int, typer.Argument(min=1, help="The member's Telegram id.")]


def _run(work: Callable[[AsyncSession], Awaitable[str]]) -> str:
    """Run ``work`` in one transaction; a refused change prints its reason and exits 1."""

    async def main() -> str:
        db = Database.from_settings(get_settings())
        try:
            async with db.transaction() as session:
                return await work(session)
        finally:
            await db.dispose()

    try:
        return asyncio.run(main())
    except PnpError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from exc


async def _member(session: AsyncSession, telegram_id: int, *, create: bool = False) -> User:
    now = datetime.now(UTC)
    if create:
        return await users.register(session, telegram_id, now)
    user = await users.by_telegram_id(session, telegram_id)
    if user is None:
        typer.echo(
            f"no member with Telegram id {telegram_id} (they must open the bot first)", err=True
        )
        raise typer.Exit(1)
    return user


def _said(changed: bool, done: str, already: str) -> str:
    return done if changed else already


@users_app.command("grant-prime")
def grant_prime(
    telegram_id: TelegramArg,
    reason: Annotated[str, typer.Option("--reason", help="Why (kept in the history).")] = "",
) -> None:
    """Make a member PRIME (registering them if they have not opened the bot yet)."""

    async def work(session: AsyncSession) -> str:
        user = await _member(session, telegram_id, create=True)
        changed = await membership.set_prime(session, user, True, CLI, datetime.now(UTC), reason)
        return _said(changed, f"{telegram_id} is now PRIME", f"{telegram_id} was already PRIME")

    typer.echo(_run(work))


@users_app.command("revoke-prime")
def revoke_prime(
    telegram_id: TelegramArg,
    reason: Annotated[str, typer.Option("--reason")] = "",
) -> None:
    """Take PRIME away from a member."""

    async def work(session: AsyncSession) -> str:
        user = await _member(session, telegram_id)
        changed = await membership.set_prime(session, user, False, CLI, datetime.now(UTC), reason)
        return _said(changed, f"{telegram_id} is no longer PRIME", f"{telegram_id} was not PRIME")

    typer.echo(_run(work))


@users_app.command("restrict")
def restrict(
    telegram_id: TelegramArg,
    reason: Annotated[str, typer.Option("--reason", help="Shown to the member; required.")],
) -> None:
    """Close a member's booking access everywhere at once (F-ACC-3)."""

    async def work(session: AsyncSession) -> str:
        user = await _member(session, telegram_id)
        changed = await membership.restrict(session, user, reason, CLI, datetime.now(UTC))
        return _said(changed, f"{telegram_id} is restricted", f"{telegram_id} was already")

    typer.echo(_run(work))


@users_app.command("lift")
def lift(telegram_id: TelegramArg) -> None:
    """Lift a member's restriction."""

    async def work(session: AsyncSession) -> str:
        user = await _member(session, telegram_id)
        changed = await membership.lift_restriction(session, user, CLI, datetime.now(UTC))
        return _said(changed, f"{telegram_id} may book again", f"{telegram_id} was not restricted")

    typer.echo(_run(work))


@users_app.command("set-role")
def set_role(
    telegram_id: TelegramArg,
    role: Annotated[str, typer.Argument(help="user, admin or superadmin")],
) -> None:
    """Make a member an admin, a superadmin or a plain member (the first superadmin comes from
    here or from PNPLIVE_SUPERADMIN_TELEGRAM_IDS); the last superadmin is never demoted."""
    if role not in ("user", "admin", "superadmin"):
        raise typer.BadParameter("user, admin or superadmin", param_hint="ROLE")

    async def work(session: AsyncSession) -> str:
        user = await _member(session, telegram_id, create=role != "user")
        now = datetime.now(UTC)
        if role == "superadmin":
            changed = await membership.set_superadmin(session, user, True, CLI, now)
        elif user.is_superadmin:
            changed = await membership.set_superadmin(session, user, False, CLI, now)
            if role == "admin":
                await membership.set_admin(session, user, True, CLI, now)
        else:
            changed = await membership.set_admin(session, user, role == "admin", CLI, now)
        return _said(changed, f"{telegram_id} is now {role}", f"{telegram_id} already was {role}")

    typer.echo(_run(work))


@users_app.command("list")
def list_users(
    q: Annotated[str | None, typer.Option("--q", help="Username, name or Telegram id.")] = None,
    role: Annotated[str | None, typer.Option("--role")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 50,
) -> None:
    """Members, with their role, PRIME and restriction."""

    async def work(session: AsyncSession) -> str:
        rows, total = await find_members(
            session, MemberFilters(role=role, q=q), limit=limit, offset=0
        )
        lines = [
            f"{r.user.telegram_id:>12}  {r.user.username or '-':<20} {r.user.role:<10} "
            f"{'PRIME' if r.user.is_prime else 'free':<5} "
            f"{'restricted: ' + (r.user.restricted_reason or '') if r.user.restricted_at else ''}"
            for r in rows
        ]
        return "\n".join([*lines, f"{len(rows)} of {total}"])

    typer.echo(_run(work))


@users_app.command("login-data")
def login_data_command(
    telegram_id: TelegramArg,
    first_name: Annotated[str | None, typer.Option("--first-name")] = None,
    language: Annotated[str, typer.Option("--language")] = "en",
) -> None:
    """Print an Authorization header value that signs in as TELEGRAM_ID, as the Telegram Mini
    App would: signed with the configured bot token (in development without one, with the local
    development token). Valid for PNPLIVE_INIT_DATA_MAX_AGE_SECONDS."""
    settings = get_settings()
    token = settings.effective_bot_token
    if token is None:
        typer.echo("no bot token is configured (production has no development token)", err=True)
        raise typer.Exit(1)
    data = login_data(
        token, telegram_id, datetime.now(UTC), first_name=first_name, language_code=language
    )
    typer.echo(f"tma {data}")


@users_app.command("login-link")
def login_link(telegram_id: TelegramArg) -> None:
    """Print a one-time link (valid 10 minutes) that signs an admin or a performer in to their
    web dashboard (the bot sends the same with /dashboard)."""
    from pnplive.auth import web

    async def work(session: AsyncSession) -> str:
        user = await _member(session, telegram_id)
        token = await web.issue_link(session, user, datetime.now(UTC))
        return f"{get_settings().public_base_url.rstrip('/')}/login/{token}"

    typer.echo(_run(work))
