"""The all-in-one service is reached where it listens, unless a public address is configured."""

from __future__ import annotations

import pytest

from pnplive.config import Settings
from pnplive.stack import listening_at


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "http://127.0.0.1:8765"),
        ("0.0.0.0", "http://127.0.0.1:8765"),
        ("::1", "http://[::1]:8765"),
        ("pnp.local", "http://pnp.local:8765"),
    ],
)
def test_without_a_public_address_links_lead_to_the_listening_port(
    monkeypatch: pytest.MonkeyPatch, host: str, expected: str
) -> None:
    monkeypatch.delenv("PNPLIVE_PUBLIC_BASE_URL", raising=False)
    assert listening_at(Settings(), host, 8765).public_base_url == expected


def test_a_configured_public_address_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PNPLIVE_PUBLIC_BASE_URL", "https://live.example.com")
    assert listening_at(Settings(), "0.0.0.0", 8765).public_base_url == "https://live.example.com"
