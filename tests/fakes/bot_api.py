"""A local stand-in for the Telegram Bot API, served over real HTTP on 127.0.0.1.

It records every call and can answer like Telegram does when a person blocked the bot (403)
or when we send too fast (429 with ``retry_after``).
"""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "123456:TEST-token"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float  # time.monotonic() when it arrived

    @property
    def chat_id(self) -> int:
        return int(self.params["chat_id"])

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")


@dataclass
class FakeBotApi:
    blocked: set[int] = field(default_factory=set)
    # chat id -> retry_after seconds to answer once, for the next call to that chat
    throttle_once: dict[int, int] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)  # answered with success
    refused: list[Call] = field(default_factory=list)  # answered 403 or 429
    files: dict[int, bytes] = field(default_factory=dict)  # call index -> document bytes
    _runner: web.AppRunner | None = None
    base_url: str = ""
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def sent(self, method: str | None = None) -> list[Call]:
        return [c for c in self.calls if method is None or c.method == method]

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params: dict[str, Any] = {}
        document: bytes | None = None
        if request.content_type == "application/json":
            params = await request.json()
        else:
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    document = value.file.read()
                else:
                    params[name] = value
        chat_id = int(params.get("chat_id", 0))
        call = Call(method, params, time.monotonic())
        if chat_id in self.blocked:
            self.refused.append(call)
            return _error(403, "Forbidden: bot was blocked by the user")
        if chat_id in self.throttle_once:
            self.refused.append(call)
            wait = self.throttle_once.pop(chat_id)
            return _error(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
        self.calls.append(call)
        if document is not None:
            self.files[len(self.calls) - 1] = document
        message = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
        }
        return web.json_response({"ok": True, "result": message})


def _error(code: int, description: str, **parameters: Any) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.Response(status=code, text=json.dumps(body), content_type="application/json")
