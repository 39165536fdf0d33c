"""One interface for every payment provider (F-PAY-1).

A provider creates a checkout (a link or an invoice) for a payment attempt, verifies a webhook on
its raw body and turns it into normalised events, refunds, and expires a checkout where it can.
Verification raises a ``WebhookRejected`` subclass and never touches the database.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Protocol

import httpx

from pnplive.kit.money import CURRENCY_EXPONENT
from pnplive.payment.errors import MalformedWebhook, ProviderError


class EventKind(StrEnum):
    PAID = "paid"  # money received for a payment attempt
    PENDING = "pending"  # started, not settled yet
    FAILED = "failed"  # declined / bounced: nothing received
    EXPIRED = "expired"  # the checkout lapsed unpaid
    REFUNDED = "refunded"  # the provider reports money returned (cumulative ``refunded_amount``)
    REFUND_FAILED = "refund_failed"  # a refund we asked for did not go through
    IGNORED = "ignored"  # a genuine event that does not concern payments


@dataclass(frozen=True, slots=True)
class ProviderEvent:
    provider: str
    event_id: str
    kind: EventKind
    type: str = ""  # the provider's own event type, for the inbox
    payment_ref: str | None = None  # our payment public id, when the event carries it
    checkout_id: str | None = None
    transaction_id: str | None = None
    amount: int | None = None
    currency: str | None = None
    refunded_amount: int | None = None  # cumulative, for REFUNDED
    refund_ref: str | None = None  # our refund public id, for REFUND_FAILED
    provider_refund_id: str | None = None
    payer_ref: str | None = None  # e.g. the Telegram user id that paid
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CheckoutRequest:
    payment_id: str  # our public id; the provider carries it back as its reference
    booking_id: str
    amount: int
    currency: str
    description: str
    expires_at: datetime
    success_url: str
    cancel_url: str
    now: datetime


@dataclass(frozen=True, slots=True)
class Checkout:
    checkout_id: str
    url: str | None
    expires_at: datetime | None = None
    invoice: dict[str, Any] | None = None  # for invoice-style providers (Telegram Stars, widgets)


@dataclass(frozen=True, slots=True)
class RefundRequest:
    refund_id: str  # our public id
    idempotency_key: str
    payment_id: str
    checkout_id: str | None
    transaction_id: str | None
    amount: int
    currency: str
    paid_amount: int
    payer_ref: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class RefundResult:
    provider_refund_id: str
    status: str  # "succeeded" | "pending"


class PaymentProvider(Protocol):
    name: str
    currencies: frozenset[str]

    async def create_checkout(self, req: CheckoutRequest) -> Checkout: ...

    def parse_webhook(
        self, body: bytes, headers: Mapping[str, str], now: datetime
    ) -> list[ProviderEvent]: ...

    async def refund(self, req: RefundRequest) -> RefundResult: ...

    async def expire_checkout(self, checkout_id: str, payment_id: str) -> bool:
        """Expire an open checkout; False when the provider has no such thing."""
        ...


# --- helpers shared by the providers ------------------------------------------------------


def header(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive header lookup on any mapping."""
    lname = name.lower()
    for k, v in headers.items():
        if k.lower() == lname:
            return v
    return None


def hmac_sha256_hex(key: bytes, msg: bytes) -> str:
    return hmac.new(key, msg, hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def to_minor(value: str | int | float | Decimal, currency: str) -> int:
    """A decimal amount as the provider writes it ("62000.00") in our minor units, exactly."""
    try:
        dec = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise MalformedWebhook(f"not an amount: {value!r}") from exc
    exp = CURRENCY_EXPONENT.get(currency.upper(), 2)
    minor = dec.scaleb(exp)
    if minor != minor.to_integral_value():
        raise MalformedWebhook(f"amount {value!r} has more decimals than {currency} allows")
    return int(minor)


def from_minor(amount: int, currency: str) -> str:
    exp = CURRENCY_EXPONENT.get(currency.upper(), 2)
    if exp == 0:
        return str(amount)
    return f"{Decimal(amount).scaleb(-exp):.{exp}f}"


def dig(data: Any, path: str) -> Any:
    """The value at a dotted path ("transaction.amount_in_cents"), or None."""
    cur = data
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


RETRY_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504})


async def send(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    retries: int,
    backoff: float,
    **kwargs: Any,
) -> httpx.Response:
    """One HTTP call with retries on network errors and retryable statuses.

    Callers send an idempotency key whenever the provider takes one, so a retry never doubles
    an effect. A final non-2xx answer raises ``ProviderError`` (retryable for 5xx/429).
    """
    last: Exception | None = None
    for attempt in range(retries + 1):
        if attempt:
            await asyncio.sleep(backoff * (2 ** (attempt - 1)))
        try:
            resp = await client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            last = exc
            continue
        if resp.status_code in RETRY_STATUSES and attempt < retries:
            last = ProviderError(f"{url} answered {resp.status_code}")
            continue
        if resp.is_success:
            return resp
        raise ProviderError(
            f"{method} {url} answered {resp.status_code}",
            retryable=resp.status_code in RETRY_STATUSES,
            status_code=resp.status_code,
            body=resp.text[:500],
        )
    raise ProviderError(f"{method} {url} failed: {last}", retryable=True)


# --- what a parsed event may carry (checked once, for every provider) ------------------------

MAX_AMOUNT = 10**12  # minor units: far beyond any call, far inside every column
MAX_TEXT = 255
CURRENCY_SHAPE = re.compile(r"^[A-Za-z]{3,5}$")
_TEXT_FIELDS = (
    "event_id",
    "type",
    "payment_ref",
    "checkout_id",
    "transaction_id",
    "refund_ref",
    "provider_refund_id",
    "payer_ref",
)


def storable(text: str) -> bool:
    """Text every database can keep: no NUL, no lone surrogates."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _storable_tree(value: Any, depth: int = 0) -> bool:
    if depth > 20:
        return False
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(
            isinstance(k, str) and storable(k) and _storable_tree(v, depth + 1)
            for k, v in value.items()
        )
    if isinstance(value, list):
        return all(_storable_tree(v, depth + 1) for v in value)
    return value is None or isinstance(value, bool | int)


def event_problem(event: ProviderEvent) -> str | None:
    """Why a verified event cannot be what the provider sends, or None when it can be."""
    if not event.event_id:
        return "the event has no id"
    for name in _TEXT_FIELDS:
        value = getattr(event, name)
        if value is None:
            continue
        if not isinstance(value, str) or not storable(value) or len(value) > MAX_TEXT:
            return f"{name} is not a short text"
    for name in ("amount", "refunded_amount"):
        value = getattr(event, name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AMOUNT:
            return f"{name} is not an amount"
    if event.currency is not None and (
        not isinstance(event.currency, str) or not CURRENCY_SHAPE.fullmatch(event.currency)
    ):
        return "currency is not a currency code"
    if not _storable_tree(event.data):
        return "the event carries values no database can keep"
    return None
