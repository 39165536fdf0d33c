"""Jitsi as a Service (8x8.vc): an RS256 token per participant, and signed webhooks.

Token header ``{"alg": "RS256", "kid": "<appId>/<keyId>", "typ": "JWT"}`` where the app id
already starts with ``vpaas-magic-cookie-``; claims ``aud="jitsi"``, ``iss="chat"``,
``sub=<appId>``, ``room``, ``nbf``, ``exp`` and ``context.user``/``context.features`` (every
feature off: no recording, streaming, transcription or dial-out). URL
``<base>/<appId>/<room>?jwt=<token>``.

Webhooks: ``X-Jaas-Signature: t=<unix>,v1=<base64>``; v1 is the base64 HMAC-SHA256 of
``"{t}.{raw_body}"`` keyed with the endpoint secret. That construction is *unconfirmed*; it lives
in ``signature`` alone. Body ``{idempotencyKey, eventType, timestamp (ms), fqn: "<appId>/<room>",
data}``; ``data.id`` is the ``context.user.id`` of the token the participant joined with.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from pnplive.video.providers.base import (
    CallEvent,
    EventKind,
    InvalidSignature,
    OpenedRoom,
    Participant,
    RoomRequest,
    WebhookRejected,
)
from pnplive.video.providers.common import (
    b64decode_strict,
    check_fresh,
    header,
    hmac_sha256,
    load_object,
    moment_ms,
    new_room_name,
    signed_payload,
    text,
    timestamp_header,
    unix,
    user_claim,
)

APP_PREFIX = "vpaas-magic-cookie-"
FEATURES_OFF = {
    "livestreaming": "false",
    "recording": "false",
    "transcription": "false",
    "outbound-call": "false",
}
EVENTS = {
    "PARTICIPANT_JOINED": EventKind.JOINED,
    "PARTICIPANT_LEFT": EventKind.LEFT,
    "ROOM_DESTROYED": EventKind.ENDED,
}


def load_private_key(pem_or_path: str) -> RSAPrivateKey:
    """The RSA key from PEM text, or from the PEM file the text names."""
    pem = pem_or_path if "-----BEGIN" in pem_or_path else Path(pem_or_path).read_text()
    # An env var often carries the PEM on one line with literal "\n" between its lines.
    pem = pem.replace("\\n", "\n")
    key = load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, RSAPrivateKey):
        raise ValueError("the JaaS private key must be an RSA key")
    return key


def signature(secret: str, timestamp: str, body: bytes) -> bytes:
    """The HMAC JaaS is taken to send in ``v1`` (*unconfirmed*, see the module doc)."""
    return hmac_sha256(secret.encode(), signed_payload(timestamp, body))


def signature_parts(value: str) -> tuple[str | None, list[str]]:
    """``t`` and every ``v1`` of the header; elements split on the first ``=`` only, since
    base64 ends in ``=`` padding."""
    t: str | None = None
    v1: list[str] = []
    for element in value.split(","):
        key, _, val = element.strip().partition("=")
        if not val:
            continue
        if key == "t":
            t = val
        elif key == "v1":
            v1.append(val)
    return t, v1


class JaasProvider:
    name = "jaas"

    def __init__(
        self,
        *,
        app_id: str,
        key_id: str,
        private_key: str,
        webhook_secret: str | None = None,
        base: str = "https://8x8.vc",
        tolerance_seconds: int = 300,
    ) -> None:
        if not app_id.startswith(APP_PREFIX):
            raise ValueError(f"the JaaS app id must start with {APP_PREFIX!r}")
        self._app_id = app_id
        self._kid = f"{app_id}/{key_id}"
        self._key = load_private_key(private_key)
        self._secret = webhook_secret
        self._base = base.rstrip("/")
        self._tolerance = tolerance_seconds
        self.has_webhooks = webhook_secret is not None

    def token(self, room: str, who: Participant, request: RoomRequest) -> str:
        claims = {
            "aud": "jitsi",
            "iss": "chat",
            "sub": self._app_id,
            "room": room,
            "nbf": unix(request.not_before),
            "exp": unix(request.expires),
            "context": {
                "user": user_claim(who.user_id, who.name, who.moderator),
                "features": dict(FEATURES_OFF),
            },
        }
        return jwt.encode(
            claims, self._key, algorithm="RS256", headers={"kid": self._kid, "typ": "JWT"}
        )

    async def open_room(self, request: RoomRequest) -> OpenedRoom:
        room = new_room_name()
        urls = {
            p.user_id: f"{self._base}/{self._app_id}/{room}?"
            + urlencode({"jwt": self.token(room, p, request)})
            for p in request.participants
        }
        return OpenedRoom(provider=self.name, room_name=room, join_urls=urls)

    async def close_room(self, room_name: str) -> None:
        # A JaaS room is destroyed when it empties, and the tokens stop working at ``exp``.
        return None

    def verify(self, headers: Mapping[str, str], body: bytes, now: datetime) -> None:
        if self._secret is None:
            raise InvalidSignature("no JaaS webhook secret is configured")
        value = header(headers, "X-Jaas-Signature")
        if not value:
            raise InvalidSignature("the X-Jaas-Signature header is missing")
        t, given = signature_parts(value)
        if t is None or not given:
            raise InvalidSignature("the signature has no t or v1")
        sent_at = timestamp_header(t)
        expected = signature(self._secret, t, body)
        # Check every v1 (a rotation may send two); compare_digest keeps it constant-time.
        matches = [b64decode_strict(v) for v in given]
        if not any(m is not None and hmac.compare_digest(m, expected) for m in matches):
            raise InvalidSignature("the JaaS signature does not match")
        check_fresh(sent_at, now, self._tolerance)

    def parse_webhook(
        self, headers: Mapping[str, str], body: bytes, now: datetime
    ) -> list[CallEvent]:
        self.verify(headers, body, now)
        event = load_object(body)
        kind = EVENTS.get(text(event.get("eventType"), "eventType"))
        if kind is None:
            return []  # ROOM_CREATED and the rest say nothing the call needs
        return [self._event(event, kind)]

    def _event(self, event: dict[str, Any], kind: EventKind) -> CallEvent:
        event_id = text(event.get("idempotencyKey"), "idempotencyKey")
        at = moment_ms(event.get("timestamp"), "timestamp")
        app, _, room = text(event.get("fqn"), "fqn").partition("/")
        if app != self._app_id or not room or "/" in room:
            raise WebhookRejected("fqn does not name a room of this app")
        user_id = None
        if kind is not EventKind.ENDED:
            data = event.get("data")
            if not isinstance(data, dict):
                raise WebhookRejected("data is not an object")
            user_id = text(data.get("id"), "data.id")
        return CallEvent(event_id=event_id, kind=kind, room_name=room, user_id=user_id, at=at)
