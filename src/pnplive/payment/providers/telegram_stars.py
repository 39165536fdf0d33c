"""Telegram Stars (currency XTR): invoice links, pre-checkout, successful_payment, refunds.

- Checkout: ``createInvoiceLink`` with ``currency="XTR"``, exactly one price, an empty provider
  token and our payment id as the payload (≤ 128 bytes). ``Checkout.invoice`` also carries the
  same fields for ``sendInvoice`` (the bot sends it in the chat).
- ``pre_checkout_query``: answered with ``payment.service.pre_checkout`` (≤ 10 s): by the bot,
  or, for updates posted to ``/webhooks/telegram_stars``, in the webhook reply itself
  (``{"method": "answerPreCheckoutQuery", ...}``, which Telegram executes).
- Paid: an update with ``message.successful_payment{currency, total_amount, invoice_payload,
  telegram_payment_charge_id}``. Updates reach ``/webhooks/telegram_stars`` (or the bot hands
  them over with ``event_from_update``); the header ``X-Telegram-Bot-Api-Secret-Token`` is
  compared in constant time with ``PNPLIVE_TELEGRAM_WEBHOOK_SECRET``. Telegram sends no
  timestamp; the inbox key is the charge id.
- Refund: ``refundStarPayment(user_id, telegram_payment_charge_id)``: whole payments only, so a
  partial refund is left to an admin. Invoice links cannot be revoked (the pre-checkout refuses).
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
    header,
    same,
    send,
)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
PRE_CHECKOUT = "pre_checkout_query"


def event_from_update(update: dict[str, Any]) -> ProviderEvent:
    """Normalise a Telegram update; only ``successful_payment`` messages concern payments."""
    message = update.get("message")
    paid = message.get("successful_payment") if isinstance(message, dict) else None
    query = update.get("pre_checkout_query")
    if isinstance(query, dict):
        try:
            data = {
                "id": str(query["id"]),
                "currency": str(query["currency"]),
                "total_amount": int(query["total_amount"]),
                "invoice_payload": str(query["invoice_payload"]),
            }
        except (KeyError, TypeError, ValueError) as exc:
            raise MalformedWebhook(f"pre_checkout_query is incomplete: {exc}") from exc
        return ProviderEvent(
            provider="telegram_stars",
            event_id=f"pre_checkout:{data['id']}",
            kind=EventKind.IGNORED,
            type=PRE_CHECKOUT,
            data=data,
        )
    if not isinstance(paid, dict):
        uid = update.get("update_id")
        return ProviderEvent(
            provider="telegram_stars",
            event_id=f"update:{uid}",
            kind=EventKind.IGNORED,
            type="update",
        )
    try:
        charge = str(paid["telegram_payment_charge_id"])
        amount = paid["total_amount"]
        currency = str(paid["currency"]).upper()
        payload = str(paid["invoice_payload"])
    except KeyError as exc:
        raise MalformedWebhook(f"successful_payment has no {exc}") from exc
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise MalformedWebhook("total_amount must be an integer")
    sender = message.get("from") if isinstance(message, dict) else None
    payer = str(sender["id"]) if isinstance(sender, dict) and "id" in sender else None
    return ProviderEvent(
        provider="telegram_stars",
        event_id=charge,
        kind=EventKind.PAID,
        type="successful_payment",
        payment_ref=payload,
        transaction_id=charge,
        amount=amount,
        currency=currency,
        payer_ref=payer,
        data={"successful_payment": paid, "from": payer},
    )


class TelegramStarsProvider:
    name = "telegram_stars"
    currencies = frozenset({"XTR"})

    def __init__(
        self,
        *,
        bot_token: str,
        webhook_secret: str | None,
        api_base: str = "https://api.telegram.org",
        timeout: float = 10.0,
        retries: int = 2,
        backoff: float = 0.5,
    ) -> None:
        self._token = bot_token
        self._secret = webhook_secret
        self._api = api_base.rstrip("/")
        self._timeout, self._retries, self._backoff = timeout, retries, backoff

    async def call(self, method: str, params: dict[str, Any]) -> Any:
        async with httpx.AsyncClient(timeout=self._timeout) as client:
            resp = await send(
                client,
                "POST",
                f"{self._api}/bot{self._token}/{method}",
                retries=self._retries,
                backoff=self._backoff,
                json=params,
            )
        data = resp.json()
        if not isinstance(data, dict) or not data.get("ok"):
            said = data.get("description") if isinstance(data, dict) else data
            raise ProviderError(
                f"Telegram {method} failed: {said}",
                retryable=False,
            )
        return data.get("result")

    @staticmethod
    def invoice(req: CheckoutRequest) -> dict[str, Any]:
        payload = req.payment_id
        if len(payload.encode()) > 128:
            raise ValueError("invoice payload longer than 128 bytes")
        return {
            "title": req.description[:32],
            "description": req.description[:255],
            "payload": payload,
            "provider_token": "",
            "currency": "XTR",
            "prices": [{"label": req.description[:32], "amount": req.amount}],
        }

    async def create_checkout(self, req: CheckoutRequest) -> Checkout:
        if req.currency != "XTR":
            raise ProviderError("Telegram Stars takes XTR only", retryable=False)
        invoice = self.invoice(req)
        link = await self.call("createInvoiceLink", invoice)
        return Checkout(
            checkout_id=req.payment_id, url=str(link), expires_at=req.expires_at, invoice=invoice
        )

    def parse_webhook(
        self, body: bytes, headers: Mapping[str, str], now: datetime
    ) -> list[ProviderEvent]:
        if not self._secret:
            raise MissingSignature("no webhook secret is configured for Telegram updates")
        given = header(headers, SECRET_HEADER)
        if not given:
            raise MissingSignature(f"the {SECRET_HEADER} header is missing")
        if not same(given, self._secret):
            raise InvalidSignature("the secret token does not match")
        try:
            update = json.loads(body)
        except ValueError as exc:
            raise MalformedWebhook("the body is not JSON") from exc
        if not isinstance(update, dict) or "update_id" not in update:
            raise MalformedWebhook("the body is not a Telegram update")
        return [event_from_update(update)]

    async def refund(self, req: RefundRequest) -> RefundResult:
        if req.amount != req.paid_amount:
            raise RefundUnsupported("Telegram Stars refunds whole payments only")
        if not req.payer_ref or not req.transaction_id:
            raise ProviderError("the payer or the charge id is unknown", retryable=False)
        try:
            await self.call(
                "refundStarPayment",
                {"user_id": int(req.payer_ref), "telegram_payment_charge_id": req.transaction_id},
            )
        except ProviderError as exc:
            # A retry after a lost answer: the first call did refund.
            if "ALREADY_REFUNDED" not in str(exc.details.get("body", "")) + exc.message:
                raise
        return RefundResult(provider_refund_id=f"stars:{req.transaction_id}", status="succeeded")

    async def expire_checkout(self, checkout_id: str, payment_id: str) -> bool:
        return False
