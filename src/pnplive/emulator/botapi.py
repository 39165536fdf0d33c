"""The Bot API over HTTP: ``/bot{token}/{method}``, and files at ``/file/bot{token}/{path}``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import UploadFile

from pnplive.emulator import (
    methods_bot,
    methods_edits,
    methods_messages,
    methods_payments,
    methods_updates,
)
from pnplive.emulator.api_call import ApiCall, Handler
from pnplive.emulator.emulator import Emulator
from pnplive.emulator.errors import BotApiError, bad_request, not_found, unauthorized
from pnplive.emulator.params import Params, Upload
from pnplive.emulator.state import BotState

# Method names are case-insensitive in the Bot API.
METHODS: dict[str, Handler] = (
    methods_bot.METHODS
    | methods_messages.METHODS
    | methods_edits.METHODS
    | methods_updates.METHODS
    | methods_payments.METHODS
)


async def run_method(emulator: Emulator, bot: BotState, method: str, params: Params) -> Any:
    handler = METHODS.get(method.lower())
    if handler is None:
        raise not_found()
    return await handler(ApiCall(emulator, bot, params))


async def read_params(request: Request) -> Params:
    params = Params(dict(request.query_params))
    if request.method != "POST":
        return params
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        body = await request.body()
        if body:
            try:
                values = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON body") from None
            if not isinstance(values, dict):
                raise bad_request("the body must be a JSON object")
            params.values.update(values)
    elif content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        form = await request.form(max_part_size=16 * 1024 * 1024)
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                data = await value.read()
                params.uploads[name] = Upload(
                    data, value.filename or name, value.content_type or "application/octet-stream"
                )
            else:
                params.values[name] = value
    return params


def bot_api_router(emulator: Emulator) -> APIRouter:
    router = APIRouter()

    @router.api_route("/bot{token}/{method}", methods=["GET", "POST"], include_in_schema=False)
    async def call_method(token: str, method: str, request: Request) -> Response:
        try:
            bot = emulator.bot_by_token(token)
            if bot is None:
                raise unauthorized()
            if method.lower() not in METHODS:
                raise not_found()
            result = await run_method(emulator, bot, method, await read_params(request))
        except BotApiError as error:
            return JSONResponse(error.body(), status_code=error.code)
        return JSONResponse({"ok": True, "result": result})

    @router.get("/file/bot{token}/{file_path:path}", include_in_schema=False)
    async def download(token: str, file_path: str) -> Response:
        if emulator.bot_by_token(token) is None:
            return JSONResponse(unauthorized().body(), status_code=401)
        stored = emulator.state.file_by_path(file_path)
        if stored is None or stored.data is None:
            return JSONResponse(not_found().body(), status_code=404)
        media_type = stored.mime_type or (
            "image/jpeg" if stored.kind == "photo" else "application/octet-stream"
        )
        return Response(stored.data, media_type=media_type)

    return router
