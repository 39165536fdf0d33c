"""Daimo Pay (crypto, USDC): payment links and payment webhooks.

Create: ``POST {api}/api/payment`` with headers ``Api-Key`` and ``Idempotency-Key`` and body
``{display{intent, redirectUri}, destination{destinationAddress, chainId, tokenAddress,
amountUnits: "10.00"}, refundAddress, externalId, metadata}`` → ``{id, url}``.
Webhook: ``{"type": "payment_started"|"payment_completed"|"payment_bounced", "paymentId",
"payment": {..., externalId}}``.

*Unconfirmed*: webhook authentication. We take it to be the token returned when the webhook was
registered, sent back as ``Authorization: Basic <token>``; ``expected_authorization`` builds the
expected header from ``PNPLIVE_DAIMO_WEBHOOK_AUTH_SCHEME`` ("basic" or "bearer") and it is
compared in constant time. Daimo sends no timestamp; the inbox key is ``<paymentId>:<type>``.
USDC is priced 1:1 with USD (two decimals). Daimo has no refund API: a bounced payment goes back
to the refund address by itself, any other refund is sent by an admin (``RefundUnsupported``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx

from pnplive.payment.errors import (
    InvalidSignature,
    MalformedWebhook,
    MissingSignature,
    ProviderError,
    RefundUnsupported,
)
from pnplive.payment.providers.base import (
    Checkout,
    CheckoutRequest,
    EventKind,
    ProviderEvent,
    RefundRequest,
    RefundResult,
    dig,
    from_minor,
    header,
    same,
    send,
    to_minor,
)

TYPES = {
    "payment_started": EventKind.PENDING,
    "payment_completed": EventKind.PAID,
    "payment_bounced": EventKind.FAILED,
}


def expected_authorization(token: str, scheme: str = "basic") -> str:
    """The Authorization header Daimo is taken to send (*unconfirmed*, see the module doc)."""
    return f"Bearer {token}" if scheme.lower() == "bearer" else f"Basic {token}"


class DaimoProvider:
    name = "daimo"
    currencies = frozenset({"USD", "USDC"})

    def __init__(
        self,
        *,
        api_key: str,
        webhook_token: str,
        destination_address: str,
        refund_address: str | None,
        chain_id: int,
        token_address: str,
        api_base: str = "https://pay.daimo.com",
        auth_scheme: str = "basic",
        timeout: float = 10.0,
        retries: int = 2,
        backoff: float = 0.5,
    ) -> None:
        self._api_key = api_key
        self._expected = expected_authorization(webhook_token, auth_scheme)
        self._destination = destination_address
        self._refund_address = refund_address or destination_address
        self._chain_id = chain_id
        self._token = token_address
        self._api = api_base.rstrip("/")
        self._timeout, self._retries, self._backoff = timeout, retries, backoff

    async def create_checkout(self, req: CheckoutRequest) -> Checkout:
        body: dict[str, Any] = {
            "display": {"intent": req.description, "redirectUri": req.success_url},
            "destination": {
                "destinationAddress": self._destination,
                "chainId": self._chain_id,
                "tokenAddress": self._token,
                "amountUnits": from_minor(req.amount, "USDC"),
            },
            "refundAddress": self._refund_address,
            "externalId": req.payment_id,
            "metadata": {"payment_id": req.payment_id, "booking_id": req.booking_id},
        }
        async with httpx.AsyncClient(timeout=self._timeout) as client:
            resp = await send(
                client,
                "POST",
                f"{self._api}/api/payment",
                retries=self._retries,
                backoff=self._backoff,
                headers={
                    "Api-Key": self._api_key,
                    "Idempotency-Key": f"pnplive-checkout-{req.payment_id}",
                },
                json=body,
            )
        data = resp.json()
        if not isinstance(data, dict) or not data.get("id") or not data.get("url"):
            raise ProviderError("Daimo answered without id and url", retryable=True)
        return Checkout(
            checkout_id=str(data["id"]), url=str(data["url"]), expires_at=req.expires_at
        )

    def parse_webhook(
        self, body: bytes, headers: Mapping[str, str], now: datetime
    ) -> list[ProviderEvent]:
        auth = header(headers, "Authorization")
        if not auth:
            raise MissingSignature("the Authorization header is missing")
        if not same(auth.strip(), self._expected):
            raise InvalidSignature("the webhook token does not match")
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise MalformedWebhook("the body is not JSON") from exc
        if not isinstance(data, dict):
            raise MalformedWebhook("the body is not a JSON object")
        etype = str(data.get("type", ""))
        payment_id = data.get("paymentId")
        payment = data.get("payment")
        if not payment_id or not isinstance(payment, dict):
            raise MalformedWebhook("the event has no paymentId or payment")
        kind = TYPES.get(etype, EventKind.IGNORED)
        units = dig(payment, "destination.amountUnits")
        amount = to_minor(units, "USDC") if units is not None else None
        external = payment.get("externalId")
        return [
            ProviderEvent(
                provider=self.name,
                event_id=str(data.get("id") or f"{payment_id}:{etype}"),
                kind=kind,
                type=etype[:64],
                payment_ref=str(external) if external else None,
                checkout_id=str(payment_id),
                transaction_id=str(payment_id),
                amount=amount,
                currency="USDC" if amount is not None else None,
                data=data,
            )
        ]

    async def refund(self, req: RefundRequest) -> RefundResult:
        raise RefundUnsupported("Daimo Pay has no refund API: an admin sends the USDC back")

    async def expire_checkout(self, checkout_id: str, payment_id: str) -> bool:
        return False
