"""Serving an emulator on 127.0.0.1 inside the test's event loop, and a small aiogram bot."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaDocument,
    InputMediaPhoto,
    LabeledPrice,
    Message,
    PreCheckoutQuery,
)
from fastapi import FastAPI

TOKEN = "123456:emulated-Token_1"


def png(width: int, height: int) -> bytes:
    """A valid, tiny PNG of the given size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@contextlib.asynccontextmanager
async def serve(app: Any) -> AsyncIterator[str]:
    """Run ``app`` under uvicorn on a free port of 127.0.0.1; yields its root URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


def mounted(emulator_app: Any) -> FastAPI:
    """The emulator mounted as the product mounts it."""
    app = FastAPI()
    app.mount("/emulator", emulator_app)
    return app


def make_bot(base: str, token: str = TOKEN) -> Bot:
    return Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(base)))


@dataclass
class BotRecord:
    """What the test bot received, for assertions."""

    payments: list[dict[str, Any]] = field(default_factory=list)
    memberships: list[str] = field(default_factory=list)
    refunds: list[str] = field(default_factory=list)


def make_dispatcher(record: BotRecord) -> Dispatcher:
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message, command: CommandObject) -> None:
        keyboard = InlineKeyboardMarkup(
            inline_keyboard=[
                [InlineKeyboardButton(text="Book", callback_data="book")],
                [InlineKeyboardButton(text="Site", url="https://example.org/")],
            ]
        )
        await message.answer(f"Welcome! payload={command.args}", reply_markup=keyboard)

    @router.callback_query(F.data == "book")
    async def book(query: CallbackQuery) -> None:
        assert isinstance(query.message, Message)
        cancel = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="Cancel", callback_data="cancel")]]
        )
        await query.message.edit_text("<b>Booked</b> ✅", parse_mode="HTML", reply_markup=cancel)
        await query.answer("Booked!", show_alert=True)

    @router.message(Command("pay", "payrefused"))
    async def invoice(message: Message, command: CommandObject) -> None:
        payload = "refuse" if command.command == "payrefused" else "booking-42"
        await message.answer_invoice(
            title="Video call",
            description="15 minutes",
            payload=payload,
            currency="XTR",
            prices=[LabeledPrice(label="Call", amount=250)],
        )

    @router.pre_checkout_query()
    async def pre_checkout(query: PreCheckoutQuery) -> None:
        if query.invoice_payload == "refuse":
            await query.answer(ok=False, error_message="This slot was just taken.")
        else:
            await query.answer(ok=True)

    @router.message(F.successful_payment)
    async def paid(message: Message, bot: Bot) -> None:
        payment = message.successful_payment
        assert payment is not None and message.from_user is not None
        record.payments.append(payment.model_dump())
        await message.answer(f"Paid {payment.total_amount} for {payment.invoice_payload}")
        record.refunds.append(payment.telegram_payment_charge_id)
        await bot.refund_star_payment(message.from_user.id, payment.telegram_payment_charge_id)

    @router.message(Command("photo"))
    async def photo(message: Message) -> None:
        await message.answer_photo(
            BufferedInputFile(png(3, 2), filename="dot.png"),
            caption="A <i>dot</i>",
            parse_mode="HTML",
        )

    @router.message(Command("album"))
    async def album(message: Message) -> None:
        await message.answer_media_group(
            [
                InputMediaPhoto(media=BufferedInputFile(png(4, 4), "a.png"), caption="first"),
                InputMediaDocument(media=BufferedInputFile(b"%PDF-1.4 menu", "menu.pdf")),
            ]
        )

    @router.message(F.photo)
    async def got_photo(message: Message, bot: Bot) -> None:
        assert message.photo is not None
        largest = message.photo[-1]
        downloaded = await bot.download(largest.file_id)
        assert downloaded is not None
        size = len(downloaded.read())
        await message.answer(f"Photo {largest.width}x{largest.height}, {size} bytes")

    @router.my_chat_member()
    async def membership(update: ChatMemberUpdated, bot: Bot) -> None:
        record.memberships.append(update.new_chat_member.status)
        if update.new_chat_member.status == "member":
            await bot.send_message(update.chat.id, "Welcome back")

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(f"echo: {message.text}")

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    return dispatcher
