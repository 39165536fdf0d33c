"""A local stand-in for Daily's REST API, served over real HTTP on 127.0.0.1.

It keeps rooms, records every request (answered or not), checks the bearer key, and can be told
to answer the next calls to a path with given statuses (500 then success, 401, ...).
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

API_KEY = "daily-test-key"


@dataclass
class Request:
    method: str
    path: str
    authorization: str | None
    body: dict[str, Any] | None
    status: int  # what the fake answered


@dataclass
class FakeDailyApi:
    rooms: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    # (method, path prefix) -> statuses to answer, in order, before behaving normally
    scripted: dict[tuple[str, str], deque[int]] = field(default_factory=lambda: defaultdict(deque))
    delay_seconds: float = 0.0  # answer this late (to exercise client timeouts)
    base_url: str = ""
    _runner: web.AppRunner | None = None
    _tokens: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/v1/rooms", self._create_room)
        app.router.add_delete("/v1/rooms/{name}", self._delete_room)
        app.router.add_post("/v1/meeting-tokens", self._create_token)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}/v1"
        return self.base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def script(self, method: str, path: str, *statuses: int) -> None:
        self.scripted[(method, path)].extend(statuses)

    def made(self, method: str, path_prefix: str = "") -> list[Request]:
        return [r for r in self.requests if r.method == method and r.path.startswith(path_prefix)]

    async def _begin(self, request: web.Request) -> tuple[Request, web.Response | None]:
        body = await request.json() if request.can_read_body else None
        rec = Request(request.method, request.path, request.headers.get("Authorization"), body, 0)
        self.requests.append(rec)
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        answer: web.Response | None = None
        for (method, prefix), statuses in self.scripted.items():
            if method == request.method and request.path.startswith(prefix) and statuses:
                answer = _error(statuses.popleft(), "scripted")
                break
        if answer is None and rec.authorization != f"Bearer {API_KEY}":
            answer = _error(401, "authorization-header-error")
        if answer is not None:
            rec.status = answer.status
        return rec, answer

    async def _create_room(self, request: web.Request) -> web.Response:
        rec, answer = await self._begin(request)
        if answer is not None:
            return answer
        assert rec.body is not None
        name = rec.body["name"]
        if name in self.rooms:
            rec.status = 400
            return _error(400, "invalid-request-error", info=f"a room named {name} already exists")
        room = {
            "id": f"id-{name}",
            "name": name,
            "url": f"https://pnplive.daily.co/{name}",
            "privacy": rec.body["privacy"],
            "config": rec.body["properties"],
        }
        self.rooms[name] = room
        rec.status = 200
        return web.json_response(room)

    async def _delete_room(self, request: web.Request) -> web.Response:
        rec, answer = await self._begin(request)
        if answer is not None:
            return answer
        name = request.match_info["name"]
        if self.rooms.pop(name, None) is None:
            rec.status = 404
            return _error(404, "not-found", info=f"room {name} was not found")
        rec.status = 200
        return web.json_response({"deleted": True, "name": name})

    async def _create_token(self, request: web.Request) -> web.Response:
        rec, answer = await self._begin(request)
        if answer is not None:
            return answer
        assert rec.body is not None
        if rec.body["properties"]["room_name"] not in self.rooms:
            rec.status = 400
            return _error(400, "invalid-request-error", info="room does not exist")
        rec.status = 200
        return web.json_response({"token": f"tok-{next(self._tokens)}"})


def _error(status: int, error: str, **extra: Any) -> web.Response:
    return web.Response(
        status=status,
        text=json.dumps({"error": error, **extra}),
        content_type="application/json",
    )
