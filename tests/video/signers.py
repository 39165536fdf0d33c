"""Webhooks signed the way JaaS and Daily sign them (as INTEGRATIONS.md describes), built here
independently of the providers' own code so a shared mistake cannot pass unnoticed."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from datetime import datetime
from typing import Any

JAAS_APP_ID = "vpaas-magic-cookie-0123456789abcdef0123456789abcdef"
JAAS_KEY_ID = "a1b2c3"
JAAS_SECRET = "jaas-endpoint-secret"
DAILY_SECRET = base64.b64encode(b"daily-webhook-hmac-key-32-bytes!").decode()

Signed = tuple[dict[str, str], bytes]


def _b64_hmac(key: bytes, msg: bytes) -> str:
    return base64.b64encode(hmac.new(key, msg, hashlib.sha256).digest()).decode()


def jaas_sign(body: bytes, t: int, secret: str = JAAS_SECRET) -> dict[str, str]:
    sig = _b64_hmac(secret.encode(), f"{t}.".encode() + body)
    return {"X-Jaas-Signature": f"t={t},v1={sig}"}


def jaas_event(
    event_type: str, room: str, *, at: datetime, user_id: str | None = None, **extra: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if user_id is not None:
        data = {"id": user_id, "name": "Someone", "moderator": "false", "group": ""}
    return {
        "idempotencyKey": secrets.token_hex(8),
        "customerId": "cust",
        "appId": JAAS_APP_ID,
        "eventType": event_type,
        "sessionId": "session-1",
        "timestamp": int(at.timestamp() * 1000),
        "fqn": f"{JAAS_APP_ID}/{room}",
        "data": data,
        **extra,
    }


def jaas_signed(event: Any, now: datetime) -> Signed:
    body = json.dumps(event).encode()
    return jaas_sign(body, int(now.timestamp())), body


def daily_sign(body: bytes, ts: int | str, secret: str = DAILY_SECRET) -> dict[str, str]:
    sig = _b64_hmac(base64.b64decode(secret), f"{ts}.".encode() + body)
    return {"X-Webhook-Signature": sig, "X-Webhook-Timestamp": str(ts)}


def daily_event(
    event_type: str, room: str, *, at: datetime, user_id: str | None = None
) -> dict[str, Any]:
    payload: dict[str, Any] = {"room": room}
    if user_id is not None:
        payload |= {"user_id": user_id, "user_name": "Someone", "joined_at": at.timestamp()}
    return {
        "version": "1.0.0",
        "type": event_type,
        "id": f"evt-{secrets.token_hex(8)}",
        "payload": payload,
        "event_ts": at.timestamp(),
    }


def daily_signed(event: Any, now: datetime) -> Signed:
    body = json.dumps(event).encode()
    return daily_sign(body, int(now.timestamp())), body
