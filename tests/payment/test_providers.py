"""Provider verifiers as pure functions, checked against the providers' own signing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
import pytest_asyncio
import respx
import stripe
from hypothesis import given
from hypothesis import strategies as st

from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.payment import service
from pnplive.payment.errors import InvalidSignature, StaleWebhook
from pnplive.payment.models import PaymentStatus
from pnplive.payment.providers.base import EventKind, from_minor, to_minor
from pnplive.payment.providers.daimo import expected_authorization
from pnplive.payment.providers.stripe import verify_signature
from tests.payment import support
from tests.payment.signers import FORM, SIGNERS, epayco_fields, epayco_sign

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
PROVIDERS = support.all_providers()


@given(
    payload=st.text(min_size=1, max_size=300),
    secret=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_", min_size=8, max_size=40),
    age=st.integers(0, 300),
)
def test_stripe_headers_generated_by_the_stripe_package_verify(
    payload: str, secret: str, age: int
) -> None:
    ts = int(NOW.timestamp()) - age
    header = stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp=ts)
    verify_signature(payload.encode(), header, secret, NOW, 300)
    # Stripe's own verifier agrees with ours on the same header (no tolerance: time differs).
    assert stripe.WebhookSignature.verify_header(payload, header, secret, tolerance=None)
    with pytest.raises(InvalidSignature):
        verify_signature(payload.encode() + b" ", header, secret, NOW, 300)
    with pytest.raises(InvalidSignature):
        verify_signature(payload.encode(), header, secret + "x", NOW, 300)


def test_stripe_timestamp_boundary() -> None:
    body = b"{}"
    secret = "whsec_x"
    header = stripe.WebhookSignature.generate_signature_header(
        "{}", secret, timestamp=int(NOW.timestamp()) - 300
    )
    verify_signature(body, header, secret, NOW, 300)
    with pytest.raises(StaleWebhook):
        verify_signature(body, header, secret, NOW + timedelta(seconds=1), 300)


@given(st.integers(0, 10**12), st.sampled_from(["USD", "COP", "XTR", "USDC"]))
def test_minor_units_round_trip(amount: int, currency: str) -> None:
    assert to_minor(from_minor(amount, currency), currency) == amount


def test_decimal_amounts_are_exact() -> None:
    assert to_minor("62000.00", "COP") == 6_200_000
    assert to_minor("10", "USDC") == 1000
    from pnplive.payment.errors import MalformedWebhook

    with pytest.raises(MalformedWebhook):
        to_minor("10.001", "USD")
    with pytest.raises(MalformedWebhook):
        to_minor("ten", "USD")


def test_daimo_authorization_switch() -> None:
    assert expected_authorization("tok") == "Basic tok"
    assert expected_authorization("tok", "bearer") == "Bearer tok"


def test_offered_providers_depend_on_configuration_and_currency() -> None:
    assert PROVIDERS.offered("USD") == ["stripe", "epayco", "daimo", "sandbox"]
    assert PROVIDERS.offered("COP") == ["stripe", "epayco", "wompi", "sandbox"]
    assert PROVIDERS.offered("XTR") == ["telegram_stars", "sandbox"]
    bare = support.all_providers(
        **{k: None for k in support.SECRETS},
        bot_token=None,
        telegram_stars=False,
        sandbox_payments=None,
    )
    assert bare.names() == ["sandbox"]
    live = support.all_providers(sandbox_payments=None)
    assert "sandbox" not in live.names()
    # A bot token means real members: no sandbox unless asked for by name.
    with_bot = support.all_providers(
        **{k: None for k in support.SECRETS}, telegram_stars=False, sandbox_payments=None
    )
    assert with_bot.names() == []


@pytest_asyncio.fixture
async def fake_apis() -> AsyncIterator[respx.Router]:
    with respx.mock(assert_all_called=False) as router:
        for signer in SIGNERS:
            signer.mock_checkout(router)
        yield router


@pytest.mark.asyncio
async def test_epayco_test_transactions_never_pay_a_booking(
    db: Database, clock: FrozenClock, fake_apis: respx.Router
) -> None:
    setup = await support.pending_booking(db, clock, currency="COP", price=200_000)
    p = await service.start_checkout(
        db,
        setup.booking_id,
        providers=PROVIDERS,
        clock=clock,
        public_base_url="http://testserver",
        provider="epayco",
    )
    fields = {**epayco_fields(p), "x_test_request": "TRUE"}
    body = urlencode(epayco_sign(fields)).encode()
    result = await service.process_webhook(
        db, "epayco", body, FORM, providers=PROVIDERS, clock=clock
    )
    assert [r.outcome for r in result.results] == ["ignored"]
    assert result.events[0].kind is EventKind.IGNORED
    assert (await support.payment(db, p.public_id)).status == PaymentStatus.OPEN


@pytest.mark.asyncio
@pytest.mark.parametrize("provider", ["telegram_stars", "wompi", "epayco", "daimo", "sandbox"])
async def test_lapsed_checkouts_are_closed_even_where_the_provider_cannot_expire_them(
    db: Database, clock: FrozenClock, fake_apis: respx.Router, provider: str
) -> None:
    signer = next(s for s in SIGNERS if s.provider == provider)
    setup = await support.pending_booking(db, clock, currency=signer.currency, price=signer.price)
    p = await service.start_checkout(
        db,
        setup.booking_id,
        providers=PROVIDERS,
        clock=clock,
        public_base_url="http://testserver",
        provider=provider,
    )
    clock.advance(minutes=10)
    async with db.transaction() as s:
        assert await service.expire_unpaid(s, clock.now()) == [setup.booking_id]
    assert await service.execute_checkout_expiry(db, p.public_id, providers=PROVIDERS, clock=clock)
    assert (await support.payment(db, p.public_id)).status == PaymentStatus.EXPIRED
    async with db.transaction() as s:
        ok, why = await service.pre_checkout(
            s, p.public_id, currency=p.currency, total_amount=p.amount, now=clock.now()
        )
    assert not ok and why
    # A payment that still gets through is a late payment: the slot is free, so it confirms.
    body, headers = signer.paid(p, clock.now())
    result = await service.process_webhook(
        db, provider, body, headers, providers=PROVIDERS, clock=clock
    )
    assert [r.outcome for r in result.results] == ["confirmed"]
