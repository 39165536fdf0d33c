"""Choosing the provider from settings, refusing missing credentials, and webhook lookup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from pnplive.video.providers.daily import DailyProvider
from pnplive.video.providers.jaas import JaasProvider
from pnplive.video.providers.jitsi import JitsiProvider
from pnplive.video.providers.registry import UnknownVideoProvider, build, by_name
from pnplive.video.providers.selfhosted import SelfHostedJitsiProvider
from pnplive.video.settings import VideoSettings
from tests.video.providers.support import private_pem, rsa_key
from tests.video.signers import DAILY_SECRET, JAAS_APP_ID, JAAS_KEY_ID, JAAS_SECRET

JAAS = {
    "jaas_app_id": JAAS_APP_ID,
    "jaas_key_id": JAAS_KEY_ID,
    "jaas_private_key": private_pem(rsa_key()),
}
SELFHOSTED = {
    "jitsi_domain": "meet.example.com",
    "jitsi_app_id": "pnplive",
    "jitsi_app_secret": "x" * 32,
}
DAILY = {"daily_api_key": "key"}


def settings(**values: Any) -> VideoSettings:
    # _env_file=None: a developer's .env must not change what these tests see.
    return VideoSettings(_env_file=None, **values)


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [*JAAS, *SELFHOSTED, *DAILY, "jaas_webhook_secret", "daily_webhook_secret"]:
        monkeypatch.delenv(f"PNPLIVE_{name.upper()}", raising=False)
    monkeypatch.delenv("PNPLIVE_VIDEO_PROVIDER", raising=False)


def test_public_jitsi_is_the_default_and_needs_nothing() -> None:
    provider = build(settings())
    assert isinstance(provider, JitsiProvider) and provider.name == "jitsi"


@pytest.mark.parametrize(
    ("name", "values", "cls"),
    [
        ("jaas", JAAS, JaasProvider),
        ("jitsi_selfhosted", SELFHOSTED, SelfHostedJitsiProvider),
        ("daily", DAILY, DailyProvider),
    ],
)
def test_each_provider_is_built_from_its_settings(
    name: str, values: dict[str, str], cls: type
) -> None:
    provider = build(settings(video_provider=name, **values))
    assert isinstance(provider, cls) and provider.name == name


@pytest.mark.parametrize(
    ("name", "values", "missing"),
    [
        ("jaas", JAAS, "jaas_private_key"),
        ("jaas", JAAS, "jaas_app_id"),
        ("jitsi_selfhosted", SELFHOSTED, "jitsi_app_secret"),
        ("jitsi_selfhosted", SELFHOSTED, "jitsi_domain"),
        ("daily", DAILY, "daily_api_key"),
    ],
)
def test_missing_credentials_are_refused_by_name(
    name: str, values: dict[str, str], missing: str
) -> None:
    partial = {k: v for k, v in values.items() if k != missing}
    with pytest.raises(ValueError, match=f"PNPLIVE_{missing.upper()}"):
        build(settings(video_provider=name, **partial))


def test_the_jaas_key_may_be_a_path(tmp_path: Path) -> None:
    pem = tmp_path / "key.pem"
    pem.write_text(JAAS["jaas_private_key"])
    assert build(settings(video_provider="jaas", **(JAAS | {"jaas_private_key": str(pem)})))


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PNPLIVE_VIDEO_PROVIDER", "daily")
    monkeypatch.setenv("PNPLIVE_DAILY_API_KEY", "from-env")
    assert isinstance(build(settings()), DailyProvider)


@pytest.mark.asyncio
async def test_daily_uses_the_shared_client() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.method} {request.url}")
        return httpx.Response(404)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        provider = build(settings(video_provider="daily", **DAILY), http=client)
        await provider.close_room("pnplive-x")
    assert seen == ["DELETE https://api.daily.co/v1/rooms/pnplive-x"]


def test_webhook_lookup_finds_configured_providers_with_a_secret() -> None:
    s = settings(
        video_provider="daily",
        **JAAS,
        **DAILY,
        jaas_webhook_secret=JAAS_SECRET,
        daily_webhook_secret=DAILY_SECRET,
    )
    assert isinstance(by_name("jaas", s), JaasProvider)  # not current, still configured
    assert isinstance(by_name("daily", s), DailyProvider)


@pytest.mark.parametrize("name", ["jitsi", "jitsi_selfhosted", "jaas", "daily", "stripe", ""])
def test_webhook_lookup_refuses_what_cannot_send_verifiable_webhooks(name: str) -> None:
    s = settings(**JAAS, **SELFHOSTED, **DAILY)  # credentials, but no webhook secrets
    with pytest.raises(UnknownVideoProvider) as caught:
        by_name(name, s)
    assert caught.value.status == 404


def test_webhook_lookup_refuses_a_provider_without_credentials() -> None:
    with pytest.raises(UnknownVideoProvider):
        by_name("daily", settings(daily_webhook_secret=DAILY_SECRET))
