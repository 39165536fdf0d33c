"""Daily.co webhooks: signed events become call events; anything else is refused."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import pytest

from pnplive.video.providers.base import (
    EventKind,
    InvalidSignature,
    StaleWebhook,
    WebhookRejected,
)
from pnplive.video.providers.daily import DailyProvider
from tests.video.providers.support import NOW
from tests.video.signers import DAILY_SECRET, daily_event, daily_sign, daily_signed

TS = int(NOW.timestamp())


def provider(secret: str | None = DAILY_SECRET) -> DailyProvider:
    return DailyProvider(api_key="k", webhook_secret=secret, api_base="http://unused.invalid")


@pytest.mark.parametrize(
    ("event_type", "kind", "user_id"),
    [
        ("participant.joined", EventKind.JOINED, "u-member"),
        ("participant.left", EventKind.LEFT, "u-performer"),
        ("meeting.ended", EventKind.ENDED, None),
    ],
)
def test_signed_events_become_call_events(
    event_type: str, kind: EventKind, user_id: str | None
) -> None:
    at = NOW - timedelta(seconds=2, milliseconds=250)
    event = daily_event(event_type, "pnplive-room", at=at, user_id=user_id)
    headers, body = daily_signed(event, NOW)

    [got] = provider().parse_webhook(headers, body, NOW)

    assert (got.event_id, got.kind, got.room_name, got.user_id) == (
        event["id"],
        kind,
        "pnplive-room",
        user_id,
    )
    assert got.at == at


def test_a_millisecond_timestamp_header_is_read_as_such() -> None:
    body = json.dumps(daily_event("meeting.ended", "r", at=NOW)).encode()
    assert len(provider().parse_webhook(daily_sign(body, TS * 1000), body, NOW)) == 1
    with pytest.raises(StaleWebhook):
        provider().parse_webhook(daily_sign(body, (TS - 301) * 1000), body, NOW)


def test_other_event_types_are_verified_then_ignored() -> None:
    event = {"version": "1.0.0", "type": "recording.ready-to-download", "id": "e", "payload": {}}
    headers, body = daily_signed(event, NOW)
    assert provider().parse_webhook(headers, body, NOW) == []


Spoil = tuple[dict[str, str], bytes]


def _forged(h: dict[str, str], body: bytes) -> Spoil:
    return daily_sign(body, TS, secret=base64.b64encode(b"another key").decode()), body


def _tampered(h: dict[str, str], body: bytes) -> Spoil:
    return h, body.replace(b"u-member", b"u-other0")


def _no_signature(h: dict[str, str], body: bytes) -> Spoil:
    return {"X-Webhook-Timestamp": h["X-Webhook-Timestamp"]}, body


def _no_timestamp(h: dict[str, str], body: bytes) -> Spoil:
    return {"X-Webhook-Signature": h["X-Webhook-Signature"]}, body


def _bad_base64(h: dict[str, str], body: bytes) -> Spoil:
    return h | {"X-Webhook-Signature": "%%%" + h["X-Webhook-Signature"]}, body


def _unpadded(h: dict[str, str], body: bytes) -> Spoil:
    return h | {"X-Webhook-Signature": h["X-Webhook-Signature"].rstrip("=")}, body


def _other_timestamp(h: dict[str, str], body: bytes) -> Spoil:
    return h | {"X-Webhook-Timestamp": str(TS - 1)}, body


def _signed_timestamp(h: dict[str, str], body: bytes) -> Spoil:
    return daily_sign(body, f"+{TS}"), body


@pytest.mark.parametrize(
    "spoil",
    [
        _forged,
        _tampered,
        _no_signature,
        _no_timestamp,
        _bad_base64,
        _unpadded,
        _other_timestamp,
        _signed_timestamp,
    ],
    ids=lambda f: f.__name__,
)
def test_unsigned_or_forged_webhooks_are_refused(spoil: Any) -> None:
    event = daily_event("participant.joined", "r", at=NOW, user_id="u-member")
    headers, body = spoil(*daily_signed(event, NOW))
    with pytest.raises(InvalidSignature) as caught:
        provider().parse_webhook(headers, body, NOW)
    assert caught.value.status == 401


@pytest.mark.parametrize("age", [301, -301, 10**9])
def test_stale_signatures_are_refused(age: int) -> None:
    body = json.dumps(daily_event("meeting.ended", "r", at=NOW)).encode()
    with pytest.raises(StaleWebhook):
        provider().parse_webhook(daily_sign(body, TS - age), body, NOW)


def test_without_a_secret_nothing_is_accepted() -> None:
    p = provider(secret=None)
    assert p.has_webhooks is False
    headers, body = daily_signed(daily_event("meeting.ended", "r", at=NOW), NOW)
    with pytest.raises(InvalidSignature):
        p.parse_webhook(headers, body, NOW)


def test_a_secret_that_is_not_base64_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match="base64"):
        provider(secret="not base64!")


@pytest.mark.parametrize(
    "change",
    [
        {"id": 12},
        {"id": None},
        {"type": 1},
        {"payload": "room"},
        {"payload": {"room": "r"}},  # a participant event without its user
        {"payload": {"room": 3, "user_id": "u"}},
        {"payload": {"room": "r", "user_id": ["u"]}},
        {"payload": {"room": "r" * 256, "user_id": "u"}},
        {"event_ts": "1803891600"},
        {"event_ts": None},
        {"event_ts": 1e309},
        {"event_ts": 10**400},
        {"event_ts": False},
    ],
    ids=repr,
)
def test_signed_bodies_of_the_wrong_shape_are_rejected(change: dict[str, Any]) -> None:
    event = daily_event("participant.joined", "r", at=NOW, user_id="u") | change
    body = json.dumps(event).encode()
    with pytest.raises(WebhookRejected) as caught:
        provider().parse_webhook(daily_sign(body, TS), body, NOW)
    assert type(caught.value) is WebhookRejected and caught.value.status == 400


@pytest.mark.parametrize("body", [b"", b"nope", b'"x"', b"\xc3\x28", b"{" * 50_000])
def test_signed_bodies_that_are_not_json_objects_are_rejected(body: bytes) -> None:
    with pytest.raises(WebhookRejected):
        provider().parse_webhook(daily_sign(body, TS), body, NOW)
