"""Posting updates to the bot's webhook, one at a time and in order, retrying until it answers 2xx.

A webhook may answer with a method call in its response body (aiogram does with
``handle_in_background=False``), sent as JSON or as a multipart form; the emulator runs it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, field

import aiohttp

from pnplive.emulator.emulator import Emulator
from pnplive.emulator.params import Params, Upload
from pnplive.emulator.state import BotState

log = logging.getLogger(__name__)
IDLE_WAIT_SECONDS = 30.0
MAX_RETRY_SECONDS = 10.0


@dataclass
class WebhookSender:
    emulator: Emulator
    bot: BotState
    task: asyncio.Task[None] | None = field(default=None)
    stopping: bool = False

    async def stop(self) -> None:
        self.stopping = True
        if self.task is asyncio.current_task():
            # The webhook's own reply removed the webhook: the loop ends by itself.
            return
        if self.task is not None and not self.task.done():
            self.emulator.wake_pollers(self.bot)  # leaves its idle wait and sees ``stopping``
            self.task.cancel()
            # Never wait on a cancellation forever: a server shutting down must not hang.
            await asyncio.wait({self.task}, timeout=2)

    async def run(self) -> None:
        failures = 0
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
            while not self.stopping and (hook := self.bot.webhook) is not None:
                ready = self.bot.deliverable(1)
                if not ready:
                    await self.emulator.wait_updates(self.bot, IDLE_WAIT_SECONDS)
                    continue
                update = ready[0]
                headers = {}
                if hook.secret_token:
                    headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
                error: str | None = None
                reply = None
                try:
                    async with session.post(
                        hook.url, json=update.as_json(), headers=headers
                    ) as response:
                        if response.ok:
                            reply = await _read_reply(response)
                        else:
                            status = f"{response.status} {response.reason}"
                            error = f"Wrong response from the webhook: {status}"
                except (aiohttp.ClientError, TimeoutError) as exc:
                    error = f"Connection failed: {exc}"
                if error is None:
                    failures = 0
                    self.bot.confirm(update.update_id + 1)
                    if reply is not None:
                        await self._run_reply(*reply)
                    continue
                hook.last_error_date = self.emulator.now()
                hook.last_error_message = error
                failures += 1
                await asyncio.sleep(min(0.25 * 2 ** (failures - 1), MAX_RETRY_SECONDS))

    async def _run_reply(self, method: str, params: Params) -> None:
        from pnplive.emulator.botapi import run_method

        try:
            await run_method(self.emulator, self.bot, method, params)
        except Exception:  # a reply that fails is lost, as with Telegram; keep delivering
            log.warning("the webhook's reply %s failed", method, exc_info=True)


async def _read_reply(response: aiohttp.ClientResponse) -> tuple[str, Params] | None:
    if response.content_type == "application/json":
        body = json.loads(await response.read() or b"null")
        if isinstance(body, dict) and isinstance(body.get("method"), str):
            values = dict(body)
            return str(values.pop("method")), Params(values)
        return None
    if response.content_type.startswith("multipart/"):
        params = Params()
        reader = aiohttp.MultipartReader.from_response(response)
        while (part := await reader.next()) is not None:
            if not isinstance(part, aiohttp.BodyPartReader) or part.name is None:
                continue
            if part.filename is not None:
                content_type = part.headers.get("Content-Type", "application/octet-stream")
                params.uploads[part.name] = Upload(await part.read(), part.filename, content_type)
            else:
                params.values[part.name] = await part.text()
        method = params.values.pop("method", None)
        return (str(method), params) if method else None
    return None


def start_webhook(emulator: Emulator, bot: BotState) -> None:
    sender = emulator.webhooks.get(bot.account.bot_id)
    if sender is not None and sender.task is not None and not sender.task.done():
        return
    sender = WebhookSender(emulator, bot)
    sender.task = asyncio.get_running_loop().create_task(sender.run())
    emulator.webhooks[bot.account.bot_id] = sender


async def stop_webhook(emulator: Emulator, bot: BotState) -> None:
    sender = emulator.webhooks.pop(bot.account.bot_id, None)
    if sender is not None:
        await sender.stop()
