"""Self-hosted Jitsi with Prosody token auth: an HS256 token per participant, no webhooks.

Claims ``iss=<app_id>``, ``aud=<audience>``, ``sub=<domain>``, ``room``, ``nbf``, ``exp`` and
``context.user`` with string values only (Prosody's token plugin compares strings). URL
``https://<domain>/<room>?jwt=<token>``. A shared secret under 32 bytes is refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import urlencode

import jwt

from pnplive.video.providers.base import (
    CallEvent,
    OpenedRoom,
    Participant,
    RoomRequest,
    WebhookRejected,
)
from pnplive.video.providers.common import new_room_name, unix, user_claim

MIN_SECRET_BYTES = 32
# A bare host with an optional port: a scheme or path here would build a broken URL.
_HOST = re.compile(r"[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::[0-9]{1,5})?")


class SelfHostedJitsiProvider:
    name = "jitsi_selfhosted"
    has_webhooks = False

    def __init__(self, *, domain: str, app_id: str, app_secret: str, audience: str = "jitsi"):
        domain = domain.strip().lower()
        if not _HOST.fullmatch(domain):
            raise ValueError("jitsi_domain must be a bare host name such as meet.example.com")
        if len(app_secret.encode()) < MIN_SECRET_BYTES:
            # RFC 7518 §3.2: an HS256 key shorter than the hash can be guessed offline from
            # any token a member holds, and then every room of the server is open.
            raise ValueError(f"jitsi_app_secret must be at least {MIN_SECRET_BYTES} bytes")
        self._domain = domain
        self._app_id = app_id
        self._secret = app_secret
        self._audience = audience

    def token(self, room: str, who: Participant, request: RoomRequest) -> str:
        claims = {
            "iss": self._app_id,
            "aud": self._audience,
            "sub": self._domain,
            "room": room,
            "nbf": unix(request.not_before),
            "exp": unix(request.expires),
            "context": {"user": user_claim(who.user_id, who.name, who.moderator)},
        }
        return jwt.encode(claims, self._secret, algorithm="HS256")

    async def open_room(self, request: RoomRequest) -> OpenedRoom:
        room = new_room_name()
        urls = {
            p.user_id: f"https://{self._domain}/{room}?"
            + urlencode({"jwt": self.token(room, p, request)})
            for p in request.participants
        }
        return OpenedRoom(provider=self.name, room_name=room, join_urls=urls)

    async def close_room(self, room_name: str) -> None:
        # Prosody drops an empty room by itself and the tokens expire at ``exp``.
        return None

    def parse_webhook(
        self, headers: Mapping[str, str], body: bytes, now: datetime
    ) -> list[CallEvent]:
        raise WebhookRejected("self-hosted Jitsi sends no webhooks")
