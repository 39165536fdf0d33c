"""Public Jitsi (meet.jit.si by default): no account, no tokens, no webhooks.

The room name is the only secret, so it carries 128 bits from the CSPRNG. Each participant gets
the same room URL with their display name in the fragment (``#userInfo.displayName="…"``; Jitsi
reads fragment values as JSON, hence the quotes). The fragment never reaches the server.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import quote

from pnplive.video.providers.base import (
    CallEvent,
    OpenedRoom,
    RoomRequest,
    WebhookRejected,
)
from pnplive.video.providers.common import new_room_name


def join_url(base: str, room: str, display_name: str) -> str:
    fragment = "userInfo.displayName=" + quote(json.dumps(display_name), safe="")
    return f"{base.rstrip('/')}/{room}#{fragment}"


class JitsiProvider:
    name = "jitsi"
    has_webhooks = False

    def __init__(self, *, base: str = "https://meet.jit.si") -> None:
        self._base = base

    async def open_room(self, request: RoomRequest) -> OpenedRoom:
        room = new_room_name()
        urls = {p.user_id: join_url(self._base, room, p.name) for p in request.participants}
        return OpenedRoom(provider=self.name, room_name=room, join_urls=urls)

    async def close_room(self, room_name: str) -> None:
        # Public Jitsi rooms vanish when the last person leaves; there is nothing to close.
        return None

    def parse_webhook(
        self, headers: Mapping[str, str], body: bytes, now: datetime
    ) -> list[CallEvent]:
        raise WebhookRejected("public Jitsi sends no webhooks")
