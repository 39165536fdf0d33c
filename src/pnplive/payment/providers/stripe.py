"""Stripe: Checkout Sessions through the official ``stripe`` package (F-PAY-1).

Webhooks: ``Stripe-Signature: t=<unix>,v1=<hex>[,v1=...]``; v1 = HMAC-SHA256 keyed with the whole
``whsec_...`` secret over ``"{t}.{raw_body}"``; any v1 may match; timestamps older than the
tolerance (300 s) are refused. Verified on the raw body before anything is parsed.
Outgoing calls go through ``stripe.StripeClient`` on httpx with a timeout, network retries and an
``Idempotency-Key`` derived from our own ids; ``PNPLIVE_STRIPE_API_BASE`` points it elsewhere.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import stripe

from pnplive.payment.errors import (
    InvalidSignature,
    MalformedWebhook,
    MissingSignature,
    ProviderError,
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

SIGNATURE_HEADER = "Stripe-Signature"


def verify_signature(
    body: bytes, signature_header: str | None, secret: str, now: datetime, tolerance: int
) -> None:
    """Stripe's scheme, exactly: any ``v1`` over ``"{t}.{body}"``; ``t`` within the tolerance."""
    if not signature_header:
        raise MissingSignature(f"the {SIGNATURE_HEADER} header is missing")
    timestamp: int | None = None
    signatures: list[str] = []
    for item in signature_header.split(","):
        key, sep, value = item.strip().partition("=")
        if not sep:
            continue
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError as exc:
                raise InvalidSignature("the signature timestamp is not a number") from exc
        elif key == "v1":
            signatures.append(value)
    if timestamp is None or not signatures:
        raise InvalidSignature("the signature header has no timestamp or no v1 signature")
    expected = hmac_sha256_hex(secret.encode(), f"{timestamp}.".encode() + body)
    if not any(same(expected, s) for s in signatures):
        raise InvalidSignature("no v1 signature matches the body")
    if timestamp < now.timestamp() - tolerance:
        raise StaleWebhook(f"the signature is older than {tolerance} s")


def _obj(data: dict[str, Any]) -> dict[str, Any]:
    obj = data.get("data", {}).get("object")
    if not isinstance(obj, dict):
        raise MalformedWebhook("the event has no data.object")
    return obj


def _meta(obj: dict[str, Any], key: str) -> str | None:
    meta = obj.get("metadata")
    value = meta.get(key) if isinstance(meta, dict) else None
    return str(value) if value else None


def _currency(obj: dict[str, Any]) -> str | None:
    cur = obj.get("currency")
    return str(cur).upper() if cur else None


def event_from_payload(data: dict[str, Any]) -> ProviderEvent:
    """Normalise one verified Stripe event."""
    try:
        event_id = str(data["id"])
        etype = str(data["type"])
    except (KeyError, TypeError) as exc:
        raise MalformedWebhook("a Stripe event needs an id and a type") from exc
    base: dict[str, Any] = {"provider": "stripe", "event_id": event_id, "type": etype}
    if etype.startswith("checkout.session."):
        obj = _obj(data)
        ref = _meta(obj, "payment_id") or obj.get("client_reference_id")
        common = {
            **base,
            "payment_ref": str(ref) if ref else None,
            "checkout_id": obj.get("id"),
            "transaction_id": obj.get("payment_intent"),
            "amount": obj.get("amount_total"),
            "currency": _currency(obj),
        }
        if etype == "checkout.session.completed":
            kind = EventKind.PAID if obj.get("payment_status") == "paid" else EventKind.PENDING
            return ProviderEvent(kind=kind, **common)
        if etype == "checkout.session.async_payment_succeeded":
            return ProviderEvent(kind=EventKind.PAID, **common)
        if etype == "checkout.session.async_payment_failed":
            return ProviderEvent(kind=EventKind.FAILED, **common)
        if etype == "checkout.session.expired":
            return ProviderEvent(kind=EventKind.EXPIRED, **common)
    if etype == "charge.refunded":
        obj = _obj(data)
        return ProviderEvent(
            kind=EventKind.REFUNDED,
            payment_ref=_meta(obj, "payment_id"),
            transaction_id=obj.get("payment_intent"),
            amount=obj.get("amount"),
            currency=_currency(obj),
            refunded_amount=obj.get("amount_refunded"),
            **base,
        )
    if etype == "refund.updated":
        obj = _obj(data)
        if obj.get("status") in ("failed", "canceled"):
            return ProviderEvent(
                kind=EventKind.REFUND_FAILED,
                refund_ref=_meta(obj, "refund_id"),
                provider_refund_id=obj.get("id"),
                transaction_id=obj.get("payment_intent"),
                amount=obj.get("amount"),
                currency=_currency(obj),
                **base,
            )
    return ProviderEvent(kind=EventKind.IGNORED, **base)


class StripeProvider:
    name = "stripe"

    def __init__(
        self,
        *,
        secret_key: str,
        webhook_secret: str,
        api_base: str = "https://api.stripe.com",
        currencies: frozenset[str] = frozenset({"USD", "EUR", "MXN", "COP"}),
        tolerance_seconds: int = 300,
        timeout: float = 10.0,
        retries: int = 2,
        min_checkout_minutes: int = 31,
    ) -> None:
        self.currencies = currencies
        self._webhook_secret = webhook_secret
        self._tolerance = tolerance_seconds
        self._min_minutes = min_checkout_minutes
        self._client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": api_base.rstrip("/")},
            max_network_retries=retries,
            http_client=stripe.HTTPXClient(timeout=timeout),
        )

    def parse_webhook(
        self, body: bytes, headers: Mapping[str, str], now: datetime
    ) -> list[ProviderEvent]:
        verify_signature(
            body, header(headers, SIGNATURE_HEADER), self._webhook_secret, now, self._tolerance
        )
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise MalformedWebhook("the body is not JSON") from exc
        if not isinstance(data, dict):
            raise MalformedWebhook("the body is not a JSON object")
        return [event_from_payload(data)]

    async def create_checkout(self, req: CheckoutRequest) -> Checkout:
        # Stripe wants expires_at 30 min to 24 h ahead; a later payment is a late payment.
        expires_at = max(req.expires_at, req.now + timedelta(minutes=self._min_minutes))
        metadata = {"payment_id": req.payment_id, "booking_id": req.booking_id}
        params: dict[str, Any] = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": req.currency.lower(),
                        "unit_amount": req.amount,
                        "product_data": {"name": req.description},
                    },
                }
            ],
            "client_reference_id": req.payment_id,
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
            "success_url": req.success_url,
            "cancel_url": req.cancel_url,
            "expires_at": int(expires_at.timestamp()),
        }
        try:
            session = await self._client.v1.checkout.sessions.create_async(
                params,  # type: ignore[arg-type]
                {"idempotency_key": f"pnplive-checkout-{req.payment_id}"},
            )
        except stripe.StripeError as exc:
            raise _provider_error("create a checkout session", exc) from exc
        return Checkout(checkout_id=session.id, url=session.url, expires_at=expires_at)

    async def refund(self, req: RefundRequest) -> RefundResult:
        if not req.transaction_id:
            raise ProviderError("no payment intent is known for this payment", retryable=False)
        params: dict[str, Any] = {
            "payment_intent": req.transaction_id,
            "amount": req.amount,
            "reason": "requested_by_customer",
            "metadata": {"refund_id": req.refund_id, "payment_id": req.payment_id},
        }
        try:
            refund = await self._client.v1.refunds.create_async(
                params,  # type: ignore[arg-type]
                {"idempotency_key": req.idempotency_key},
            )
        except stripe.StripeError as exc:
            raise _provider_error("refund", exc) from exc
        status = "succeeded" if refund.status == "succeeded" else "pending"
        if refund.status in ("failed", "canceled"):
            raise ProviderError(f"Stripe refused the refund ({refund.status})", retryable=False)
        return RefundResult(provider_refund_id=refund.id, status=status)

    async def expire_checkout(self, checkout_id: str, payment_id: str) -> bool:
        try:
            await self._client.v1.checkout.sessions.expire_async(
                checkout_id, options={"idempotency_key": f"pnplive-expire-{payment_id}"}
            )
        except stripe.InvalidRequestError as exc:
            # Already complete or expired: the completion webhook (late-payment rule) decides.
            raise ProviderError(
                f"Stripe would not expire {checkout_id}: {exc}", retryable=False
            ) from exc
        except stripe.StripeError as exc:
            raise _provider_error("expire the checkout session", exc) from exc
        return True


def _provider_error(what: str, exc: stripe.StripeError) -> ProviderError:
    status = exc.http_status or 0
    retryable = isinstance(exc, stripe.APIConnectionError) or status >= 500 or status == 429
    return ProviderError(
        f"Stripe could not {what}: {exc.user_message or exc}",
        retryable=retryable,
        status_code=status,
    )
