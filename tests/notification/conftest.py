"""A local Bot API over HTTP and a Telegram notifier pointed at it, for the notification tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from pnplive.notification.telegram import TelegramNotifier, make_bot
from tests.fakes.bot_api import TOKEN, FakeBotApi


@pytest_asyncio.fixture
async def bot_api() -> AsyncIterator[FakeBotApi]:
    fake = FakeBotApi()
    await fake.start()
    yield fake
    await fake.stop()


@pytest_asyncio.fixture
async def notifier(bot_api: FakeBotApi) -> AsyncIterator[TelegramNotifier]:
    n = TelegramNotifier(make_bot(TOKEN, bot_api.base_url))
    yield n
    await n.close()
