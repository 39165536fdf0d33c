"""Webhook mode: updates posted with the secret header, the webhook's reply run, polling refused."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramConflictError
from fastapi import FastAPI, Request

from pnplive.emulator import Emulator
from tests.emulator.conftest import BEN
from tests.emulator.support import serve

pytestmark = pytest.mark.asyncio


async def test_webhook_delivers_with_the_secret_and_get_updates_conflicts(
    emulator: Emulator, bot: Bot
) -> None:
    received: asyncio.Queue[tuple[str | None, dict[str, Any]]] = asyncio.Queue()
    receiver = FastAPI()

    @receiver.post("/hook")
    async def hook(request: Request) -> dict[str, Any]:
        update = await request.json()
        await received.put((request.headers.get("X-Telegram-Bot-Api-Secret-Token"), update))
        # Answer in the response body, as aiogram can do with handle_in_background=False.
        text = update["message"]["text"]
        return {"method": "sendMessage", "chat_id": BEN.telegram_id, "text": f"got {text}"}

    async with serve(receiver) as receiver_url:
        assert await bot.set_webhook(f"{receiver_url}/hook", secret_token="s3cret_token")
        chat = emulator.person(BEN.telegram_id)
        await chat.send("ping")

        secret, update = await asyncio.wait_for(received.get(), 5)
        reply = await chat.wait_for(lambda m: m.text == "got ping")

        assert secret == "s3cret_token"
        assert update["message"]["text"] == "ping"
        assert reply.from_bot
        with pytest.raises(TelegramConflictError, match="webhook is active"):
            await bot.get_updates(timeout=0)
        info = await bot.get_webhook_info()
        assert (info.url, info.pending_update_count) == (f"{receiver_url}/hook", 0)

        assert await bot.delete_webhook()
        await chat.send("pong")
        [update_after] = await bot.get_updates(timeout=0)
        assert update_after.message is not None and update_after.message.text == "pong"


async def test_a_failing_webhook_keeps_the_update_and_reports_the_error(
    emulator: Emulator, bot: Bot
) -> None:
    receiver = FastAPI()
    attempts: asyncio.Queue[int] = asyncio.Queue()

    @receiver.post("/hook")
    async def hook() -> None:
        await attempts.put(1)
        raise RuntimeError("the bot crashed")

    async with serve(receiver) as receiver_url:
        await bot.set_webhook(f"{receiver_url}/hook")
        await emulator.person(BEN.telegram_id).send("hello")
        await asyncio.wait_for(attempts.get(), 5)
        await asyncio.wait_for(attempts.get(), 5)  # retried

        info = await bot.get_webhook_info()
        assert info.pending_update_count == 1
        assert info.last_error_message is not None and "500" in info.last_error_message
        await bot.delete_webhook(drop_pending_updates=True)
        assert (await bot.get_webhook_info()).pending_update_count == 0
