"""Public Jitsi (the default): no credentials; the room's name is the secret (128 random bits)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import quote

from pnplive.video.providers.base import CallEvent, OpenedRoom, RoomRequest, WebhookRejected


class PublicJitsi:
    name = "jitsi"
    has_webhooks = False

    def __init__(self, base_url: str = "https://meet.jit.si") -> None:
        self._base = base_url.rstrip("/")

    async def open_room(self, request: RoomRequest) -> OpenedRoom:
        room = f"pnplive-{secrets.token_hex(16)}"
        urls = {
            p.user_id: f"{self._base}/{room}#userInfo.displayName=%22{quote(p.name)}%22"
            for p in request.participants
        }
        return OpenedRoom(provider=self.name, room_name=room, join_urls=urls)

    async def close_room(self, room_name: str) -> None:
        return None  # public rooms end when the last participant leaves

    def parse_webhook(
        self, headers: Mapping[str, str], body: bytes, now: datetime
    ) -> list[CallEvent]:
        raise WebhookRejected("public Jitsi sends no webhooks")
