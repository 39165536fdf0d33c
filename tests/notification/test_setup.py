"""The product's worker sends notices when a bot token is configured."""

from __future__ import annotations

import pytest

from pnplive.config import Settings
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.kit.jobs import enqueue
from pnplive.notification.settings import NotificationSettings
from pnplive.notification.setup import notifier_from_settings
from pnplive.notification.telegram import TelegramNotifier
from pnplive.worker.app import build_runner
from tests.factories import make_user
from tests.fakes.bot_api import TOKEN, FakeBotApi


def test_no_bot_token_means_no_notifier() -> None:
    assert notifier_from_settings(Settings(bot_token=None)) is None


@pytest.mark.asyncio
async def test_the_product_worker_delivers_alerts_with_a_configured_bot(
    db: Database, clock: FrozenClock
) -> None:
    api = FakeBotApi()
    await api.start()
    notifier = notifier_from_settings(
        Settings(bot_token=TOKEN), NotificationSettings(telegram_api_base=api.base_url)
    )
    assert isinstance(notifier, TelegramNotifier)
    try:
        async with db.transaction() as s:
            admin = await make_user(s, clock.now(), role="admin")
            await enqueue(
                s,
                "admin_alert",
                "x",
                due_at=clock.now(),
                now=clock.now(),
                payload={"kind": "refund_failed", "refund": "r9"},
            )
        runner = build_runner(db, clock, notifier=notifier)
        await runner.tick()
        await runner.tick()
        (call,) = api.sent("sendMessage")
        assert call.chat_id == admin.telegram_id and "r9" in call.text
        # Without a notifier the notices wait in the jobs table.
        assert "notify" not in build_runner(db, clock).handlers
    finally:
        await notifier.close()
        await api.stop()
