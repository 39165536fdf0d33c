"""The Bot API's answers and errors, seen through aiogram and raw HTTP."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats, LabeledPrice

from pnplive.emulator import Emulator, RateLimits, create_emulator
from tests.emulator.conftest import ANA, BEN
from tests.emulator.support import TOKEN, make_bot, mounted, serve

pytestmark = pytest.mark.asyncio


async def test_get_me_describes_the_bot_of_the_token(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username) == (123456, True, "emulated_123456_bot")


async def test_an_unknown_token_is_unauthorized(base: str) -> None:
    stranger = make_bot(base, "999:not-registered")
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await stranger.get_me()
    finally:
        await stranger.session.close()


async def test_an_unknown_method_is_not_found_and_names_are_case_insensitive(base: str) -> None:
    async with httpx.AsyncClient() as http:
        missing = await http.post(f"{base}/bot{TOKEN}/sendTelepathy", json={})
        me = await http.get(f"{base}/bot{TOKEN}/GETME")
    assert missing.status_code == 404
    assert missing.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    assert me.json()["result"]["id"] == 123456


async def test_chat_errors_like_telegram(emulator: Emulator, bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(424242, "hi")
    with pytest.raises(TelegramForbiddenError, match="bot can't initiate conversation"):
        await bot.send_message(ANA.telegram_id, "hi")

    chat = emulator.person(ANA.telegram_id)
    await chat.send("hello")
    sent = await bot.send_message(ANA.telegram_id, "first")
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("first", chat_id=ANA.telegram_id, message_id=sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=ANA.telegram_id, message_id=999)
    with pytest.raises(TelegramBadRequest, match="message can't be edited"):
        await bot.edit_message_text("x", chat_id=ANA.telegram_id, message_id=1)
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(ANA.telegram_id, "<b>open", parse_mode="HTML")

    assert await bot.delete_message(ANA.telegram_id, sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(ANA.telegram_id, sent.message_id)
    assert [m.text for m in chat.messages] == ["hello"]


async def test_an_edit_without_a_keyboard_removes_it_and_keeps_history(
    emulator: Emulator, bot: Bot
) -> None:
    from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

    chat = emulator.person(BEN.telegram_id)
    await chat.send("hi")
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="A", callback_data="a")]]
    )
    sent = await bot.send_message(BEN.telegram_id, "v1", reply_markup=keyboard)
    assert sent.reply_markup is not None
    assert sent.reply_markup.inline_keyboard[0][0].callback_data == "a"

    edited = await bot.edit_message_text("v2", chat_id=BEN.telegram_id, message_id=sent.message_id)

    assert not isinstance(edited, bool) and edited.reply_markup is None
    shown = chat.messages[-1]
    assert (shown.text, shown.inline_keyboard) == ("v2", [])
    assert [(v.text, v.reply_markup is not None) for v in shown.history] == [("v1", True)]


async def test_callback_answers_are_refused_once_answered(emulator: Emulator, bot: Bot) -> None:
    from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

    chat = emulator.person(BEN.telegram_id)
    await chat.send("hi")
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Go", callback_data="go")]]
    )
    await bot.send_message(BEN.telegram_id, "press", reply_markup=keyboard)
    pressed = await chat.press("Go")
    [update] = await bot.get_updates(offset=2, timeout=0)
    assert update.callback_query is not None and update.callback_query.data == "go"

    assert await bot.answer_callback_query(update.callback_query.id, text="Done")
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(update.callback_query.id)
    answer = await chat.callback_answer(pressed)
    assert (answer.answer_text, answer.show_alert) == ("Done", False)


async def test_get_updates_long_polls_confirms_and_filters(emulator: Emulator, bot: Bot) -> None:
    chat = emulator.person(BEN.telegram_id)
    waiting = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0)  # let the poll reach the emulator before the person writes
    await chat.send("one")
    [first] = await asyncio.wait_for(waiting, 3)
    assert first.message is not None and first.message.text == "one"

    assert [u.update_id for u in await bot.get_updates(timeout=0)] == [first.update_id]
    assert await bot.get_updates(offset=first.update_id + 1, timeout=0) == []

    chat.block()
    await chat.send("two")  # writing again unblocks: my_chat_member, then the message
    only_messages = await bot.get_updates(allowed_updates=["message"], timeout=0)
    assert [u.message.text for u in only_messages if u.message] == ["two"]
    assert len(only_messages) == 1


async def test_stars_invoice_rules_and_a_late_pre_checkout_answer(base: str) -> None:
    emulator = create_emulator([TOKEN], [BEN], pre_checkout_timeout=0.2)
    async with serve(mounted(emulator.asgi_app())) as root:
        bot = make_bot(f"{root}/emulator")
        try:
            chat = emulator.person(BEN.telegram_id)
            await chat.send("/start")
            with pytest.raises(TelegramBadRequest, match="STARS_INVOICE_INVALID"):
                await bot.send_invoice(
                    BEN.telegram_id,
                    "t",
                    "d",
                    "p",
                    currency="XTR",
                    prices=[LabeledPrice(label="a", amount=1), LabeledPrice(label="b", amount=2)],
                )
            invoice = await bot.send_invoice(
                BEN.telegram_id,
                "Call",
                "15 min",
                "p-1",
                currency="XTR",
                prices=[LabeledPrice(label="Call", amount=100)],
            )
            assert invoice.invoice is not None and invoice.invoice.total_amount == 100

            outcome = await chat.pay(invoice.message_id)
            [_start, update] = await bot.get_updates(timeout=0)

            assert not outcome.ok and "in time" in outcome.error_message
            assert update.pre_checkout_query is not None
            with pytest.raises(TelegramBadRequest, match="query is too old"):
                await bot.answer_pre_checkout_query(update.pre_checkout_query.id, ok=True)
            link = await bot.create_invoice_link(
                "Call", "15 min", "p-2", currency="XTR", prices=[LabeledPrice(label="C", amount=5)]
            )
            assert link.startswith("https://t.me/$")
        finally:
            await bot.session.close()
            await emulator.aclose()


async def test_flood_control_answers_429_with_retry_after() -> None:
    emulator = create_emulator(
        [TOKEN], [BEN], rate_limits=RateLimits(per_chat_per_second=1, per_chat_burst=2)
    )
    async with serve(emulator.asgi_app()) as root:  # standalone, not mounted
        bot = make_bot(root)
        try:
            await emulator.person(BEN.telegram_id).send("hi")
            await bot.send_message(BEN.telegram_id, "1")
            await bot.send_message(BEN.telegram_id, "2")
            with pytest.raises(TelegramRetryAfter) as refused:
                await bot.send_message(BEN.telegram_id, "3")
            assert refused.value.retry_after >= 1
        finally:
            await bot.session.close()
            await emulator.aclose()


async def test_commands_per_language_and_scope(emulator: Emulator, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand(command="start", description="Start")])
    await bot.set_my_commands(
        [BotCommand(command="start", description="Empezar")],
        scope=BotCommandScopeAllPrivateChats(),
        language_code="es",
    )
    default = await bot.get_my_commands()
    spanish = await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats(), language_code="es")
    assert [c.description for c in default] == ["Start"]
    assert [c.description for c in spanish] == ["Empezar"]
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad Command", description="x")])
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == []
