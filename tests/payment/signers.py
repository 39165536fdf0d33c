"""Webhooks signed the way each provider signs them, plus the ways they go wrong."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlencode

import httpx
import respx
import stripe

from pnplive.payment.models import Payment
from pnplive.payment.providers.base import from_minor
from pnplive.payment.providers.sandbox import SandboxProvider
from tests.payment.support import (
    BOT_TOKEN,
    DAIMO_API,
    EPAYCO_API,
    SECRETS,
    STRIPE_API,
    TELEGRAM_API,
    payment_settings,
)

Signed = tuple[bytes, dict[str, str]]


def ts(now: datetime) -> int:
    return int(now.timestamp())


@dataclass
class Paid:
    """What the provider says was paid; defaults to what the payment asked."""

    amount: int | None = None
    currency: str | None = None
    event_id: str | None = None


class Signer:
    provider = ""
    currency = "USD"
    price = 200  # per minute, minor units
    has_timestamp = False

    def mock_checkout(self, router: respx.Router) -> None:
        return None

    def paid(self, p: Payment, now: datetime, paid: Paid | None = None) -> Signed:
        raise NotImplementedError

    def wrong_secret(self, p: Payment, now: datetime) -> Signed:
        raise NotImplementedError

    def tamper(self, signed: Signed) -> Signed:
        raise NotImplementedError

    def missing(self, p: Payment, now: datetime) -> Signed:
        raise NotImplementedError

    def stale(self, p: Payment, now: datetime) -> Signed | None:
        return None

    def malformed(self, now: datetime) -> Signed:
        raise NotImplementedError


# --- sandbox -------------------------------------------------------------------------------


class SandboxSigner(Signer):
    provider = "sandbox"
    has_timestamp = True

    def __init__(self) -> None:
        s = payment_settings()
        self.sbx = SandboxProvider(s.secret_key, s.public_base_url)
        self.other = SandboxProvider("some-other-secret-key", s.public_base_url)

    def _body(self, p: Payment, paid: Paid) -> bytes:
        return json.dumps(
            {
                "id": paid.event_id or f"sbxevt_{secrets.token_hex(6)}",
                "type": "payment.succeeded",
                "payment_id": p.public_id,
                "transaction_id": "sbxtxn_1",
                "amount": p.amount if paid.amount is None else paid.amount,
                "currency": paid.currency or p.currency,
            }
        ).encode()

    def paid(self, p: Payment, now: datetime, paid: Paid | None = None) -> Signed:
        body = self._body(p, paid or Paid())
        return body, {"X-Sandbox-Signature": self.sbx.sign(body, ts(now))}

    def wrong_secret(self, p: Payment, now: datetime) -> Signed:
        body = self._body(p, Paid())
        return body, {"X-Sandbox-Signature": self.other.sign(body, ts(now))}

    def tamper(self, signed: Signed) -> Signed:
        body, headers = signed
        return body.replace(b'"amount": ', b'"amount": 1'), headers

    def missing(self, p: Payment, now: datetime) -> Signed:
        return self._body(p, Paid()), {}

    def stale(self, p: Payment, now: datetime) -> Signed:
        body = self._body(p, Paid())
        return body, {"X-Sandbox-Signature": self.sbx.sign(body, ts(now) - 301)}

    def malformed(self, now: datetime) -> Signed:
        body = b'{"id": "x", "type": '
        return body, {"X-Sandbox-Signature": self.sbx.sign(body, ts(now))}


# --- Stripe --------------------------------------------------------------------------------


def stripe_sign(payload: bytes, now: datetime, secret: str | None = None) -> dict[str, str]:
    header = stripe.WebhookSignature.generate_signature_header(
        payload.decode(), secret or SECRETS["stripe_webhook_secret"], timestamp=ts(now)
    )
    return {"Stripe-Signature": header}


def stripe_event(etype: str, obj: dict[str, object], event_id: str | None = None) -> bytes:
    return json.dumps(
        {
            "id": event_id or f"evt_{secrets.token_hex(8)}",
            "object": "event",
            "api_version": "2025-01-27.acacia",
            "type": etype,
            "data": {"object": obj},
        }
    ).encode()


def session_object(p: Payment, paid: Paid | None = None, **over: object) -> dict[str, object]:
    paid = paid or Paid()
    obj: dict[str, object] = {
        "id": p.checkout_id,
        "object": "checkout.session",
        "payment_status": "paid",
        "status": "complete",
        "payment_intent": "pi_test_1",
        "amount_total": p.amount if paid.amount is None else paid.amount,
        "currency": (paid.currency or p.currency).lower(),
        "client_reference_id": p.public_id,
        "metadata": {"payment_id": p.public_id},
    }
    obj.update(over)
    return obj


class StripeSigner(Signer):
    provider = "stripe"
    has_timestamp = True

    def mock_checkout(self, router: respx.Router) -> None:
        router.post(f"{STRIPE_API}/v1/checkout/sessions").mock(
            side_effect=lambda request: httpx.Response(
                200,
                json={
                    "id": f"cs_test_{secrets.token_hex(6)}",
                    "object": "checkout.session",
                    "url": "https://checkout.stripe.com/c/pay/cs_test",
                    "status": "open",
                },
            )
        )

    def paid(self, p: Payment, now: datetime, paid: Paid | None = None) -> Signed:
        paid = paid or Paid()
        body = stripe_event("checkout.session.completed", session_object(p, paid), paid.event_id)
        return body, stripe_sign(body, now)

    def wrong_secret(self, p: Payment, now: datetime) -> Signed:
        body = stripe_event("checkout.session.completed", session_object(p))
        return body, stripe_sign(body, now, "whsec_not_ours")

    def tamper(self, signed: Signed) -> Signed:
        body, headers = signed
        return body.replace(b'"amount_total": ', b'"amount_total": 1'), headers

    def missing(self, p: Payment, now: datetime) -> Signed:
        return stripe_event("checkout.session.completed", session_object(p)), {}

    def stale(self, p: Payment, now: datetime) -> Signed:
        body = stripe_event("checkout.session.completed", session_object(p))
        return body, stripe_sign(body, now - timedelta(seconds=301))

    def malformed(self, now: datetime) -> Signed:
        body = b'{"id": "evt_1", "type": "checkout.session.completed", "data": '
        return body, stripe_sign(body, now)


# --- ePayco --------------------------------------------------------------------------------


def epayco_fields(p: Payment, paid: Paid | None = None, state: str = "1") -> dict[str, str]:
    paid = paid or Paid()
    currency = paid.currency or p.currency
    fields = {
        "x_ref_payco": "81234567",
        "x_transaction_id": paid.event_id or "1982736450",
        "x_amount": from_minor(p.amount if paid.amount is None else paid.amount, currency),
        "x_currency_code": currency,
        "x_cod_transaction_state": state,
        "x_cod_response": state,
        "x_extra1": p.public_id,
        "x_test_request": "FALSE",
        "x_approval_code": "000000",
        "x_franchise": "VS",
        "x_fecha_transaccion": "2027-03-01 04:00:00",
    }
    return fields


def epayco_sign(fields: dict[str, str], key: str | None = None) -> dict[str, str]:
    raw = "^".join(
        [
            SECRETS["epayco_p_cust_id_cliente"],
            key or SECRETS["epayco_p_key"],
            fields["x_ref_payco"],
            fields["x_transaction_id"],
            fields["x_amount"],
            fields["x_currency_code"],
        ]
    )
    return {**fields, "x_signature": hashlib.sha256(raw.encode()).hexdigest()}


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class EpaycoSigner(Signer):
    provider = "epayco"
    currency = "COP"
    price = 200_000  # 2,000.00 COP a minute

    def mock_checkout(self, router: respx.Router) -> None:
        router.post(f"{EPAYCO_API}/login").mock(
            return_value=httpx.Response(200, json={"token": "epayco-bearer"})
        )
        router.post(f"{EPAYCO_API}/payment/session/create").mock(
            side_effect=lambda request: httpx.Response(
                200, json={"success": True, "data": {"sessionId": f"ses_{secrets.token_hex(6)}"}}
            )
        )

    def paid(self, p: Payment, now: datetime, paid: Paid | None = None) -> Signed:
        return urlencode(epayco_sign(epayco_fields(p, paid))).encode(), FORM

    def wrong_secret(self, p: Payment, now: datetime) -> Signed:
        return urlencode(epayco_sign(epayco_fields(p), key="not-our-key")).encode(), FORM

    def tamper(self, signed: Signed) -> Signed:
        body, headers = signed
        fields = dict(parse_qsl(body.decode()))
        fields["x_amount"] = "1.00"
        return urlencode(fields).encode(), headers

    def missing(self, p: Payment, now: datetime) -> Signed:
        return urlencode(epayco_fields(p)).encode(), FORM

    def malformed(self, now: datetime) -> Signed:
        return b"this is not a form", FORM


# --- Wompi ---------------------------------------------------------------------------------

WOMPI_PROPS = ["transaction.id", "transaction.status", "transaction.amount_in_cents"]


def wompi_event(
    p: Payment, now: datetime, paid: Paid | None = None, status: str = "APPROVED"
) -> dict[str, object]:
    paid = paid or Paid()
    return {
        "event": "transaction.updated",
        "data": {
            "transaction": {
                "id": paid.event_id or "1234-1610641025-49201",
                "amount_in_cents": p.amount if paid.amount is None else paid.amount,
                "reference": p.public_id,
                "customer_email": "member@example.org",
                "currency": paid.currency or p.currency,
                "payment_method_type": "PSE",
                "redirect_url": "http://testserver/checkout/return",
                "status": status,
                "shipping_address": None,
                "payment_link_id": None,
                "payment_source_id": None,
            }
        },
        "environment": "test",
        "signature": {"properties": WOMPI_PROPS, "checksum": ""},
        "timestamp": ts(now),
        "sent_at": now.isoformat(),
    }


def wompi_sign(event: dict[str, object], secret: str | None = None) -> Signed:
    tx = event["data"]["transaction"]  # type: ignore[index]
    raw = (
        f"{tx['id']}{tx['status']}{tx['amount_in_cents']}{event['timestamp']}"
        f"{secret or SECRETS['wompi_events_secret']}"
    )
    checksum = hashlib.sha256(raw.encode()).hexdigest().upper()
    event["signature"] = {"properties": WOMPI_PROPS, "checksum": checksum}
    return json.dumps(event).encode(), {
        "Content-Type": "application/json",
        "X-Event-Checksum": checksum,
    }


class WompiSigner(Signer):
    provider = "wompi"
    currency = "COP"
    price = 200_000
    has_timestamp = True

    def paid(self, p: Payment, now: datetime, paid: Paid | None = None) -> Signed:
        return wompi_sign(wompi_event(p, now, paid))

    def wrong_secret(self, p: Payment, now: datetime) -> Signed:
        return wompi_sign(wompi_event(p, now), "prod_events_not_ours")

    def tamper(self, signed: Signed) -> Signed:
        body, headers = signed
        data = json.loads(body)
        data["data"]["transaction"]["amount_in_cents"] += 100
        return json.dumps(data).encode(), headers

    def missing(self, p: Payment, now: datetime) -> Signed:
        event = wompi_event(p, now)
        del event["signature"]
        return json.dumps(event).encode(), {"Content-Type": "application/json"}

    def stale(self, p: Payment, now: datetime) -> Signed:
        return wompi_sign(wompi_event(p, now - timedelta(days=3, seconds=1)))

    def malformed(self, now: datetime) -> Signed:
        return b'{"event": "transaction.updated", "data": ', {"Content-Type": "application/json"}


# --- Daimo Pay -----------------------------------------------------------------------------


def daimo_event(p: Payment, paid: Paid | None = None, etype: str = "payment_completed") -> bytes:
    paid = paid or Paid()
    amount = p.amount if paid.amount is None else paid.amount
    return json.dumps(
        {
            "type": etype,
            "paymentId": p.checkout_id,
            "payment": {
                "id": p.checkout_id,
                "status": etype,
                "externalId": p.public_id,
                "destination": {
                    "destinationAddress": SECRETS["daimo_destination_address"],
                    "chainId": "8453",
                    "amountUnits": from_minor(amount, "USDC"),
                    "tokenSymbol": "USDC",
                },
                "metadata": {"payment_id": p.public_id},
            },
        }
    ).encode()


def daimo_auth(token: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Basic {token or SECRETS['daimo_webhook_token']}"}


class DaimoSigner(Signer):
    provider = "daimo"

    def mock_checkout(self, router: respx.Router) -> None:
        router.post(f"{DAIMO_API}/api/payment").mock(
            side_effect=lambda request: httpx.Response(
                200,
                json={
                    "id": f"daimo_{secrets.token_hex(6)}",
                    "url": "https://pay.daimo.com/checkout?id=x",
                },
            )
        )

    def paid(self, p: Payment, now: datetime, paid: Paid | None = None) -> Signed:
        return daimo_event(p, paid), daimo_auth()

    def wrong_secret(self, p: Payment, now: datetime) -> Signed:
        return daimo_event(p), daimo_auth("guessed-token")

    def tamper(self, signed: Signed) -> Signed:
        # The token does not cover the body: a tampered body with the right token is genuine to
        # us, so "tampered" here means a forged token on an altered body.
        body, _ = signed
        return body.replace(b'"amountUnits": "', b'"amountUnits": "1'), daimo_auth("forged")

    def missing(self, p: Payment, now: datetime) -> Signed:
        return daimo_event(p), {}

    def malformed(self, now: datetime) -> Signed:
        return b'{"type": "payment_completed", ', daimo_auth()


# --- Telegram Stars ------------------------------------------------------------------------

TG_SECRET = {"X-Telegram-Bot-Api-Secret-Token": SECRETS["telegram_webhook_secret"]}


def stars_update(p: Payment, paid: Paid | None = None, payer: int = 777000111) -> bytes:
    paid = paid or Paid()
    return json.dumps(
        {
            "update_id": secrets.randbelow(10**9),
            "message": {
                "message_id": 42,
                "date": 1803978000,
                "chat": {"id": payer, "type": "private"},
                "from": {"id": payer, "is_bot": False, "first_name": "Member"},
                "successful_payment": {
                    "currency": paid.currency or "XTR",
                    "total_amount": p.amount if paid.amount is None else paid.amount,
                    "invoice_payload": p.public_id,
                    "telegram_payment_charge_id": paid.event_id or "stxCHARGE123",
                    "provider_payment_charge_id": "",
                },
            },
        }
    ).encode()


class StarsSigner(Signer):
    provider = "telegram_stars"
    currency = "XTR"
    price = 10  # stars a minute

    def mock_checkout(self, router: respx.Router) -> None:
        router.post(f"{TELEGRAM_API}/bot{BOT_TOKEN}/createInvoiceLink").mock(
            return_value=httpx.Response(200, json={"ok": True, "result": "https://t.me/$inv"})
        )

    def paid(self, p: Payment, now: datetime, paid: Paid | None = None) -> Signed:
        return stars_update(p, paid), dict(TG_SECRET)

    def wrong_secret(self, p: Payment, now: datetime) -> Signed:
        return stars_update(p), {"X-Telegram-Bot-Api-Secret-Token": "not-the-secret"}

    def tamper(self, signed: Signed) -> Signed:
        body, _ = signed
        return body, {"X-Telegram-Bot-Api-Secret-Token": "tampered"}

    def missing(self, p: Payment, now: datetime) -> Signed:
        return stars_update(p), {}

    def malformed(self, now: datetime) -> Signed:
        return b'{"update_id": 1, "message": ', dict(TG_SECRET)


SIGNERS: list[Signer] = [
    SandboxSigner(),
    StripeSigner(),
    EpaycoSigner(),
    WompiSigner(),
    DaimoSigner(),
    StarsSigner(),
]
