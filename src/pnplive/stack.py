"""The all-in-one service (``pnplive serve``): API and web pages, the worker and the bot in one
process. With no bot token in development, the local Telegram emulator is mounted at
``/emulator`` with the demo people, and the bot, the notices and Telegram Stars all talk to it,
so a newcomer has the whole product in a browser."""

from __future__ import annotations

from fastapi import FastAPI

from pnplive.api.app import create_app
from pnplive.booking.rules import BookingRules
from pnplive.bot.context import BotContext
from pnplive.bot.runner import BotRunner
from pnplive.config import Settings
from pnplive.demo import PEOPLE
from pnplive.emulator.emulator import Emulator, create_emulator
from pnplive.emulator.state import Persona
from pnplive.kit.clock import SystemClock
from pnplive.kit.db import Database
from pnplive.notification.settings import NotificationSettings
from pnplive.notification.telegram import TelegramNotifier, make_bot
from pnplive.payment.providers.registry import build as build_providers
from pnplive.payment.settings import PaymentSettings
from pnplive.video.settings import VideoSettings
from pnplive.video.timing import CallTiming


def uses_emulator(settings: Settings) -> bool:
    return not settings.bot_token and settings.env == "development"


def listening_at(settings: Settings, host: str, port: int) -> Settings:
    """The settings for a service listening on ``host:port``. Unless the public address was
    configured, it is the listening one: links, checkout pages and the bot's way to the local
    emulator all lead there (a fixed default would send them to a port nobody listens on)."""
    if "public_base_url" in settings.model_fields_set:
        return settings
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return settings.model_copy(update={"public_base_url": f"http://{shown}:{port}"})


def demo_emulator(token: str) -> Emulator:
    personas = [
        Persona(tid, name, username=username, language_code=lang, label=label)
        for tid, name, username, lang, label in PEOPLE
    ]
    return create_emulator([token], personas)


def build_service(settings: Settings, *, run_worker: bool = True, run_bot: bool = True) -> FastAPI:
    db = Database.from_settings(settings)
    clock = SystemClock()
    token = settings.effective_bot_token
    emulator: Emulator | None = None
    api_base = NotificationSettings().telegram_api_base
    payment_overrides: dict[str, object] = {}
    if uses_emulator(settings) and token:
        emulator = demo_emulator(token)
        api_base = f"{settings.public_base_url.rstrip('/')}/emulator"
        payment_overrides = {"telegram_stars": True, "telegram_api_base": api_base}
    providers = build_providers(
        PaymentSettings(
            public_base_url=settings.public_base_url,
            secret_key=settings.secret_key,
            bot_token=token,
            **payment_overrides,  # type: ignore[arg-type]
        )
    )
    video_settings = VideoSettings()
    bot: BotRunner | None = None
    notifier: TelegramNotifier | None = None
    if token and run_bot:
        ctx = BotContext(
            db=db,
            clock=clock,
            settings=settings,
            rules=BookingRules.from_settings(settings),
            providers=providers,
            timing=CallTiming.of(video_settings),
            emulated=emulator is not None,
        )
        bot = BotRunner(ctx, token, api_base)
    if token:
        notifier = TelegramNotifier(make_bot(token, api_base))
    app = create_app(
        settings,
        db=db,
        clock=clock,
        run_worker=run_worker,
        video_settings=video_settings,
        bot=bot,
        emulator=emulator,
        notifier=notifier,
    )
    app.state.payment_providers = providers
    return app
