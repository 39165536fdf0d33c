"""Which video provider opens rooms under the current settings, and which answers a webhook.

``build`` refuses with a ``ValueError`` naming the missing settings, so a misconfigured
deployment fails at start-up rather than at the first call. A webhook secret is optional: a
provider without one says ``has_webhooks = False`` and joins are recorded by the /j/ links alone.
"""

from __future__ import annotations

import httpx

from pnplive.errors import NotFound
from pnplive.video.providers.base import VideoProvider
from pnplive.video.settings import VideoSettings

NAMES = ("jitsi", "jaas", "jitsi_selfhosted", "daily")


class UnknownVideoProvider(NotFound):
    code = "unknown_video_provider"


def _require(settings: VideoSettings, provider: str, *fields: str) -> None:
    missing = [f for f in fields if not getattr(settings, f)]
    if missing:
        names = ", ".join(f"PNPLIVE_{f.upper()}" for f in missing)
        raise ValueError(f"video provider {provider!r} needs {names}")


def _make(name: str, s: VideoSettings, http: httpx.AsyncClient | None) -> VideoProvider:
    from pnplive.video.providers.daily import DailyProvider
    from pnplive.video.providers.jaas import JaasProvider
    from pnplive.video.providers.jitsi import JitsiProvider
    from pnplive.video.providers.selfhosted import SelfHostedJitsiProvider

    if name == "jitsi":
        return JitsiProvider(base=s.jitsi_public_base)
    if name == "jaas":
        _require(s, name, "jaas_app_id", "jaas_key_id", "jaas_private_key")
        assert s.jaas_app_id and s.jaas_key_id and s.jaas_private_key
        return JaasProvider(
            app_id=s.jaas_app_id,
            key_id=s.jaas_key_id,
            private_key=s.jaas_private_key,
            webhook_secret=s.jaas_webhook_secret or None,
            base=s.jaas_base,
            tolerance_seconds=s.webhook_tolerance_seconds,
        )
    if name == "jitsi_selfhosted":
        _require(s, name, "jitsi_domain", "jitsi_app_id", "jitsi_app_secret")
        assert s.jitsi_domain and s.jitsi_app_id and s.jitsi_app_secret
        return SelfHostedJitsiProvider(
            domain=s.jitsi_domain,
            app_id=s.jitsi_app_id,
            app_secret=s.jitsi_app_secret,
            audience=s.jitsi_audience,
        )
    if name == "daily":
        _require(s, name, "daily_api_key")
        assert s.daily_api_key
        return DailyProvider(
            api_key=s.daily_api_key,
            webhook_secret=s.daily_webhook_secret or None,
            api_base=s.daily_api_base,
            timeout=s.http_timeout_seconds,
            retries=s.http_retries,
            backoff=s.http_retry_backoff_seconds,
            tolerance_seconds=s.webhook_tolerance_seconds,
            http=http,
        )
    raise ValueError(f"unknown video provider {name!r}")


def build(settings: VideoSettings, http: httpx.AsyncClient | None = None) -> VideoProvider:
    """The provider that opens rooms (``video_provider``)."""
    return _make(settings.video_provider, settings, http)


def by_name(
    name: str, settings: VideoSettings, http: httpx.AsyncClient | None = None
) -> VideoProvider:
    """The provider a webhook route names, when it is configured and takes webhooks.

    Any provider whose credentials are set answers, not only the current one, so events from
    rooms opened before a switch still arrive. Anything else is ``UnknownVideoProvider`` (404),
    which tells a prober nothing about the configuration.
    """
    if name not in NAMES:
        raise UnknownVideoProvider("no such video provider")
    try:
        provider = _make(name, settings, http)
    except ValueError:
        raise UnknownVideoProvider("no such video provider") from None
    if not provider.has_webhooks:
        raise UnknownVideoProvider("no such video provider")
    return provider
