"""Wompi (Colombia): web checkout links with an integrity signature, and event checksums.

Checkout link: ``{checkout_url}?public-key=…&currency=…&amount-in-cents=…&reference=…
&signature:integrity=…&redirect-url=…&expiration-time=…`` where the integrity signature is the
SHA-256 hex of ``reference + amount_in_cents + currency + expiration_time + integrity_secret``.
No API call is needed, so creating a checkout never fails on the network.

Events: ``{"event", "data": {"transaction": {...}}, "signature": {"properties": [...],
"checksum"}, "timestamp", "sent_at"}``. Checksum: the values at each dotted path of
``signature.properties`` under ``data`` (in order, as strings), then ``timestamp``, then the events
secret, SHA-256 hex, compared case-insensitively; the ``X-Event-Checksum`` header, when sent, must
match too. Wompi re-sends an event for about a day with its original timestamp, so events older
than ``wompi_webhook_max_age_seconds`` (3 days) are refused as stale. Wompi events carry no id:
the inbox key is ``<transaction id>:<status>``. Refunds are made by an admin (no refund API).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from pnplive.payment.errors import (
    InvalidSignature,
    MalformedWebhook,
    MissingSignature,
    RefundUnsupported,
    StaleWebhook,
)
from pnplive.payment.providers.base import (
    Checkout,
    CheckoutRequest,
    EventKind,
    ProviderEvent,
    RefundRequest,
    RefundResult,
    dig,
    header,
    same,
)

STATUSES = {
    "APPROVED": EventKind.PAID,
    "DECLINED": EventKind.FAILED,
    "ERROR": EventKind.FAILED,
    "VOIDED": EventKind.REFUNDED,
    "PENDING": EventKind.PENDING,
}


def integrity_signature(
    reference: str, amount_in_cents: int, currency: str, expiration: str | None, secret: str
) -> str:
    raw = f"{reference}{amount_in_cents}{currency}{expiration or ''}{secret}"
    return hashlib.sha256(raw.encode()).hexdigest()


def event_checksum(payload: dict[str, Any], secret: str) -> str:
    """Wompi's checksum of an event, from the property list the event itself names."""
    sig = payload.get("signature")
    if not isinstance(sig, dict) or not isinstance(sig.get("properties"), list):
        raise MissingSignature("the event has no signature.properties")
    parts = []
    for prop in sig["properties"]:
        value = dig(payload.get("data"), str(prop))
        if value is None:
            raise MalformedWebhook(f"signed property {prop!r} is missing from data")
        parts.append(str(value))
    timestamp = payload.get("timestamp")
    if timestamp is None:
        raise MalformedWebhook("the event has no timestamp")
    raw = "".join(parts) + str(timestamp) + secret
    return hashlib.sha256(raw.encode()).hexdigest()


class WompiProvider:
    name = "wompi"
    currencies = frozenset({"COP"})

    def __init__(
        self,
        *,
        public_key: str,
        events_secret: str,
        integrity_secret: str,
        checkout_url: str = "https://checkout.wompi.co/p/",
        max_age_seconds: int = 3 * 24 * 3600,
    ) -> None:
        self._public_key = public_key
        self._events_secret = events_secret
        self._integrity_secret = integrity_secret
        self._checkout_url = checkout_url
        self._max_age = max_age_seconds

    async def create_checkout(self, req: CheckoutRequest) -> Checkout:
        expiration = (
            req.expires_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.")
            + f"{req.expires_at.microsecond // 1000:03d}Z"
        )
        sig = integrity_signature(
            req.payment_id, req.amount, req.currency, expiration, self._integrity_secret
        )
        query = urlencode(
            {
                "public-key": self._public_key,
                "currency": req.currency,
                "amount-in-cents": str(req.amount),
                "reference": req.payment_id,
                "signature:integrity": sig,
                "redirect-url": req.success_url,
                "expiration-time": expiration,
            }
        )
        return Checkout(
            checkout_id=req.payment_id,
            url=f"{self._checkout_url}?{query}",
            expires_at=req.expires_at,
        )

    def parse_webhook(
        self, body: bytes, headers: Mapping[str, str], now: datetime
    ) -> list[ProviderEvent]:
        try:
            payload = json.loads(body)
        except ValueError as exc:
            raise MalformedWebhook("the body is not JSON") from exc
        if not isinstance(payload, dict):
            raise MalformedWebhook("the body is not a JSON object")
        given = (
            payload.get("signature", {}).get("checksum")
            if isinstance(payload.get("signature"), dict)
            else None
        )
        if not given:
            raise MissingSignature("the event has no signature.checksum")
        expected = event_checksum(payload, self._events_secret)
        if not same(expected, str(given).lower()):
            raise InvalidSignature("the event checksum does not match")
        sent = header(headers, "X-Event-Checksum")
        if sent is not None and not same(expected, sent.lower()):
            raise InvalidSignature("X-Event-Checksum does not match")
        try:
            ts = int(payload["timestamp"])
        except (KeyError, ValueError, TypeError) as exc:
            raise MalformedWebhook("the timestamp is not a number") from exc
        if now.timestamp() - ts > self._max_age:
            raise StaleWebhook("the event is too old")
        etype = str(payload.get("event", ""))
        tx = dig(payload.get("data"), "transaction")
        if etype != "transaction.updated" or not isinstance(tx, dict):
            return [
                ProviderEvent(
                    provider=self.name,
                    event_id=f"{etype}:{expected}",
                    kind=EventKind.IGNORED,
                    type=etype[:64],
                )
            ]
        try:
            tx_id = str(tx["id"])
            status = str(tx["status"])
            amount = tx["amount_in_cents"]
            currency = str(tx["currency"]).upper()
            reference = str(tx["reference"])
        except KeyError as exc:
            raise MalformedWebhook(f"the transaction has no {exc}") from exc
        if not isinstance(amount, int) or isinstance(amount, bool):
            raise MalformedWebhook("amount_in_cents must be an integer")
        kind = STATUSES.get(status)
        if kind is None:
            raise MalformedWebhook(f"unknown transaction status {status!r}")
        return [
            ProviderEvent(
                provider=self.name,
                event_id=f"{tx_id}:{status}",
                kind=kind,
                type=etype,
                payment_ref=reference,
                checkout_id=reference,
                transaction_id=tx_id,
                amount=amount,
                currency=currency,
                refunded_amount=amount if kind is EventKind.REFUNDED else None,
                data=tx,
            )
        ]

    async def refund(self, req: RefundRequest) -> RefundResult:
        raise RefundUnsupported("Wompi refunds are made by an admin in the Wompi dashboard")

    async def expire_checkout(self, checkout_id: str, payment_id: str) -> bool:
        return False
