"""Self-hosted Jitsi: HS256 tokens Prosody accepts, checked with the shared secret."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import jwt
import pytest

from pnplive.video.providers.base import WebhookRejected
from pnplive.video.providers.selfhosted import SelfHostedJitsiProvider
from tests.video.providers.support import MEMBER, NOW, PERFORMER, room_request

SECRET = "prosody-shared-secret-of-32-bytes-or-more"


def provider(secret: str = SECRET, domain: str = "meet.example.com") -> SelfHostedJitsiProvider:
    return SelfHostedJitsiProvider(
        domain=domain, app_id="pnplive", app_secret=secret, audience="jitsi-aud"
    )


def decode(token: str, secret: str = SECRET) -> dict[str, object]:
    return jwt.decode(
        token,
        secret,
        algorithms=["HS256"],
        audience="jitsi-aud",
        issuer="pnplive",
        options={"verify_nbf": False, "verify_exp": False},
    )


def token_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["jwt"][0]


@pytest.mark.asyncio
async def test_each_participant_gets_an_hs256_token_for_this_room() -> None:
    req = room_request()
    opened = await provider().open_room(req)

    assert opened.provider == "jitsi_selfhosted"
    assert set(opened.join_urls) == {PERFORMER.user_id, MEMBER.user_id}
    for who in (PERFORMER, MEMBER):
        url = opened.join_urls[who.user_id]
        assert url.startswith(f"https://meet.example.com/{opened.room_name}?jwt=")
        token = token_of(url)
        assert jwt.get_unverified_header(token)["alg"] == "HS256"
        claims = decode(token)
        assert claims["sub"] == "meet.example.com"
        assert claims["room"] == opened.room_name
        assert claims["nbf"] == int(req.not_before.timestamp())
        assert claims["exp"] == int(req.expires.timestamp())
        assert claims["context"] == {
            "user": {
                "id": who.user_id,
                "name": who.name,
                "moderator": "true" if who.moderator else "false",
            }
        }


@pytest.mark.asyncio
async def test_a_token_signed_with_another_secret_does_not_verify() -> None:
    other = "another-secret-that-is-also-long-enough"
    opened = await provider(secret=other).open_room(room_request())
    with pytest.raises(jwt.InvalidSignatureError):
        decode(token_of(opened.join_urls[MEMBER.user_id]))


@pytest.mark.parametrize("domain", ["https://meet.example.com", "meet.example.com/x", "", "a b"])
def test_the_domain_must_be_a_bare_host(domain: str) -> None:
    with pytest.raises(ValueError, match="jitsi_domain"):
        provider(domain=domain)


def test_a_short_shared_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 32 bytes"):
        provider(secret="x" * 31)


@pytest.mark.asyncio
async def test_no_webhooks_and_nothing_to_close() -> None:
    p = provider()
    assert p.has_webhooks is False
    await p.close_room("pnplive-anything")
    with pytest.raises(WebhookRejected):
        p.parse_webhook({}, b"{}", NOW)
