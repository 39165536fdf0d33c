"""Telegram Stars in the chat: the pre-checkout question (answered within Telegram's 10 s) and
the successful payment, applied through the payment service exactly as a webhook would be."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import Message, PreCheckoutQuery

from pnplive.bot.context import BotContext
from pnplive.kit.i18n import N_, t
from pnplive.payment import service as payments
from pnplive.payment.providers.telegram_stars import event_from_update


async def pre_checkout(query: PreCheckoutQuery, ctx: BotContext, lang: str = "en") -> None:
    async with ctx.db.reading() as session:
        ok, _why = await payments.pre_checkout(
            session,
            query.invoice_payload,
            currency=query.currency,
            total_amount=query.total_amount,
            now=ctx.clock.now(),
        )
    if ok:
        await query.answer(ok=True)
    else:
        await query.answer(ok=False, error_message=t(lang, N_("bot.pay.not_payable")))


async def paid(message: Message, ctx: BotContext, lang: str = "en") -> None:
    update = {"message": message.model_dump(mode="json", exclude_none=True, by_alias=True)}
    event = event_from_update(update)
    async with ctx.db.transaction() as session:
        await payments.handle_event(session, event, now=ctx.clock.now())
    await message.answer(t(lang, N_("bot.pay.received")))


def router() -> Router:
    r = Router(name=__name__)
    r.pre_checkout_query.register(pre_checkout)
    r.message.register(paid, F.successful_payment)
    return r
