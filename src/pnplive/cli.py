"""The ``pnplive`` command."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from typing import Annotated, TypeVar
from zoneinfo import ZoneInfo

import typer
from sqlalchemy import select

from pnplive.availability.slots import check_duration, local_day_bounds
from pnplive.booking.rules import BookingRules
from pnplive.booking.service import slot_rules
from pnplive.catalog.slots import performer_slots
from pnplive.config import get_settings
from pnplive.kit import migrate
from pnplive.kit.clock import SystemClock
from pnplive.kit.db import Database
from pnplive.kit.money import Money
from pnplive.performer import service as performers
from pnplive.performer.models import Performer

app = typer.Typer(help="PNP Live: private 1:1 video calls with performers.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
performers_app = typer.Typer(help="Performers.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(performers_app, name="performers")


def _users_app() -> typer.Typer:
    from pnplive.cli_users import users_app

    return users_app


app.add_typer(_users_app(), name="users")

T = TypeVar("T")


def run_with_db(work: Callable[[Database], Awaitable[T]]) -> T:
    async def main() -> T:
        db = Database.from_settings(get_settings())
        try:
            return await work(db)
        finally:
            await db.dispose()

    return asyncio.run(main())


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("heads")) -> None:
    """Create or migrate the schema to the latest revision."""
    url = get_settings().database_url
    migrate.upgrade(url, revision)
    typer.echo(f"database at {revision}")


@db_app.command("downgrade")
def db_downgrade(revision: str) -> None:
    """Migrate the schema down to REVISION ("base" removes everything)."""
    migrate.downgrade(get_settings().database_url, revision)
    typer.echo(f"database at {revision}")


@app.command("seed-demo")
def seed_demo() -> None:
    """Add demo performers (three time zones), an admin and a PRIME member; safe to repeat."""
    from pnplive.demo import seed

    async def work(db: Database) -> list[str]:
        async with db.transaction() as session:
            return await seed(session, SystemClock().now(), get_settings().terms_version)

    for line in run_with_db(work):
        typer.echo(line)


@performers_app.command("list")
def performers_list() -> None:
    """Every performer with status, zone and price."""

    async def work(db: Database) -> list[Performer]:
        async with db.transaction() as session:
            return list((await session.scalars(select(Performer).order_by(Performer.id))).all())

    rows = run_with_db(work)
    if not rows:
        typer.echo("no performers yet (try: pnplive seed-demo)")
    for p in rows:
        price = Money(p.price_per_minute, p.currency).format()
        typer.echo(
            f"{p.id:>4}  {p.username:<16} {p.display_name:<20} {p.status:<8} {p.visibility:<7} "
            f"{p.presence:<8} {p.timezone:<20} {price}/min  {p.min_duration}-{p.max_duration} min"
        )


@app.command("slots")
def slots(
    performer: Annotated[str, typer.Argument(help="Performer username or id.")],
    day: Annotated[str, typer.Option("--date", help="Day (YYYY-MM-DD) in --tz.")],
    duration: Annotated[int, typer.Option("--duration", help="Minutes (15-120, 15 steps).")],
    tz: Annotated[str | None, typer.Option("--tz", help="Zone to show times in.")] = None,
) -> None:
    """Print the free slots of PERFORMER on a day, in --tz (the performer's zone by default)."""
    try:
        the_day = date.fromisoformat(day)
    except ValueError as exc:
        raise typer.BadParameter("use YYYY-MM-DD", param_hint="--date") from exc
    settings = get_settings()
    rules = BookingRules.from_settings(settings)

    async def work(db: Database) -> tuple[Performer | None, list[datetime]]:
        async with db.transaction() as session:
            p = await performers.by_username(session, performer)
            if p is None and performer.isdigit():
                p = await session.get(Performer, int(performer))
            if p is None:
                return None, []
            if not check_duration(duration, p.min_duration, p.max_duration):
                raise typer.BadParameter(
                    f"{p.username} takes {p.min_duration}-{p.max_duration} minutes in "
                    "15-minute steps",
                    param_hint="--duration",
                )
            zone = ZoneInfo(tz or p.timezone)
            bounds = local_day_bounds(zone, the_day)
            found = await performer_slots(
                session,
                p,
                slot_rules(p, duration, rules),
                SystemClock().now(),
                bounds.start,
                bounds.end,
            )
            return p, found

    try:
        zone = ZoneInfo(tz) if tz else None
    except Exception as exc:
        raise typer.BadParameter("unknown IANA time zone", param_hint="--tz") from exc
    p, found = run_with_db(work)
    if p is None:
        typer.echo(f"no performer {performer!r}", err=True)
        raise typer.Exit(1)
    zone = zone or ZoneInfo(p.timezone)
    typer.echo(
        f"{p.display_name} (@{p.username}), {duration} min on {the_day} — times in {zone.key}"
    )
    if not found:
        typer.echo("no free slots that day")
    for s in found:
        local = s.astimezone(zone)
        end = (s + timedelta(minutes=duration)).astimezone(zone)
        typer.echo(f"  {local:%H:%M}–{end:%H:%M} {local.tzname()}   ({s:%Y-%m-%d %H:%M} UTC)")


# --- REST API and API tokens --------------------------------------------------------------------

tokens_app = typer.Typer(help="API tokens for admins and integrations.", no_args_is_help=True)
app.add_typer(tokens_app, name="tokens")

HostOption = Annotated[str, typer.Option("--host", help="Address to listen on.")]
PortOption = Annotated[int, typer.Option("--port", help="Port to listen on.")]


def _refuse_unsafe() -> None:
    from pnplive.startup import UnsafeConfiguration, check

    try:
        check(get_settings())
    except UnsafeConfiguration as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc


# On stop, requests in flight get this long to finish; then open long polls (the emulator's chat
# page waits up to 20 s for news) are cut instead of holding the stop.
SHUTDOWN_GRACE_SECONDS = 5
WORKER_START_SECONDS = 60


def _run_api(host: str, port: int, workers: int = 1, run_worker: bool = False) -> None:
    import uvicorn

    _refuse_unsafe()
    if workers > 1:
        # Several processes need the app by import path (each builds its own).
        uvicorn.run(
            "pnplive.api.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            proxy_headers=True,
            timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS,
            # A worker answers the parent's health check only once started; starting (imports,
            # the moderation model) takes several seconds, more on a busy machine, and uvicorn's
            # 5-second default killed every worker before it could answer.
            timeout_worker_healthcheck=WORKER_START_SECONDS,
        )
        return
    from pnplive.api.app import create_app

    uvicorn.run(
        create_app(run_worker=run_worker),
        host=host,
        port=port,
        proxy_headers=True,
        timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS,
    )


@app.command("api")
def api(
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    workers: Annotated[
        int, typer.Option("--workers", min=1, max=64, help="Server processes (PostgreSQL).")
    ] = 1,
) -> None:
    """Serve the REST API (OpenAPI at /openapi.json, docs at /docs) with uvicorn."""
    _run_api(host, port, workers)


@app.command("serve")
def serve(host: HostOption = "127.0.0.1", port: PortOption = 8000) -> None:
    """Run the all-in-one service: the REST API and web pages, the background worker and the
    Telegram bot in one process. Without a bot token (development), the local Telegram
    emulator is at /emulator: pick who you are and chat with the bot in the browser."""
    import logging

    import uvicorn

    from pnplive.stack import build_service, listening_at, uses_emulator

    _refuse_unsafe()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = listening_at(get_settings(), host, port)
    if uses_emulator(settings):
        typer.echo(f"Telegram emulator: {settings.public_base_url.rstrip('/')}/emulator/")
    uvicorn.run(
        build_service(settings),
        host=host,
        port=port,
        proxy_headers=True,
        timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS,
    )


@app.command("bot")
def bot() -> None:
    """Run the Telegram bot alone (long polling); the API and the worker run elsewhere."""
    import asyncio
    import logging

    from pnplive.booking.rules import BookingRules
    from pnplive.bot.context import BotContext
    from pnplive.bot.runner import BotRunner
    from pnplive.payment.providers.registry import build
    from pnplive.payment.settings import PaymentSettings
    from pnplive.video.settings import VideoSettings
    from pnplive.video.timing import CallTiming

    _refuse_unsafe()
    settings = get_settings()
    if not settings.bot_token:
        typer.echo(
            "set PNPLIVE_BOT_TOKEN (or use `pnplive serve` with the local emulator)", err=True
        )
        raise typer.Exit(2)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

    async def work(db: Database) -> None:
        ctx = BotContext(
            db=db,
            clock=SystemClock(),
            settings=settings,
            rules=BookingRules.from_settings(settings),
            providers=build(PaymentSettings()),
            timing=CallTiming.of(VideoSettings()),
        )
        runner = BotRunner(ctx, settings.bot_token or "")
        try:
            await runner.run(asyncio.Event())
        finally:
            await runner.close()

    try:
        run_with_db(work)
    except KeyboardInterrupt:
        typer.echo("bot stopped")


@app.command("worker")
def worker(
    interval: Annotated[
        float, typer.Option("--interval", min=0.2, help="Seconds between passes.")
    ] = 2.0,
) -> None:
    """Run the background worker alone (several may run against PostgreSQL)."""
    import logging

    _refuse_unsafe()
    from pnplive.worker.app import build_runner

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

    async def work(db: Database) -> None:
        from pnplive.notification.setup import notifier_from_settings

        notifier = notifier_from_settings(get_settings())
        try:
            await build_runner(db, SystemClock(), notifier=notifier).run_forever(interval)
        finally:
            if notifier is not None:
                await notifier.close()

    try:
        run_with_db(work)
    except KeyboardInterrupt:
        typer.echo("worker stopped")


@tokens_app.command("create")
def tokens_create(
    name: Annotated[str, typer.Argument(help="What the token is for (1-64 characters).")],
    role: Annotated[str, typer.Option("--role", help="admin or integration.")] = "integration",
) -> None:
    """Create a token; it is printed once, alone on the last line, and stored only hashed."""
    from pnplive.auth import tokens
    from pnplive.errors import PnpError

    async def work(db: Database) -> tuple[int, str]:
        async with db.transaction() as session:
            token, plain = await tokens.create(session, name, role, SystemClock().now())
            return token.id, plain

    try:
        token_id, plain = run_with_db(work)
    except PnpError as exc:
        typer.echo(exc.message, err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"token {token_id} ({name}, {role}) created; it is shown only this once:")
    typer.echo(plain)


@tokens_app.command("list")
def tokens_list() -> None:
    """Every token: id, name, role, prefix, created, last used, revoked."""
    from pnplive.auth import tokens
    from pnplive.auth.models import ApiToken

    async def work(db: Database) -> list[ApiToken]:
        async with db.transaction() as session:
            return await tokens.list_all(session)

    rows = run_with_db(work)
    if not rows:
        typer.echo("no API tokens yet (pnplive tokens create NAME --role admin|integration)")

    def when(dt: datetime | None) -> str:
        return f"{dt:%Y-%m-%d %H:%M}" if dt else "-"

    for t in rows:
        state = f"revoked {when(t.revoked_at)}" if t.revoked_at else "active"
        typer.echo(
            f"{t.id:>4}  {t.name:<24} {t.role:<12} {t.prefix}…  created {when(t.created_at)}  "
            f"last used {when(t.last_used_at)}  {state}"
        )


@tokens_app.command("revoke")
def tokens_revoke(
    token: Annotated[str, typer.Argument(help="Token id, or a name (revokes all of that name).")],
) -> None:
    """Revoke a token at once; requests with it are refused from now on."""
    from pnplive.auth import tokens
    from pnplive.errors import PnpError

    async def work(db: Database) -> list[int]:
        async with db.transaction() as session:
            return [t.id for t in await tokens.revoke(session, token, SystemClock().now())]

    try:
        ids = run_with_db(work)
    except PnpError as exc:
        typer.echo(exc.message, err=True)
        raise typer.Exit(1) from exc
    typer.echo("revoked " + ", ".join(str(i) for i in ids))


# --- moderation --------------------------------------------------------------------------------

moderation_app = typer.Typer(help="Text moderation: evaluate and train.", no_args_is_help=True)
app.add_typer(moderation_app, name="moderation")


@moderation_app.command("evaluate")
def moderation_evaluate(
    file: Annotated[
        str, typer.Argument(help="A JSONL file of labelled messages, or 'train' / 'dev'.")
    ] = "dev",
    with_model: Annotated[
        bool, typer.Option("--with-model", help="Rules plus the model (needs pnplive[ml]).")
    ] = False,
    missed: Annotated[
        bool, typer.Option("--missed", help="Also list the messages that should have been held.")
    ] = False,
) -> None:
    """Precision and recall per category and overall, and the chatter that was held or blocked."""
    from pathlib import Path

    from pnplive.moderation import evaluation, pipeline

    path = evaluation.split_path(file) if file in evaluation.SPLITS else Path(file)
    try:
        examples = evaluation.load(path)
    except (OSError, ValueError) as exc:
        typer.echo(f"cannot read {path}: {exc}", err=True)
        raise typer.Exit(2) from exc
    classifier, notes = pipeline.build(with_model=with_model)
    if notes:  # asked for the model and it cannot run: no figures that would mislead
        typer.echo(f"--with-model: {'; '.join(notes)}", err=True)
        raise typer.Exit(3)
    report = evaluation.evaluate(classifier, examples)
    title = f"{classifier.name} on {path.name}"
    for line in evaluation.render(report, title, show_missed=missed):
        typer.echo(line)


@moderation_app.command("train")
def moderation_train(
    out: Annotated[
        str | None, typer.Option("--out", help="Where to write the model (the packaged file).")
    ] = None,
) -> None:
    """Train the model on the train split and write it (needs pnplive[ml])."""
    from pathlib import Path

    from pnplive.moderation import evaluation, model

    missing = model.ml_missing()
    if missing:
        typer.echo(missing, err=True)
        raise typer.Exit(3)
    trained = model.train(evaluation.load(evaluation.split_path("train")))
    path = Path(out) if out else model.model_path()
    size = trained.write(path)
    for note in trained.notes:
        typer.echo(note)
    typer.echo(f"model written to {path} ({size // 1024} KiB)")


if __name__ == "__main__":  # pragma: no cover
    app()
