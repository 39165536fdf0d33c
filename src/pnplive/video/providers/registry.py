"""The configured video provider."""

from __future__ import annotations

from pnplive.video.providers.base import VideoProvider
from pnplive.video.providers.jitsi import PublicJitsi
from pnplive.video.settings import VideoSettings


def build(settings: VideoSettings) -> VideoProvider:
    if settings.video_provider == "jitsi":
        return PublicJitsi(settings.jitsi_public_base)
    raise ValueError(f"video provider {settings.video_provider!r} is not available")
