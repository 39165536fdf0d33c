"""ePayco (Colombia): Smart Checkout v2 sessions and the confirmation callback.

Confirmation (POST form, or GET query): fields ``x_ref_payco``, ``x_transaction_id``,
``x_amount``, ``x_currency_code``, ``x_signature``, ``x_cod_transaction_state`` (fallback
``x_cod_response``), ``x_extra1`` (our payment id) ... The signature is the lowercase hex SHA-256
of ``p_cust_id_cliente^p_key^x_ref_payco^x_transaction_id^x_amount^x_currency_code`` with the
``x_`` values exactly as received (``"62000.00"`` stays a string). ePayco sends no timestamp, so
replays are stopped by the inbox (one event per reference, transaction and state). A test-mode
transaction (``x_test_request`` true) is acknowledged but ignored unless ``PNPLIVE_EPAYCO_TEST``.

Checkout: ``POST {api}/login`` (HTTP Basic public:private key) gives a bearer token, then
``POST {api}/payment/session/create`` gives a ``sessionId`` that the ePayco checkout script opens.
*Unconfirmed*: the exact session body fields and the response shape (``data.sessionId`` or
``sessionId``, ``token`` or ``data.token``); they live in ``session_body`` and
``_pick`` below. Refunds have no documented API here: they are left to an admin
(``RefundUnsupported``), and ePayco's own reversal (state 6) is recorded when it is reported.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

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
    from_minor,
    same,
    send,
    to_minor,
)

STATES: dict[str, EventKind] = {
    "1": EventKind.PAID,
    "2": EventKind.FAILED,
    "3": EventKind.PENDING,
    "4": EventKind.FAILED,
    "6": EventKind.REFUNDED,
    "7": EventKind.PENDING,
    "10": EventKind.FAILED,
    "11": EventKind.FAILED,
}
REQUIRED = ("x_ref_payco", "x_transaction_id", "x_amount", "x_currency_code")


def signature(cust_id: str, p_key: str, fields: Mapping[str, str]) -> str:
    raw = "^".join(
        [
            cust_id,
            p_key,
            fields["x_ref_payco"],
            fields["x_transaction_id"],
            fields["x_amount"],
            fields["x_currency_code"],
        ]
    )
    return hashlib.sha256(raw.encode()).hexdigest()


def is_test(fields: Mapping[str, str]) -> bool:
    return fields.get("x_test_request", "").strip().upper() in ("TRUE", "1", "YES")


def session_body(req: CheckoutRequest, *, confirmation_url: str, test: bool) -> dict[str, Any]:
    """Smart Checkout v2 session fields (*unconfirmed* names, see the module docstring)."""
    return {
        "checkout_version": "2",
        "name": req.description[:60],
        "description": req.description,
        "currency": req.currency,
        "amount": from_minor(req.amount, req.currency),
        "country": "CO",
        "lang": "EN",
        "extra1": req.payment_id,
        "invoice": req.payment_id,
        "confirmation": confirmation_url,
        "response": req.success_url,
        "method": "POST",
        "test": test,
    }


def _pick(data: Any, key: str) -> str | None:
    if isinstance(data, dict):
        if data.get(key):
            return str(data[key])
        inner = data.get("data")
        if isinstance(inner, dict) and inner.get(key):
            return str(inner[key])
    return None


class EpaycoProvider:
    name = "epayco"

    def __init__(
        self,
        *,
        cust_id: str,
        p_key: str,
        public_key: str | None,
        private_key: str | None,
        api_base: str,
        confirmation_url: str,
        test: bool = False,
        currencies: frozenset[str] = frozenset({"COP", "USD"}),
        timeout: float = 10.0,
        retries: int = 2,
        backoff: float = 0.5,
    ) -> None:
        self.currencies = currencies
        self._cust_id, self._p_key = cust_id, p_key
        self._public_key, self._private_key = public_key, private_key
        self._api = api_base.rstrip("/")
        self._confirmation_url = confirmation_url
        self._test = test
        self._timeout, self._retries, self._backoff = timeout, retries, backoff

    def parse_fields(self, body: bytes, query: str = "") -> dict[str, str]:
        text = body.decode("utf-8", errors="strict") if body else query
        try:
            pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=True)
        except ValueError as exc:
            raise MalformedWebhook("the confirmation is not form-encoded") from exc
        for key, value in pairs:
            try:  # a lone surrogate (from a query string) cannot be signed or stored
                key.encode("utf-8")
                value.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise MalformedWebhook("the confirmation is not valid text") from exc
        return dict(pairs)

    def parse_webhook(
        self, body: bytes, headers: Mapping[str, str], now: datetime, query: str = ""
    ) -> list[ProviderEvent]:
        try:
            fields = self.parse_fields(body, query)
        except UnicodeDecodeError as exc:
            raise MalformedWebhook("the confirmation is not UTF-8") from exc
        given = fields.get("x_signature")
        if not given:
            raise MissingSignature("x_signature is missing")
        missing = [k for k in REQUIRED if k not in fields]
        if missing:
            raise MalformedWebhook("fields missing: " + ", ".join(missing))
        if not same(signature(self._cust_id, self._p_key, fields), given.lower()):
            raise InvalidSignature("x_signature does not match")
        state = fields.get("x_cod_transaction_state") or fields.get("x_cod_response") or ""
        kind = STATES.get(state)
        if kind is None:
            raise MalformedWebhook(f"unknown transaction state {state!r}")
        if is_test(fields) and not self._test:
            # A genuine test-mode transaction moved no money: never let it pay a booking.
            kind = EventKind.IGNORED
        currency = fields["x_currency_code"].upper()
        amount = to_minor(fields["x_amount"], currency)
        return [
            ProviderEvent(
                provider=self.name,
                event_id=f"{fields['x_ref_payco']}:{fields['x_transaction_id']}:{state}",
                kind=kind,
                type=f"state_{state}",
                payment_ref=fields.get("x_extra1") or None,
                checkout_id=None,
                transaction_id=fields["x_ref_payco"],
                amount=amount,
                currency=currency,
                refunded_amount=amount if kind is EventKind.REFUNDED else None,
                data={k: v for k, v in fields.items() if k != "x_signature"},
            )
        ]

    async def create_checkout(self, req: CheckoutRequest) -> Checkout:
        if not (self._public_key and self._private_key):
            raise ProviderError("ePayco API keys are not configured", retryable=False)
        async with httpx.AsyncClient(timeout=self._timeout) as client:
            login = await send(
                client,
                "POST",
                f"{self._api}/login",
                retries=self._retries,
                backoff=self._backoff,
                auth=(self._public_key, self._private_key),
            )
            token = _pick(login.json(), "token")
            if not token:
                raise ProviderError("ePayco login gave no token", retryable=True)
            created = await send(
                client,
                "POST",
                f"{self._api}/payment/session/create",
                retries=self._retries,
                backoff=self._backoff,
                headers={"Authorization": f"Bearer {token}"},
                json=session_body(req, confirmation_url=self._confirmation_url, test=self._test),
            )
        session_id = _pick(created.json(), "sessionId")
        if not session_id:
            raise ProviderError("ePayco gave no sessionId", retryable=True)
        return Checkout(
            checkout_id=session_id,
            url=None,
            expires_at=req.expires_at,
            invoice={"kind": "epayco_checkout", "session_id": session_id, "test": self._test},
        )

    async def refund(self, req: RefundRequest) -> RefundResult:
        raise RefundUnsupported("ePayco refunds are made by an admin in the ePayco dashboard")

    async def expire_checkout(self, checkout_id: str, payment_id: str) -> bool:
        return False
