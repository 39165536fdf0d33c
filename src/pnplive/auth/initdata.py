"""Telegram Mini App ``initData`` validation, exactly as Telegram documents it.

secret_key = HMAC_SHA256(key="WebAppData", msg=bot_token)
hash       = hex(HMAC_SHA256(key=secret_key, msg=data_check_string))

where ``data_check_string`` is every received ``key=value`` pair except ``hash``, sorted by key and
joined by ``\\n``. ``auth_date`` (Unix seconds) must be recent enough.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl, urlencode

from aiogram.utils.web_app import check_webapp_signature

from pnplive.auth.errors import ExpiredInitData, InvalidInitData

# initData signed a little in the future (clock skew between Telegram and us) is accepted.
MAX_CLOCK_SKEW_SECONDS = 60
MAX_INIT_DATA_LENGTH = 8192


@dataclass(frozen=True, slots=True)
class WebAppUser:
    id: int
    first_name: str | None
    last_name: str | None
    username: str | None
    language_code: str | None
    is_premium: bool


@dataclass(frozen=True, slots=True)
class InitData:
    user: WebAppUser
    auth_date: datetime
    query_id: str | None
    fields: dict[str, str]


def secret_key(bot_token: str) -> bytes:
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def data_check_string(fields: dict[str, str]) -> str:
    return "\n".join(f"{k}={v}" for k, v in sorted(fields.items()) if k != "hash")


def sign(fields: dict[str, str], bot_token: str) -> str:
    """The ``hash`` Telegram puts on these fields (used by tests and the benchmark)."""
    return hmac.new(
        secret_key(bot_token), data_check_string(fields).encode(), hashlib.sha256
    ).hexdigest()


def validate(raw: str, bot_token: str, now: datetime, max_age_seconds: int) -> InitData:
    """Check the signature and freshness of ``raw`` initData and return what it says."""
    if not raw or len(raw) > MAX_INIT_DATA_LENGTH:
        raise InvalidInitData("initData is missing or too long")
    try:
        pairs = parse_qsl(raw, keep_blank_values=True, strict_parsing=True)
    except ValueError as exc:
        raise InvalidInitData("initData is not a query string") from exc
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise InvalidInitData("initData repeats a field")
    received = fields.get("hash")
    if not received:
        raise InvalidInitData("initData carries no hash")
    if not check_webapp_signature(bot_token, raw):  # aiogram's check, as Telegram documents it
        raise InvalidInitData("initData signature does not match")
    try:
        auth_ts = int(fields["auth_date"])
        auth_date = datetime.fromtimestamp(auth_ts, tz=now.tzinfo)
    except (KeyError, ValueError, OverflowError, OSError) as exc:
        raise InvalidInitData("initData has no valid auth_date") from exc
    age = (now - auth_date).total_seconds()
    if age > max_age_seconds:
        raise ExpiredInitData("initData has expired; reopen the Mini App", max_age=max_age_seconds)
    if age < -MAX_CLOCK_SKEW_SECONDS:
        raise InvalidInitData("initData auth_date lies in the future")
    try:
        data = json.loads(fields["user"])
        user = WebAppUser(
            id=int(data["id"]),
            first_name=_opt_str(data.get("first_name")),
            last_name=_opt_str(data.get("last_name")),
            username=_opt_str(data.get("username")),
            language_code=_opt_str(data.get("language_code")),
            is_premium=bool(data.get("is_premium", False)),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise InvalidInitData("initData carries no valid user") from exc
    if user.id <= 0:
        raise InvalidInitData("initData carries no valid user")
    return InitData(user=user, auth_date=auth_date, query_id=fields.get("query_id"), fields=fields)


def _opt_str(v: object) -> str | None:
    if v is None:
        return None
    if not isinstance(v, str):
        raise TypeError("expected a string")
    return v


def login_data(
    bot_token: str,
    telegram_id: int,
    now: datetime,
    *,
    first_name: str | None = None,
    username: str | None = None,
    language_code: str = "en",
) -> str:
    """initData for ``telegram_id`` signed with ``bot_token``, as Telegram would hand it to the
    Mini App (for the development sign-in command and the local emulator)."""
    user: dict[str, object] = {"id": telegram_id, "language_code": language_code}
    if first_name:
        user["first_name"] = first_name
    if username:
        user["username"] = username
    fields = {
        "user": json.dumps(user, separators=(",", ":"), ensure_ascii=False),
        "auth_date": str(int(now.timestamp())),
    }
    fields["hash"] = sign(fields, bot_token)
    return urlencode(fields)
