"""Daily.co: a private room per booking and a meeting token per participant, over its REST API.

``POST /rooms {"name", "privacy": "private", "properties": {nbf, exp, max_participants: 2,
eject_at_room_exp: true}}`` → ``{name, url}``; ``POST /meeting-tokens {"properties": {room_name,
nbf, exp, is_owner, user_name, user_id, eject_at_token_exp: true}}`` → ``{token}``; join URL
``<room url>?t=<token>``; ``DELETE /rooms/<name>`` after the call (404: already gone). Recording
is never enabled. Calls retry on network errors, 429 and 5xx; other answers fail at once.

Webhooks ``{version, type, id, payload, event_ts}``. Signature *unconfirmed*:
``X-Webhook-Signature`` is the base64 HMAC-SHA256, keyed with the base64-decoded secret, of
``"{X-Webhook-Timestamp}.{raw_body}"`` (see ``signature``); the timestamp unit is also
unconfirmed, so ``sent_at_seconds`` reads values beyond the year 5000 as milliseconds.
"""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from pnplive.video.providers.base import (
    CallEvent,
    EventKind,
    InvalidSignature,
    OpenedRoom,
    Participant,
    RoomRequest,
    VideoProviderError,
    WebhookRejected,
)
from pnplive.video.providers.common import (
    b64decode_strict,
    check_fresh,
    header,
    hmac_sha256,
    load_object,
    moment,
    new_room_name,
    signed_payload,
    text,
    timestamp_header,
    unix,
)
from pnplive.video.providers.http import send

EVENTS = {
    "participant.joined": EventKind.JOINED,
    "participant.left": EventKind.LEFT,
    "meeting.ended": EventKind.ENDED,
}


def room_body(room: str, request: RoomRequest) -> dict[str, Any]:
    return {
        "name": room,
        "privacy": "private",
        "properties": {
            "nbf": unix(request.not_before),
            "exp": unix(request.expires),
            "max_participants": 2,
            "eject_at_room_exp": True,
        },
    }


def token_body(room: str, who: Participant, request: RoomRequest) -> dict[str, Any]:
    return {
        "properties": {
            "room_name": room,
            "nbf": unix(request.not_before),
            "exp": unix(request.expires),
            "is_owner": who.moderator,
            "user_name": who.name,
            "user_id": who.user_id,
            "eject_at_token_exp": True,
        }
    }


def signature(key: bytes, timestamp: str, body: bytes) -> bytes:
    """The HMAC Daily is taken to send (*unconfirmed*, see the module doc)."""
    return hmac_sha256(key, signed_payload(timestamp, body))


def sent_at_seconds(raw: int) -> int:
    """Unix seconds from the timestamp header, whether Daily writes seconds or milliseconds."""
    return raw // 1000 if raw > 10**11 else raw


def decode_secret(secret: str) -> bytes:
    key = b64decode_strict(secret)
    if not key:
        raise ValueError("daily_webhook_secret must be the base64 text Daily gives")
    return key


class DailyProvider:
    name = "daily"

    def __init__(
        self,
        *,
        api_key: str,
        webhook_secret: str | None = None,
        api_base: str = "https://api.daily.co/v1",
        timeout: float = 10.0,
        retries: int = 2,
        backoff: float = 0.5,
        tolerance_seconds: int = 300,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self._api = api_base.rstrip("/")
        self._auth = {"Authorization": f"Bearer {api_key}"}
        self._key = decode_secret(webhook_secret) if webhook_secret is not None else None
        self._timeout, self._retries, self._backoff = timeout, retries, backoff
        self._tolerance = tolerance_seconds
        self._http = http
        self.has_webhooks = self._key is not None

    @asynccontextmanager
    async def _client(self) -> AsyncIterator[httpx.AsyncClient]:
        # A shared client is the caller's to close; otherwise one lives for this operation.
        if self._http is not None:
            yield self._http
            return
        async with httpx.AsyncClient() as client:
            yield client

    async def _call(
        self, client: httpx.AsyncClient, method: str, path: str, **kwargs: Any
    ) -> httpx.Response:
        return await send(
            client,
            method,
            self._api + path,
            retries=self._retries,
            backoff=self._backoff,
            headers=self._auth,
            timeout=self._timeout,
            **kwargs,
        )

    async def open_room(self, request: RoomRequest) -> OpenedRoom:
        async with self._client() as client:
            body = room_body(new_room_name(), request)
            resp = await self._call(client, "POST", "/rooms", json=body)
            room, url = _answer(resp, "name"), _answer(resp, "url")
            if not url.startswith(("https://", "http://")):
                await self._delete(client, room, quiet=True)
                raise VideoProviderError("Daily answered a room url that is not a web address")
            try:
                urls = {}
                for p in request.participants:
                    resp = await self._call(
                        client, "POST", "/meeting-tokens", json=token_body(room, p, request)
                    )
                    urls[p.user_id] = f"{url}?{urlencode({'t': _answer(resp, 'token')})}"
            except VideoProviderError:
                # No one can use a room without tokens; do not leave it behind.
                await self._delete(client, room, quiet=True)
                raise
        return OpenedRoom(provider=self.name, room_name=room, join_urls=urls)

    async def close_room(self, room_name: str) -> None:
        async with self._client() as client:
            await self._delete(client, room_name, quiet=False)

    async def _delete(self, client: httpx.AsyncClient, room: str, *, quiet: bool) -> None:
        try:
            await self._call(
                client, "DELETE", f"/rooms/{quote(room, safe='')}", ok=frozenset({404})
            )
        except VideoProviderError:
            if not quiet:
                raise

    def verify(self, headers: Mapping[str, str], body: bytes, now: datetime) -> None:
        if self._key is None:
            raise InvalidSignature("no Daily webhook secret is configured")
        given = header(headers, "X-Webhook-Signature")
        raw_ts = header(headers, "X-Webhook-Timestamp")
        if not given or raw_ts is None:
            raise InvalidSignature("the Daily signature headers are missing")
        sent_at = sent_at_seconds(timestamp_header(raw_ts))
        decoded = b64decode_strict(given)
        expected = signature(self._key, raw_ts.strip(), body)
        if decoded is None or not hmac.compare_digest(decoded, expected):
            raise InvalidSignature("the Daily signature does not match")
        check_fresh(sent_at, now, self._tolerance)

    def parse_webhook(
        self, headers: Mapping[str, str], body: bytes, now: datetime
    ) -> list[CallEvent]:
        self.verify(headers, body, now)
        event = load_object(body)
        kind = EVENTS.get(text(event.get("type"), "type"))
        if kind is None:
            return []  # recordings, transcripts and the rest are not call events
        payload = event.get("payload")
        if not isinstance(payload, dict):
            raise WebhookRejected("payload is not an object")
        return [
            CallEvent(
                event_id=text(event.get("id"), "id"),
                kind=kind,
                room_name=text(payload.get("room"), "payload.room"),
                user_id=(
                    None if kind is EventKind.ENDED else text(payload.get("user_id"), "user_id")
                ),
                at=moment(event.get("event_ts"), "event_ts"),
            )
        ]


def _answer(resp: httpx.Response, field: str) -> str:
    """A non-empty string field of a JSON answer, or VideoProviderError."""
    try:
        data = resp.json()
    except ValueError as exc:
        raise VideoProviderError(f"Daily answered {resp.request.url} without JSON") from exc
    value = data.get(field) if isinstance(data, dict) else None
    if not isinstance(value, str) or not value:
        raise VideoProviderError(f"Daily answered {resp.request.url} without {field}")
    return value
