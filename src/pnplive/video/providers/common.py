"""Pure helpers the video providers share: room names, times, and strict webhook reading.

Nothing here does I/O. Every reader raises ``WebhookRejected`` (or a subclass) for anything
that is not what a provider sends, so a hostile body never surfaces as another exception.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pnplive.video.providers.base import InvalidSignature, StaleWebhook, WebhookRejected

ROOM_PREFIX = "pnplive-"
MAX_TEXT = 255
# Unix seconds we accept in events: 2000-01-01 .. 2100-01-01 (outside is not a real event).
_MIN_TS, _MAX_TS = 946_684_800, 4_102_444_800
_DIGITS = re.compile(r"[0-9]{1,16}")


def new_room_name() -> str:
    """An unguessable room name: 128 bits from the OS CSPRNG, lowercase hex (Jitsi and JaaS
    want lowercase names; the name is the only thing guarding a public Jitsi room)."""
    return ROOM_PREFIX + secrets.token_hex(16)


def unix(moment: datetime) -> int:
    """Whole unix seconds of an aware datetime; a naive one would be read as local time."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("room times must be timezone-aware")
    return int(moment.timestamp())


def header(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive header lookup on any mapping."""
    lname = name.lower()
    for key, value in headers.items():
        if key.lower() == lname:
            return value
    return None


def hmac_sha256(key: bytes, msg: bytes) -> bytes:
    return hmac.new(key, msg, hashlib.sha256).digest()


def b64decode_strict(text: str) -> bytes | None:
    """Standard base64 with padding, or None when the text is not that."""
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None


def signed_payload(timestamp: str, body: bytes) -> bytes:
    """``"{timestamp}.{raw_body}"`` on the raw bytes, so nothing is re-encoded before checking."""
    return timestamp.encode("ascii") + b"." + body


def timestamp_header(raw: str | None) -> int:
    """A unix timestamp written as plain digits (no sign, spaces or underscores)."""
    if raw is None or not _DIGITS.fullmatch(raw.strip()):
        raise InvalidSignature("the signature timestamp is not a unix time")
    return int(raw.strip())


def check_fresh(sent_at: int, now: datetime, tolerance_seconds: int) -> None:
    """Refuse a signature from too long ago (replay) or too far ahead (a forged clock)."""
    if abs(now.timestamp() - sent_at) > tolerance_seconds:
        raise StaleWebhook("the webhook timestamp is outside the tolerance")


def load_object(body: bytes) -> dict[str, Any]:
    """The body as a JSON object; anything else is rejected."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:  # bad UTF-8 is a ValueError too
        raise WebhookRejected("the body is not JSON") from exc
    if not isinstance(data, dict):
        raise WebhookRejected("the body is not a JSON object")
    return data


def text(value: Any, what: str) -> str:
    """A short, storable, non-empty string (no NUL, no lone surrogates)."""
    if not isinstance(value, str) or not 0 < len(value) <= MAX_TEXT or "\x00" in value:
        raise WebhookRejected(f"{what} is not a short text")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise WebhookRejected(f"{what} is not valid text") from exc
    return value


def moment(seconds: Any, what: str) -> datetime:
    """An event time given as unix seconds (int or float) as an aware UTC datetime."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise WebhookRejected(f"{what} is not a number")
    # A range check, not math.isfinite: NaN fails it too, and huge ints cannot become floats.
    if not _MIN_TS <= seconds <= _MAX_TS:
        raise WebhookRejected(f"{what} is not a plausible time")
    return datetime.fromtimestamp(seconds, UTC)


def moment_ms(millis: Any, what: str) -> datetime:
    """An event time given as whole unix milliseconds."""
    if isinstance(millis, bool) or not isinstance(millis, int):
        raise WebhookRejected(f"{what} is not whole milliseconds")
    if not _MIN_TS * 1000 <= millis <= _MAX_TS * 1000:  # before dividing: huge ints overflow
        raise WebhookRejected(f"{what} is not a plausible time")
    return datetime.fromtimestamp(millis / 1000, UTC)


def user_claim(user_id: str, name: str, moderator: bool) -> dict[str, str]:
    """``context.user`` for Jitsi tokens: every value a string, as Prosody and JaaS expect.
    No avatar or email: the call needs neither (data minimalism)."""
    return {"id": user_id, "name": name, "moderator": "true" if moderator else "false"}
