"""Unsafe defaults are refused outside development; development keeps working on them."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from pnplive.cli import app
from pnplive.config import DEFAULT_SECRET_KEY, Settings, get_settings
from pnplive.payment.settings import PaymentSettings
from pnplive.startup import UnsafeConfiguration, check, problems

STRONG = "k" * 48


def test_development_runs_on_the_defaults_with_the_sandbox() -> None:
    settings, payments = Settings(bot_token=None), PaymentSettings(bot_token=None)
    assert problems(settings, payments) == []
    assert payments.sandbox_enabled


@pytest.mark.parametrize(
    "payments",
    [
        PaymentSettings(env="production"),
        PaymentSettings(bot_token="1:x"),
        PaymentSettings(stripe_secret_key="sk_test_1", stripe_webhook_secret="whsec_1"),
    ],
    ids=["production", "bot token", "stripe"],
)
def test_outside_development_the_default_secret_is_refused_and_no_sandbox(
    payments: PaymentSettings,
) -> None:
    assert not payments.sandbox_enabled
    with pytest.raises(UnsafeConfiguration, match="PNPLIVE_SECRET_KEY"):
        check(Settings(secret_key=DEFAULT_SECRET_KEY), payments)
    check(Settings(secret_key=STRONG), payments)  # a real secret: fine


def test_a_short_secret_is_refused_and_the_sandbox_only_by_name() -> None:
    prod = PaymentSettings(env="production")
    assert any("32" in p for p in problems(Settings(secret_key="short"), prod))
    asked = PaymentSettings(env="production", sandbox_payments=True)
    assert asked.sandbox_enabled and problems(Settings(secret_key=STRONG), asked) == []


def test_serve_refuses_to_start_in_production_with_the_default_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PNPLIVE_ENV", "production")
    monkeypatch.delenv("PNPLIVE_SECRET_KEY", raising=False)
    get_settings.cache_clear()
    try:
        for command in (["serve"], ["api"], ["worker"]):
            r = CliRunner().invoke(app, command)
            assert r.exit_code == 2, r.output
            assert "PNPLIVE_SECRET_KEY" in r.output
    finally:
        get_settings.cache_clear()
