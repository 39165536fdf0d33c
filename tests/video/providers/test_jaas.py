"""JaaS: RS256 tokens checked against the public key, and signed webhooks into call events."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest

from pnplive.video.providers.base import (
    EventKind,
    InvalidSignature,
    StaleWebhook,
    WebhookRejected,
)
from pnplive.video.providers.jaas import JaasProvider, signature_parts
from tests.video.providers.support import (
    MEMBER,
    NOW,
    PERFORMER,
    private_pem,
    room_request,
    rsa_key,
)
from tests.video.signers import (
    JAAS_APP_ID,
    JAAS_KEY_ID,
    JAAS_SECRET,
    jaas_event,
    jaas_sign,
    jaas_signed,
)


def provider(**kw: object) -> JaasProvider:
    args: dict[str, object] = {
        "app_id": JAAS_APP_ID,
        "key_id": JAAS_KEY_ID,
        "private_key": private_pem(rsa_key()),
        "webhook_secret": JAAS_SECRET,
    } | kw
    return JaasProvider(**args)  # type: ignore[arg-type]


def token_of(url: str) -> str:
    parts = urlsplit(url)
    return parse_qs(parts.query)["jwt"][0]


def decode(token: str) -> dict[str, object]:
    return jwt.decode(
        token,
        rsa_key().public_key(),
        algorithms=["RS256"],
        audience="jitsi",
        issuer="chat",
        options={"verify_nbf": False, "verify_exp": False},
    )


@pytest.mark.asyncio
async def test_each_participant_gets_a_token_for_this_room_only() -> None:
    req = room_request()
    opened = await provider().open_room(req)

    assert opened.provider == "jaas"
    assert set(opened.join_urls) == {PERFORMER.user_id, MEMBER.user_id}
    for who in (PERFORMER, MEMBER):
        url = opened.join_urls[who.user_id]
        assert url.startswith(f"https://8x8.vc/{JAAS_APP_ID}/{opened.room_name}?jwt=")
        token = token_of(url)
        head = jwt.get_unverified_header(token)
        assert head == {"alg": "RS256", "kid": f"{JAAS_APP_ID}/{JAAS_KEY_ID}", "typ": "JWT"}
        claims = decode(token)
        assert claims["sub"] == JAAS_APP_ID
        assert claims["room"] == opened.room_name == opened.room_name.lower()
        assert claims["nbf"] == int(req.not_before.timestamp())
        assert claims["exp"] == int(req.expires.timestamp())
        assert claims["context"] == {
            "user": {
                "id": who.user_id,
                "name": who.name,
                "moderator": "true" if who is PERFORMER else "false",
            },
            "features": {
                "livestreaming": "false",
                "recording": "false",
                "transcription": "false",
                "outbound-call": "false",
            },
        }


@pytest.mark.asyncio
async def test_a_token_from_another_key_does_not_verify() -> None:
    opened = await provider(private_key=private_pem(rsa_key(1))).open_room(room_request())
    with pytest.raises(jwt.InvalidSignatureError):
        decode(token_of(opened.join_urls[PERFORMER.user_id]))


@pytest.mark.asyncio
async def test_tokens_are_refused_outside_the_call_window() -> None:
    now = datetime.now(UTC)
    key = rsa_key().public_key()
    early = replace(room_request(), not_before=now + timedelta(hours=1))
    late = replace(
        room_request(), not_before=now - timedelta(hours=2), expires=now - timedelta(hours=1)
    )
    for req, error in ((early, jwt.ImmatureSignatureError), (late, jwt.ExpiredSignatureError)):
        opened = await provider().open_room(req)
        token = token_of(opened.join_urls[MEMBER.user_id])
        with pytest.raises(error):
            jwt.decode(token, key, algorithms=["RS256"], audience="jitsi", issuer="chat")


@pytest.mark.asyncio
async def test_the_private_key_may_be_a_file(tmp_path: Path) -> None:
    pem = tmp_path / "jaas.pem"
    pem.write_text(private_pem(rsa_key()))
    opened = await provider(private_key=str(pem)).open_room(room_request())
    assert decode(token_of(opened.join_urls[MEMBER.user_id]))["room"] == opened.room_name


@pytest.mark.asyncio
async def test_a_pem_on_one_line_with_escaped_newlines_is_read() -> None:
    one_line = private_pem(rsa_key()).replace("\n", "\\n")
    assert "\n" not in one_line
    opened = await provider(private_key=one_line).open_room(room_request())
    assert decode(token_of(opened.join_urls[MEMBER.user_id]))["room"] == opened.room_name


def test_signature_elements_split_on_the_first_equals_sign_only() -> None:
    assert signature_parts(" t=17 , v1=ab==,v1=c=d=,x=1") == ("17", ["ab==", "c=d="])
    assert signature_parts("v1") == (None, [])


def test_an_app_id_without_the_jaas_prefix_is_refused() -> None:
    with pytest.raises(ValueError, match="vpaas-magic-cookie-"):
        provider(app_id="0123456789abcdef")


# --- webhooks -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event_type", "kind", "user_id"),
    [
        ("PARTICIPANT_JOINED", EventKind.JOINED, "u-member"),
        ("PARTICIPANT_LEFT", EventKind.LEFT, "u-performer"),
        ("ROOM_DESTROYED", EventKind.ENDED, None),
    ],
)
def test_signed_events_become_call_events(
    event_type: str, kind: EventKind, user_id: str | None
) -> None:
    at = NOW - timedelta(seconds=3)
    event = jaas_event(event_type, "pnplive-room", at=at, user_id=user_id)
    headers, body = jaas_signed(event, NOW)

    [got] = provider().parse_webhook(headers, body, NOW)

    assert got.event_id == event["idempotencyKey"]
    assert got.kind is kind
    assert got.room_name == "pnplive-room"
    assert got.user_id == user_id
    assert got.at == at.replace(microsecond=at.microsecond // 1000 * 1000)


def test_other_event_types_are_verified_then_ignored() -> None:
    headers, body = jaas_signed(jaas_event("ROOM_CREATED", "r", at=NOW), NOW)
    assert provider().parse_webhook(headers, body, NOW) == []
    with pytest.raises(InvalidSignature):
        provider().parse_webhook({"X-Jaas-Signature": "t=1,v1=AAAA"}, body, NOW)


def test_the_header_name_is_case_insensitive_and_any_v1_may_match() -> None:
    event = jaas_event("PARTICIPANT_JOINED", "r", at=NOW, user_id="u")
    headers, body = jaas_signed(event, NOW)
    t, v1 = headers["X-Jaas-Signature"].split(",")
    rotated = {"x-jaas-signature": f"{t},v1=bm90IGl0,{v1}"}
    assert len(provider().parse_webhook(rotated, body, NOW)) == 1


def _forged(headers: dict[str, str], body: bytes) -> tuple[dict[str, str], bytes]:
    return jaas_sign(body, int(NOW.timestamp()), secret="not-the-secret"), body


def _tampered(headers: dict[str, str], body: bytes) -> tuple[dict[str, str], bytes]:
    return headers, body.replace(b"u-member", b"u-other0")


def _missing(headers: dict[str, str], body: bytes) -> tuple[dict[str, str], bytes]:
    return {}, body


def _no_t(headers: dict[str, str], body: bytes) -> tuple[dict[str, str], bytes]:
    v1 = headers["X-Jaas-Signature"].split(",")[1]
    return {"X-Jaas-Signature": v1}, body


def _bad_base64(headers: dict[str, str], body: bytes) -> tuple[dict[str, str], bytes]:
    t = headers["X-Jaas-Signature"].split(",")[0]
    return {"X-Jaas-Signature": f"{t},v1=***not base64***"}, body


def _moved_t(headers: dict[str, str], body: bytes) -> tuple[dict[str, str], bytes]:
    v1 = headers["X-Jaas-Signature"].split(",")[1]
    return {"X-Jaas-Signature": f"t={int(NOW.timestamp()) - 1},{v1}"}, body


@pytest.mark.parametrize(
    "spoil", [_forged, _tampered, _missing, _no_t, _bad_base64, _moved_t], ids=lambda f: f.__name__
)
def test_unsigned_or_forged_webhooks_are_refused(spoil: object) -> None:
    event = jaas_event("PARTICIPANT_JOINED", "r", at=NOW, user_id="u-member")
    headers, body = spoil(*jaas_signed(event, NOW))  # type: ignore[operator]
    with pytest.raises(InvalidSignature) as caught:
        provider().parse_webhook(headers, body, NOW)
    assert caught.value.status == 401


@pytest.mark.parametrize("age", [301, -301])
def test_signatures_outside_the_tolerance_are_stale(age: int) -> None:
    body = json.dumps(jaas_event("PARTICIPANT_JOINED", "r", at=NOW, user_id="u")).encode()
    headers = jaas_sign(body, int(NOW.timestamp()) - age)
    with pytest.raises(StaleWebhook):
        provider().parse_webhook(headers, body, NOW)
    # and just inside the window it is fine
    inside = jaas_sign(body, int(NOW.timestamp()) - (300 if age > 0 else -300))
    assert len(provider().parse_webhook(inside, body, NOW)) == 1


def test_without_a_webhook_secret_nothing_is_accepted() -> None:
    p = provider(webhook_secret=None)
    assert p.has_webhooks is False
    headers, body = jaas_signed(jaas_event("ROOM_DESTROYED", "r", at=NOW), NOW)
    with pytest.raises(InvalidSignature):
        p.parse_webhook(headers, body, NOW)


@pytest.mark.parametrize(
    "change",
    [
        {"idempotencyKey": 7},
        {"idempotencyKey": ""},
        {"eventType": ["PARTICIPANT_JOINED"]},
        {"timestamp": "1780000000000"},
        {"timestamp": True},
        {"timestamp": 10**30},
        {"fqn": "vpaas-magic-cookie-other/r"},
        {"fqn": f"{JAAS_APP_ID}/"},
        {"fqn": f"{JAAS_APP_ID}/a/b"},
        {"data": {"id": 5}},
        {"data": {"id": "nul\x00"}},
        {"data": {"id": "\ud800"}},
        {"data": []},
        {"data": {}},
    ],
    ids=repr,
)
def test_signed_bodies_of_the_wrong_shape_are_rejected(change: dict[str, object]) -> None:
    event = jaas_event("PARTICIPANT_JOINED", "r", at=NOW, user_id="u") | change
    headers, body = jaas_signed(event, NOW)
    with pytest.raises(WebhookRejected) as caught:
        provider().parse_webhook(headers, body, NOW)
    assert type(caught.value) is WebhookRejected and caught.value.status == 400


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b"\xff\xfe", b"[" * 100_000, b"null"])
def test_signed_bodies_that_are_not_json_objects_are_rejected(body: bytes) -> None:
    headers = jaas_sign(body, int(NOW.timestamp()))
    with pytest.raises(WebhookRejected):
        provider().parse_webhook(headers, body, NOW)
