"""The Mini App's page: the same for everyone (who is using it is known only from initData in
the browser), with its texts in both languages, its assets served from the package, and framed
only by Telegram."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest

from pnplive.api.routers.mini_app import REFUSALS, TEXTS
from pnplive.booking.states import Status
from pnplive.kit.i18n import LANGUAGES, t

pytestmark = pytest.mark.asyncio
STATIC = Path(__file__).resolve().parents[2] / "src" / "pnplive" / "api" / "static"


def page_config(html: str) -> dict[str, object]:
    found = re.search(r'<script type="application/json" id="config">(.*?)</script>', html, re.S)
    assert found is not None
    config: dict[str, object] = json.loads(found.group(1))
    return config


async def test_the_page_carries_its_texts_in_every_language(client: httpx.AsyncClient) -> None:
    r = await client.get("/app")
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    assert "frame-ancestors https://web.telegram.org" in r.headers["content-security-policy"]
    config = page_config(r.text)
    texts = config["texts"]
    assert isinstance(texts, dict) and set(texts) == set(LANGUAGES)
    en, es = texts["en"], texts["es"]
    assert en["tab_mine"] == "My bookings" and es["tab_mine"] == "Mis reservas"
    assert "(version 1)" in en["terms_text"] and "{terms_version}" not in es["terms_text"]
    assert set(en["status"]) == {s.value for s in Status}
    assert en["providers"]["sandbox"] == t("en", "bot.pay.sandbox")
    # Every text is translated: none falls back to English in Spanish but the brand.
    same = {k for k, v in en.items() if isinstance(v, str) and es[k] == v}
    assert same <= {"title", "per_minute", "duration_price"}


async def test_the_script_uses_only_texts_the_page_has() -> None:
    script = (STATIC / "app" / "app.js").read_text()
    used = set(re.findall(r"\bT\.(\w+)", script))
    have = set(TEXTS) | {"terms_text", "status", "refusals", "providers"}
    assert used and used <= have, used - have
    # And the page names the vendored Telegram script that exists.
    assert (STATIC / "vendor" / "twa-dev-sdk-8.0.2" / "telegram-web-apps.js").is_file()


async def test_refusals_are_named_for_the_codes_the_booking_flow_can_meet() -> None:
    for code in (
        "slot_taken",
        "prime_required",
        "age_not_verified",
        "booking_not_payable",
        "cancel_not_allowed",
        "reschedule_not_allowed:cutoff",
        "init_data_expired",
        "rate_limited",
    ):
        assert code in REFUSALS, code


async def test_the_page_text_cannot_close_its_script_element(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pnplive.api.routers import mini_app

    monkeypatch.setitem(mini_app.TEXTS, "title", "web.none")
    monkeypatch.setattr(mini_app, "t", lambda lang, msgid, **kw: "</script><b>x")
    r = await client.get("/app")
    assert "</script><b>" not in r.text
    assert page_config(r.text)["texts"]["en"]["title"] == "</script><b>x"  # type: ignore[index]
