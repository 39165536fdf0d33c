"""The bot by webhook: Telegram (the emulator) posts updates to /webhooks/telegram with the
secret token; a wrong or missing secret is refused and changes nothing."""

from __future__ import annotations

import httpx
import pytest

from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from tests.e2e.conftest import PERSONAS, PRIME, People
from tests.e2e.support import running

pytestmark = pytest.mark.asyncio
SECRET = "webhook-secret-0123456789"


async def test_updates_arrive_by_webhook_with_the_secret(
    db: Database, clock: FrozenClock, people: People
) -> None:
    async with running(db, clock, PERSONAS, bot_webhook_secret=SECRET, webhook_path=True) as stack:
        chat = stack.person(PRIME)
        await chat.send("/start")
        await chat.wait_for(lambda m: "What would you like to do" in m.text, timeout=10)
        update = {
            "update_id": 999,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 1, "type": "private"},
                "text": "/start",
            },
        }
        async with httpx.AsyncClient(base_url=stack.base) as http:
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong-secret-0123456789"}):
                r = await http.post("/webhooks/telegram", json=update, headers=headers)
                assert r.status_code == 403, r.text
            r = await http.post(
                "/webhooks/telegram",
                content=b"not json",
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            )
            assert r.status_code == 400


async def test_without_webhook_mode_the_route_is_not_there(
    db: Database, clock: FrozenClock, people: People
) -> None:
    async with (
        running(db, clock, PERSONAS) as stack,
        httpx.AsyncClient(base_url=stack.base) as http,
    ):
        r = await http.post("/webhooks/telegram", json={"update_id": 1})
        assert r.status_code == 404
