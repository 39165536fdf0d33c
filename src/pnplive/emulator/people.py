"""What a person can do in a chat with the bot; each action becomes the update Telegram sends."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pnplive.emulator import objects
from pnplive.emulator.emulator import Emulator
from pnplive.emulator.files import store_upload
from pnplive.emulator.params import Upload
from pnplive.emulator.state import (
    BotState,
    CallbackQuery,
    Chat,
    Invoice,
    Message,
    Persona,
    PreCheckout,
    StarPayment,
)
from pnplive.emulator.webapp import launch_url, menu_web_app


@dataclass(frozen=True)
class PaymentOutcome:
    ok: bool
    charge_id: str | None = None
    error_message: str = ""


@dataclass(frozen=True)
class PressOutcome:
    """What pressing a button did: a callback query sent, a link or Mini App opened, a payment."""

    kind: str  # "callback" | "url" | "web_app" | "pay" | "text" | "unsupported"
    value: str = ""
    query_id: str | None = None
    payment: PaymentOutcome | None = None


class Person:
    def __init__(self, emulator: Emulator, bot: BotState, chat: Chat) -> None:
        self.emulator = emulator
        self.bot = bot
        self.chat = chat

    @property
    def persona(self) -> Persona:
        return self.chat.persona

    @property
    def telegram_id(self) -> int:
        return self.chat.chat_id

    async def send(self, text: str, *, reply_to: int | None = None) -> Message:
        """A text message; a leading /command is marked as Telegram does (``/start payload``)."""
        if not text.strip():
            raise ValueError("a message needs some text")
        entities: list[dict[str, Any]] = []
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            entities.append({"type": "bot_command", "offset": 0, "length": len(command)})
        return self._post(text=text, entities=entities, reply_to_message_id=reply_to)

    async def send_photo(
        self, data: bytes, *, filename: str = "photo.jpg", caption: str = ""
    ) -> Message:
        stored = store_upload(self.emulator.state, "photo", Upload(data, filename, "image/jpeg"))
        return self._post(photo=stored, caption=caption)

    async def press_button(self, message_id: int, row: int, column: int) -> PressOutcome:
        message = self.chat.messages.get(message_id)
        if message is None or message.deleted:
            raise LookupError(f"no message {message_id} in the chat")
        try:
            button = message.inline_keyboard[row][column]
        except IndexError:
            raise LookupError(f"no button at row {row}, column {column}") from None
        if "callback_data" in button:
            return self._callback(message, str(button["callback_data"]))
        if "url" in button:
            self._notice("url", f"Opened {button['url']}")
            return PressOutcome("url", str(button["url"]))
        if "web_app" in button:
            return self.open_web_app(str(button["web_app"].get("url", "")))
        if button.get("pay") and message.invoice is not None:
            return PressOutcome("pay", payment=await self.pay(message_id))
        self._notice("unsupported", f"The emulator does not simulate this button: {button}")
        return PressOutcome("unsupported", str(button.get("text", "")))

    def open_web_app(self, url: str) -> PressOutcome:
        """The Mini App at ``url``, opened with this person's signed initData."""
        self._notice("web_app", f"Opened the Mini App {url}")
        now = datetime.fromtimestamp(self.emulator.wall_clock(), UTC)
        return PressOutcome("web_app", launch_url(self.bot, self.persona, url, now))

    def open_menu_app(self) -> PressOutcome:
        """The chat's menu button, when the bot made it open a Mini App."""
        button = menu_web_app(self.bot, self.telegram_id)
        if button is None:
            raise LookupError("the bot set no Mini App menu button")
        return self.open_web_app(button["url"])

    async def pay(self, message_id: int) -> PaymentOutcome:
        message = self.chat.messages.get(message_id)
        if message is None or message.deleted or message.invoice is None:
            raise LookupError(f"message {message_id} is not an invoice")
        return await self._pay(message.invoice)

    async def pay_link(self, link: str) -> PaymentOutcome:
        """Pay an invoice link made with createInvoiceLink."""
        invoice = self.bot.invoice_links.get(link.rsplit("$", 1)[-1])
        if invoice is None:
            raise LookupError(f"unknown invoice link {link}")
        return await self._pay(invoice)

    def block(self) -> None:
        if not self.chat.blocked:
            self.chat.blocked = True
            self._membership("member", "kicked")

    def unblock(self) -> None:
        if self.chat.blocked:
            self.chat.blocked = False
            self._membership("kicked", "member")

    # The updates behind the actions

    def _post(self, **content: Any) -> Message:
        # Writing to a bot one blocked restarts it, as the Telegram apps do.
        self.unblock()
        self.chat.started = True
        message = self.chat.add_message(from_bot=False, date=self.emulator.now(), **content)
        self._emit("message", objects.message(self.bot.account, self.chat, message))
        return message

    def _callback(self, message: Message, data: str) -> PressOutcome:
        query = CallbackQuery(
            query_id=str(secrets.randbits(63)),
            user_id=self.telegram_id,
            message_id=message.message_id,
            data=data,
            created_at=self.emulator.monotonic(),
        )
        self.bot.callback_queries[query.query_id] = query
        payload = {
            "id": query.query_id,
            "from": objects.person_user(self.persona),
            "message": objects.message(self.bot.account, self.chat, message),
            "chat_instance": str(self.telegram_id * 31 + self.bot.account.bot_id),
            "data": data,
        }
        self._emit("callback_query", payload)
        return PressOutcome("callback", data, query.query_id)

    async def _pay(self, invoice: Invoice) -> PaymentOutcome:
        query = PreCheckout(
            query_id=str(secrets.randbits(63)),
            user_id=self.telegram_id,
            invoice=invoice,
            created_at=self.emulator.monotonic(),
        )
        self.bot.pre_checkouts[query.query_id] = query
        answered = asyncio.get_running_loop().create_future()
        self.emulator.pre_checkout_answers[query.query_id] = answered
        payload = {
            "id": query.query_id,
            "from": objects.person_user(self.persona),
            "currency": invoice.currency,
            "total_amount": invoice.total_amount,
            "invoice_payload": invoice.payload,
        }
        self._emit("pre_checkout_query", payload)
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(answered, self.emulator.pre_checkout_timeout)
        finally:
            self.emulator.pre_checkout_answers.pop(query.query_id, None)
        if not query.answered:
            query.answered = True  # a late answer is then refused as too old
            return self._payment_failed("The bot did not confirm the order in time.")
        if not query.ok:
            return self._payment_failed(query.error_message)
        charge_id = f"stxEMU{secrets.token_hex(12)}"
        self.bot.payments[charge_id] = StarPayment(charge_id, self.telegram_id, invoice)
        self._post(
            successful_payment={
                "currency": invoice.currency,
                "total_amount": invoice.total_amount,
                "invoice_payload": invoice.payload,
                "telegram_payment_charge_id": charge_id,
                "provider_payment_charge_id": "",
            }
        )
        return PaymentOutcome(True, charge_id)

    def _payment_failed(self, error_message: str) -> PaymentOutcome:
        self._notice("payment_failed", error_message, show_alert=True)
        return PaymentOutcome(False, error_message=error_message)

    def _membership(self, old: str, new: str) -> None:
        payload = objects.chat_member_change(
            self.bot.account, self.chat, old, new, self.emulator.now()
        )
        self.chat.bump()
        self._emit("my_chat_member", payload)

    def _notice(self, kind: str, text: str, *, show_alert: bool = False) -> None:
        self.chat.notify(kind, text, show_alert=show_alert)
        self.emulator.chat_changed(self.bot, self.chat)

    def _emit(self, kind: str, payload: dict[str, Any]) -> None:
        self.emulator.push_update(self.bot, kind, payload)
        self.emulator.chat_changed(self.bot, self.chat)
