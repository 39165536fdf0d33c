"""Telegram's webhook for the bot (when the bot runs by webhook instead of long polling): the
secret token header is compared in constant time before the update is read."""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from pnplive.api.deps import get_settings_dep
from pnplive.errors import Forbidden, NotFound, PnpError

router = APIRouter(tags=["telegram"])


class BotNotHere(NotFound):
    code = "bot_not_here"


class WrongSecret(Forbidden):
    code = "wrong_webhook_secret"


class NotAnUpdate(PnpError):
    code = "not_an_update"
    status = 400


@router.post(
    "/webhooks/telegram",
    summary="Updates for the bot, posted by Telegram (webhook mode)",
    responses={403: {"description": "Wrong secret."}, 404: {"description": "No bot here."}},
)
async def telegram_webhook(request: Request) -> Any:
    bot = getattr(request.app.state, "bot", None)
    secret = get_settings_dep(request).bot_webhook_secret
    if bot is None or not secret:
        raise BotNotHere("this service takes no Telegram updates by webhook")
    given = request.headers.get("x-telegram-bot-api-secret-token", "")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        raise WrongSecret("wrong secret token")
    try:
        update = await request.json()
    except ValueError:
        raise NotAnUpdate("the body is not JSON") from None
    if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
        raise NotAnUpdate("the body is not a Telegram update")
    await bot.feed(update)
    return JSONResponse({"ok": True})
