"""Telegram Stars: invoices, the pre-checkout answer and refunds."""

from __future__ import annotations

import secrets
from typing import Any

from pnplive.emulator.api_call import ApiCall, Handler
from pnplive.emulator.errors import QUERY_TOO_OLD, bad_request
from pnplive.emulator.params import Params
from pnplive.emulator.state import Invoice

PAYLOAD_LIMIT = 128


def read_invoice(params: Params) -> Invoice:
    title = params.required_text("title")
    description = params.required_text("description")
    payload = params.required_text("payload")
    if len(payload.encode()) > PAYLOAD_LIMIT:
        raise bad_request("INVOICE_PAYLOAD_INVALID")
    currency = params.required_text("currency").upper()
    prices = params.structured("prices")
    if not isinstance(prices, list) or not prices:
        raise bad_request("prices is empty")
    try:
        labelled = tuple((str(p["label"]), int(p["amount"])) for p in prices)
    except (KeyError, TypeError, ValueError):
        raise bad_request("can't parse prices JSON object") from None
    if any(amount <= 0 for _, amount in labelled):
        raise bad_request("CURRENCY_TOTAL_AMOUNT_INVALID")
    if currency == "XTR":
        # Stars invoices take exactly one price and no payment provider.
        if len(labelled) != 1 or params.text("provider_token"):
            raise bad_request("STARS_INVOICE_INVALID")
    elif not params.text("provider_token"):
        raise bad_request("PAYMENT_PROVIDER_INVALID")
    return Invoice(
        title=title,
        description=description,
        payload=payload,
        currency=currency,
        prices=labelled,
        start_parameter=params.text("start_parameter"),
    )


async def send_invoice(call: ApiCall) -> dict[str, Any]:
    chat = call.chat_to_write()
    invoice = read_invoice(call.params)
    message = chat.add_message(
        from_bot=True,
        date=call.now(),
        invoice=invoice,
        reply_markup=call.reply_markup(inline_only=True),
        reply_to_message_id=call.reply_to(chat),
    )
    call.posted(chat)
    return call.message_json(chat, message)


async def create_invoice_link(call: ApiCall) -> str:
    invoice = read_invoice(call.params)
    slug = secrets.token_urlsafe(12)
    call.bot.invoice_links[slug] = invoice
    return f"https://t.me/${slug}"


async def answer_pre_checkout_query(call: ApiCall) -> bool:
    query_id = call.params.required_text("pre_checkout_query_id")
    query = call.bot.pre_checkouts.get(query_id)
    if query is None or query.answered:
        raise bad_request(QUERY_TOO_OLD)
    ok = call.params.flag("ok")
    error_message = call.params.text("error_message")
    if not ok and not error_message:
        raise bad_request("ERROR_MESSAGE_EMPTY")
    query.answered, query.ok, query.error_message = True, ok, error_message
    waiter = call.emulator.pre_checkout_answers.get(query_id)
    if waiter is not None and not waiter.done():
        waiter.set_result(None)
    return True


async def refund_star_payment(call: ApiCall) -> bool:
    user_id = call.params.required_integer("user_id")
    charge_id = call.params.required_text("telegram_payment_charge_id")
    payment = call.bot.payments.get(charge_id)
    if payment is None or payment.user_id != user_id:
        raise bad_request("CHARGE_NOT_FOUND")
    if payment.refunded:
        raise bad_request("CHARGE_ALREADY_REFUNDED")
    payment.refunded = True
    chat = call.emulator.chat(call.bot, user_id)
    invoice = payment.invoice
    chat.notify("refund", f"Refunded {invoice.total_amount} ⭐ for “{invoice.title}”")
    call.posted(chat)
    return True


METHODS: dict[str, Handler] = {
    "sendinvoice": send_invoice,
    "createinvoicelink": create_invoice_link,
    "answerprecheckoutquery": answer_pre_checkout_query,
    "refundstarpayment": refund_star_payment,
}
