"""The sandbox provider: a local checkout page with Pay / Decline, so the whole flow runs offline.

It is offered when no real provider is configured (``PaymentSettings.sandbox_enabled``). The page
lives at ``/checkout/sandbox/{payment_id}``; its buttons produce a webhook signed like Stripe's:
header ``X-Sandbox-Signature: t=<unix>,v1=<hex>`` with v1 = HMAC-SHA256 over ``"{t}.{raw_body}"``
keyed with a key derived from ``PNPLIVE_SECRET_KEY``; timestamps older than the tolerance are
refused. Body: ``{"id", "type": "payment.succeeded"|"payment.declined", "payment_id",
"transaction_id", "amount", "currency"}``. Refunds and expiry always succeed locally.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pnplive.kit.money import CURRENCY_EXPONENT
from pnplive.payment.errors import (
    InvalidSignature,
    MalformedWebhook,
    MissingSignature,
    StaleWebhook,
)
from pnplive.payment.providers.base import (
    Checkout,
    CheckoutRequest,
    EventKind,
    ProviderEvent,
    RefundRequest,
    RefundResult,
    header,
    hmac_sha256_hex,
    same,
)

SIGNATURE_HEADER = "X-Sandbox-Signature"
TYPES = {"payment.succeeded": EventKind.PAID, "payment.declined": EventKind.FAILED}


class SandboxProvider:
    name = "sandbox"
    currencies = frozenset(CURRENCY_EXPONENT)

    def __init__(self, secret_key: str, public_base_url: str, tolerance_seconds: int = 300):
        self._key = hmac_sha256_hex(secret_key.encode(), b"pnplive sandbox webhooks").encode()
        self._base = public_base_url.rstrip("/")
        self._tolerance = tolerance_seconds

    def checkout_url(self, payment_id: str) -> str:
        return f"{self._base}/checkout/sandbox/{payment_id}"

    async def create_checkout(self, req: CheckoutRequest) -> Checkout:
        return Checkout(
            checkout_id=f"sbx_{req.payment_id}",
            url=self.checkout_url(req.payment_id),
            expires_at=req.expires_at,
        )

    def sign(self, body: bytes, timestamp: int) -> str:
        sig = hmac_sha256_hex(self._key, f"{timestamp}.".encode() + body)
        return f"t={timestamp},v1={sig}"

    def build_webhook(
        self,
        *,
        payment_id: str,
        paid: bool,
        amount: int,
        currency: str,
        now: datetime,
    ) -> tuple[bytes, dict[str, str]]:
        """The body and headers the checkout page's button sends (also used by tests)."""
        payload: dict[str, Any] = {
            "id": f"sbxevt_{secrets.token_hex(10)}",
            "type": "payment.succeeded" if paid else "payment.declined",
            "payment_id": payment_id,
            "transaction_id": f"sbxtxn_{secrets.token_hex(8)}",
            "amount": amount,
            "currency": currency,
        }
        body = json.dumps(payload, separators=(",", ":")).encode()
        return body, {SIGNATURE_HEADER: self.sign(body, int(now.timestamp()))}

    def verify(self, body: bytes, headers: Mapping[str, str], now: datetime) -> None:
        value = header(headers, SIGNATURE_HEADER)
        if not value:
            raise MissingSignature(f"the {SIGNATURE_HEADER} header is missing")
        parts: dict[str, list[str]] = {}
        for item in value.split(","):
            k, sep, v = item.strip().partition("=")
            if sep:
                parts.setdefault(k, []).append(v)
        try:
            ts = int(parts["t"][0])
        except (KeyError, ValueError) as exc:
            raise InvalidSignature("the signature header has no valid timestamp") from exc
        expected = hmac_sha256_hex(self._key, f"{ts}.".encode() + body)
        if not any(same(expected, s) for s in parts.get("v1", [])):
            raise InvalidSignature("the signature does not match the body")
        if abs(now.timestamp() - ts) > self._tolerance:
            raise StaleWebhook("the signature timestamp is outside the tolerance")

    def parse_webhook(
        self, body: bytes, headers: Mapping[str, str], now: datetime
    ) -> list[ProviderEvent]:
        self.verify(body, headers, now)
        try:
            data = json.loads(body)
            kind = TYPES[data["type"]]
            event_id = str(data["id"])
            payment_ref = str(data["payment_id"])
            amount = data["amount"]
            currency = str(data["currency"]).upper()
        except (ValueError, KeyError, TypeError) as exc:
            raise MalformedWebhook(f"not a sandbox event: {exc}") from exc
        if not isinstance(amount, int) or isinstance(amount, bool):
            raise MalformedWebhook("amount must be an integer in minor units")
        return [
            ProviderEvent(
                provider=self.name,
                event_id=event_id,
                kind=kind,
                type=data["type"],
                payment_ref=payment_ref,
                checkout_id=f"sbx_{payment_ref}",
                transaction_id=str(data.get("transaction_id") or "") or None,
                amount=amount,
                currency=currency,
                data=data,
            )
        ]

    async def refund(self, req: RefundRequest) -> RefundResult:
        return RefundResult(provider_refund_id=f"sbxre_{req.refund_id}", status="succeeded")

    async def expire_checkout(self, checkout_id: str, payment_id: str) -> bool:
        return True
