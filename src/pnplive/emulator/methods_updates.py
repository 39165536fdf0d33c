"""Getting updates: long polling with getUpdates, or a webhook the emulator posts to."""

from __future__ import annotations

import re
from typing import Any

from pnplive.emulator.api_call import ApiCall, Handler
from pnplive.emulator.errors import BotApiError, bad_request
from pnplive.emulator.state import Webhook
from pnplive.emulator.webhook import start_webhook, stop_webhook

SECRET_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
MAX_POLL_SECONDS = 50


def _webhook_conflict() -> BotApiError:
    return BotApiError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; "
        "use deleteWebhook to delete the webhook first",
    )


def _remember_allowed_updates(call: ApiCall) -> None:
    allowed = call.params.structured("allowed_updates")
    if isinstance(allowed, list):
        # Telegram keeps the last list given; an empty one means the default set again.
        call.bot.allowed_updates = frozenset(map(str, allowed)) if allowed else None


async def get_updates(call: ApiCall) -> list[dict[str, Any]]:
    bot, emulator = call.bot, call.emulator
    if bot.webhook is not None:
        raise _webhook_conflict()
    limit = min(max(call.params.integer("limit") or 100, 1), 100)
    timeout = min(max(call.params.integer("timeout") or 0, 0), MAX_POLL_SECONDS)
    _remember_allowed_updates(call)
    bot.confirm(call.params.integer("offset") or 0)
    # A newer getUpdates ends the one still waiting, as Telegram does with two bot instances.
    generation = emulator.poll_generation.get(bot.account.bot_id, 0) + 1
    emulator.poll_generation[bot.account.bot_id] = generation
    emulator.wake_pollers(bot)
    deadline = emulator.monotonic() + timeout
    while True:
        if emulator.poll_generation[bot.account.bot_id] != generation:
            raise BotApiError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
        if bot.webhook is not None:
            raise _webhook_conflict()
        ready = bot.deliverable(limit)
        remaining = deadline - emulator.monotonic()
        if ready or remaining <= 0:
            return [update.as_json() for update in ready]
        await emulator.wait_updates(bot, remaining)


async def set_webhook(call: ApiCall) -> bool:
    url = call.params.text("url")
    if not url:
        return await delete_webhook(call)
    if not url.startswith(("http://", "https://")):
        # Telegram wants HTTPS; the emulator also accepts plain HTTP for local servers.
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = call.params.text("secret_token")
    if secret and not SECRET_SHAPE.match(secret):
        raise bad_request("bad webhook: Secret token contains unallowed characters")
    _remember_allowed_updates(call)
    if call.params.flag("drop_pending_updates"):
        call.bot.updates.clear()
    call.bot.webhook = Webhook(url=url, secret_token=secret)
    call.emulator.wake_pollers(call.bot)
    start_webhook(call.emulator, call.bot)
    return True


async def delete_webhook(call: ApiCall) -> bool:
    call.bot.webhook = None
    await stop_webhook(call.emulator, call.bot)
    if call.params.flag("drop_pending_updates"):
        call.bot.updates.clear()
    return True


async def get_webhook_info(call: ApiCall) -> dict[str, Any]:
    hook = call.bot.webhook
    info: dict[str, Any] = {
        "url": hook.url if hook else "",
        "has_custom_certificate": False,
        "pending_update_count": len(call.bot.updates),
    }
    if hook is not None:
        info["max_connections"] = 1
        if hook.last_error_date is not None:
            info["last_error_date"] = hook.last_error_date
            info["last_error_message"] = hook.last_error_message
    if call.bot.allowed_updates is not None:
        info["allowed_updates"] = sorted(call.bot.allowed_updates)
    return info


METHODS: dict[str, Handler] = {
    "getupdates": get_updates,
    "setwebhook": set_webhook,
    "deletewebhook": delete_webhook,
    "getwebhookinfo": get_webhook_info,
}
