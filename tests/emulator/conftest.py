from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest_asyncio
from aiogram import Bot

from pnplive.emulator import Emulator, Persona, create_emulator
from tests.emulator.support import TOKEN, BotRecord, make_bot, make_dispatcher, mounted, serve

ANA = Persona(100001, "Ana", "ana", "es", "PRIME member")
BEN = Persona(100002, "Ben", "ben", "en")


@pytest_asyncio.fixture
async def emulator() -> AsyncIterator[Emulator]:
    emulator = create_emulator([TOKEN], [ANA, BEN], pre_checkout_timeout=2.0)
    yield emulator
    await emulator.aclose()


@pytest_asyncio.fixture
async def base(emulator: Emulator) -> AsyncIterator[str]:
    """The Bot API base URL, with the emulator mounted at /emulator as in the product."""
    async with serve(mounted(emulator.asgi_app())) as root:
        try:
            yield f"{root}/emulator"
        finally:
            await emulator.aclose()  # ends a waiting getUpdates so the server stops at once


@pytest_asyncio.fixture
async def bot(base: str) -> AsyncIterator[Bot]:
    bot = make_bot(base)
    yield bot
    await bot.session.close()


@dataclass
class RunningBot:
    bot: Bot
    record: BotRecord


@pytest_asyncio.fixture
async def running_bot(base: str) -> AsyncIterator[RunningBot]:
    """A real aiogram bot long-polling the emulator."""
    bot = make_bot(base)
    record = BotRecord()
    dispatcher = make_dispatcher(record)
    polling = asyncio.create_task(
        dispatcher.start_polling(bot, handle_signals=False, polling_timeout=5)
    )
    yield RunningBot(bot, record)
    await dispatcher.stop_polling()
    await polling
