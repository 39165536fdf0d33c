"""Telegram Mini App initData: accepted exactly when Telegram's signature and freshness hold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode

import pytest
from aiogram.utils.web_app import safe_parse_webapp_init_data

from pnplive.auth.errors import ExpiredInitData, InvalidInitData
from pnplive.auth.initdata import validate
from tests.api.support import BOT_TOKEN, OTHER_BOT_TOKEN, sign_init_data

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
DAY = 24 * 3600
USER = {"id": 4242, "first_name": "Ana", "username": "ana_b", "language_code": "es"}


def signed(age_seconds: int = 30, bot: str = BOT_TOKEN, **extra: str) -> str:
    return sign_init_data(bot, user=USER, auth_date=int(NOW.timestamp()) - age_seconds, extra=extra)


def test_valid_init_data_gives_the_user() -> None:
    data = validate(signed(), BOT_TOKEN, NOW, DAY)
    assert data.user.id == 4242
    assert data.user.username == "ana_b"
    assert data.user.language_code == "es"
    assert data.auth_date == NOW - timedelta(seconds=30)


def test_our_signing_matches_aiogram() -> None:
    # The reference implementation accepts what the tests sign, so both follow Telegram's rule.
    parsed = safe_parse_webapp_init_data(BOT_TOKEN, signed())
    assert parsed.user is not None and parsed.user.id == 4242


def test_fields_beyond_the_known_ones_are_signed_too() -> None:
    raw = signed(chat_type="private", signature="abc")
    assert validate(raw, BOT_TOKEN, NOW, DAY).fields["chat_type"] == "private"


@pytest.mark.parametrize("field", ["user", "auth_date", "query_id"])
def test_tampered_field_is_refused(field: str) -> None:
    pairs = dict(parse_qsl(signed()))
    pairs[field] = pairs[field].replace("4242", "4243") if field == "user" else pairs[field] + "1"
    with pytest.raises(InvalidInitData):
        validate(urlencode(pairs), BOT_TOKEN, NOW, DAY)


def test_tampered_hash_is_refused() -> None:
    pairs = dict(parse_qsl(signed()))
    pairs["hash"] = ("0" if pairs["hash"][0] != "0" else "1") + pairs["hash"][1:]
    with pytest.raises(InvalidInitData):
        validate(urlencode(pairs), BOT_TOKEN, NOW, DAY)


def test_added_field_is_refused() -> None:
    with pytest.raises(InvalidInitData):
        validate(signed() + "&start_param=admin", BOT_TOKEN, NOW, DAY)


def test_other_bots_init_data_is_refused() -> None:
    with pytest.raises(InvalidInitData):
        validate(signed(bot=OTHER_BOT_TOKEN), BOT_TOKEN, NOW, DAY)


def test_expired_init_data_is_refused() -> None:
    with pytest.raises(ExpiredInitData):
        validate(signed(age_seconds=DAY + 1), BOT_TOKEN, NOW, DAY)
    assert validate(signed(age_seconds=DAY), BOT_TOKEN, NOW, DAY).user.id == 4242


def test_init_data_from_the_future_is_refused() -> None:
    with pytest.raises(InvalidInitData):
        validate(signed(age_seconds=-3600), BOT_TOKEN, NOW, DAY)


@pytest.mark.parametrize(
    "raw",
    ["", "not a query string", "hash=", "user=%7B%7D&auth_date=1", "a=1&a=2&hash=00"],
)
def test_malformed_init_data_is_refused(raw: str) -> None:
    with pytest.raises(InvalidInitData):
        validate(raw, BOT_TOKEN, NOW, DAY)


def test_signed_but_without_a_user_is_refused() -> None:
    fields = {"auth_date": str(int(NOW.timestamp())), "query_id": "q"}
    from pnplive.auth.initdata import sign

    fields["hash"] = sign(fields, BOT_TOKEN)
    with pytest.raises(InvalidInitData, match="no valid user"):
        validate(urlencode(fields), BOT_TOKEN, NOW, DAY)
