"""A real aiogram bot, long-polling the emulator, and a person chatting with it."""

from __future__ import annotations

import pytest

from pnplive.emulator import Emulator
from tests.emulator.conftest import ANA, BEN, RunningBot
from tests.emulator.support import png

pytestmark = pytest.mark.asyncio


async def test_start_payload_and_echo(emulator: Emulator, running_bot: RunningBot) -> None:
    chat = emulator.person(BEN.telegram_id)
    sent = await chat.send("/start ref-7")
    welcome = await chat.wait_for(lambda m: m.text.startswith("Welcome"))
    assert welcome.text == "Welcome! payload=ref-7"
    assert welcome.message_id == sent.message_id + 1  # one counter per chat, as in Telegram

    await chat.send("hello there")
    echoed = await chat.wait_for(lambda m: m.text.startswith("echo"))
    assert echoed.text == "echo: hello there"
    assert [m.text for m in chat.messages] == [
        "/start ref-7",
        "Welcome! payload=ref-7",
        "hello there",
        "echo: hello there",
    ]


async def test_pressing_a_button_edits_the_message_and_shows_the_answer(
    emulator: Emulator, running_bot: RunningBot
) -> None:
    chat = emulator.person(ANA.telegram_id)
    await chat.send("/start")
    welcome = await chat.wait_for(lambda m: "Welcome" in m.text)

    pressed = await chat.press("Book")
    edited = await chat.wait_for(lambda m: m.text == "Booked ✅")
    answer = await chat.callback_answer(pressed)

    assert edited.message_id == welcome.message_id
    assert edited.entities == [{"type": "bold", "offset": 0, "length": 6}]
    assert [b["text"] for row in edited.inline_keyboard for b in row] == ["Cancel"]
    assert edited.edit_date is not None
    assert [v.text for v in edited.history] == ["Welcome! payload=None"]
    assert (answer.answer_text, answer.show_alert) == ("Booked!", True)
    notice = await chat.wait_for_notice(lambda n: n.kind == "callback_answer")
    assert notice.show_alert


async def test_url_buttons_are_reported_not_sent(
    emulator: Emulator, running_bot: RunningBot
) -> None:
    chat = emulator.person(BEN.telegram_id)
    await chat.send("/start")
    await chat.wait_for(lambda m: "Welcome" in m.text)
    updates_before = len(emulator.bot().callback_queries)

    pressed = await chat.press("Site")

    assert (pressed.kind, pressed.value) == ("url", "https://example.org/")
    assert len(emulator.bot().callback_queries) == updates_before
    assert chat.notices[-1].text == "Opened https://example.org/"


async def test_stars_invoice_paid_then_refunded(
    emulator: Emulator, running_bot: RunningBot
) -> None:
    chat = emulator.person(BEN.telegram_id)
    await chat.send("/pay")
    invoice = await chat.wait_for(lambda m: m.invoice is not None)
    assert invoice.invoice is not None and invoice.invoice.total_amount == 250

    outcome = await chat.pay(invoice)
    thanks = await chat.wait_for(lambda m: m.text.startswith("Paid"))
    refund = await chat.wait_for_notice(lambda n: n.kind == "refund")

    assert outcome.ok and outcome.charge_id
    assert thanks.text == "Paid 250 for booking-42"
    [payment] = running_bot.record.payments
    assert payment["currency"] == "XTR"
    assert payment["telegram_payment_charge_id"] == outcome.charge_id
    assert running_bot.record.refunds == [outcome.charge_id]
    assert emulator.bot().payments[outcome.charge_id].refunded
    assert refund.text == "Refunded 250 ⭐ for “Video call”"


async def test_a_refused_pre_checkout_fails_the_payment(
    emulator: Emulator, running_bot: RunningBot
) -> None:
    chat = emulator.person(BEN.telegram_id)
    await chat.send("/payrefused")
    invoice = await chat.wait_for(lambda m: m.invoice is not None)

    outcome = await chat.pay(invoice)

    assert not outcome.ok
    assert outcome.error_message == "This slot was just taken."
    assert chat.notices[-1].kind == "payment_failed"
    assert running_bot.record.payments == []
    assert not any(m.successful_payment for m in chat.messages)


async def test_photos_and_albums_from_the_bot(emulator: Emulator, running_bot: RunningBot) -> None:
    chat = emulator.person(BEN.telegram_id)
    await chat.send("/photo")
    photo = await chat.wait_for(lambda m: m.photo is not None)
    assert photo.photo is not None
    assert (photo.photo.width, photo.photo.height) == (3, 2)
    assert photo.photo.data == png(3, 2)
    assert photo.caption == "A dot"
    assert photo.caption_entities == [{"type": "italic", "offset": 2, "length": 3}]

    await chat.send("/album")
    document = await chat.wait_for(lambda m: m.document is not None)
    group = [m for m in chat.bot_messages if m.media_group_id == document.media_group_id]
    assert document.media_group_id is not None
    assert [bool(m.photo) for m in group] == [True, False]
    assert group[0].caption == "first"
    assert document.document is not None and document.document.file_name == "menu.pdf"


async def test_a_persons_photo_is_downloaded_by_the_bot(
    emulator: Emulator, running_bot: RunningBot
) -> None:
    chat = emulator.person(ANA.telegram_id)
    image = png(5, 7)
    await chat.send_photo(image, caption="me")
    reply = await chat.wait_for(lambda m: m.text.startswith("Photo"))
    assert reply.text == f"Photo 5x7, {len(image)} bytes"


async def test_blocking_is_announced_and_sending_is_forbidden(
    emulator: Emulator, running_bot: RunningBot
) -> None:
    from aiogram.exceptions import TelegramForbiddenError

    chat = emulator.person(BEN.telegram_id)
    await chat.send("hi")
    await chat.wait_for(lambda m: m.text == "echo: hi")

    chat.block()
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await running_bot.bot.send_message(BEN.telegram_id, "are you there?")
    chat.unblock()
    await chat.wait_for(lambda m: m.text == "Welcome back")

    assert running_bot.record.memberships == ["kicked", "member"]
