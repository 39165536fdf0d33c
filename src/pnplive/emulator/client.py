"""Driving a person's chat from tests: act, then wait for what the bot shows.

``wait_for`` looks at the bot's messages that appeared or changed since this client's last
action (send, press, pay...), so an old message never satisfies a new expectation.
"""

from __future__ import annotations

from collections.abc import Callable

from pnplive.emulator.emulator import Emulator
from pnplive.emulator.people import PaymentOutcome, Person, PressOutcome
from pnplive.emulator.state import BotState, CallbackQuery, Chat, Message, Notice


class ChatClient(Person):
    def __init__(self, emulator: Emulator, bot: BotState, chat: Chat) -> None:
        super().__init__(emulator, bot, chat)
        self._mark = self.chat.revision

    @property
    def messages(self) -> list[Message]:
        """The conversation as the person sees it now: edits applied, deletions gone."""
        return self.chat.visible()

    @property
    def bot_messages(self) -> list[Message]:
        return [m for m in self.messages if m.from_bot]

    @property
    def last(self) -> Message | None:
        found = self.bot_messages
        return found[-1] if found else None

    @property
    def notices(self) -> list[Notice]:
        return list(self.chat.notices)

    def mark(self) -> None:
        """Wait only for what happens from now on."""
        self._mark = self.chat.revision

    async def send(self, text: str, *, reply_to: int | None = None) -> Message:
        self.mark()
        return await super().send(text, reply_to=reply_to)

    async def send_photo(
        self, data: bytes, *, filename: str = "photo.jpg", caption: str = ""
    ) -> Message:
        self.mark()
        return await super().send_photo(data, filename=filename, caption=caption)

    async def press(self, text: str, message: Message | int | None = None) -> PressOutcome:
        """Press a button by its text: on ``message``, else on the latest message that has it.

        A button of the reply keyboard sends its text, as in Telegram."""
        self.mark()
        candidates = [self._message(message)] if message is not None else self.bot_messages[::-1]
        for candidate in candidates:
            for row_index, row in enumerate(candidate.inline_keyboard):
                for column, button in enumerate(row):
                    if button.get("text") == text:
                        return await self.press_button(candidate.message_id, row_index, column)
        if message is None and self._reply_keyboard_has(text):
            await super().send(text)
            return PressOutcome("text", text)
        shown = [b.get("text") for m in candidates for row in m.inline_keyboard for b in row]
        raise LookupError(f"no button {text!r}; buttons shown: {shown}")

    async def pay(self, message: Message | int) -> PaymentOutcome:
        self.mark()
        return await super().pay(self._message(message).message_id)

    async def pay_link(self, link: str) -> PaymentOutcome:
        self.mark()
        return await super().pay_link(link)

    async def wait_for(
        self,
        predicate: Callable[[Message], bool] = lambda m: True,
        *,
        timeout: float = 10.0,  # noqa: ASYNC109 (a deadline over many waits; busy CI machines)
    ) -> Message:
        """The first bot message, new or edited since the last action, matching ``predicate``."""
        deadline = self.emulator.monotonic() + timeout
        while True:
            for message in self.bot_messages:
                if message.revision > self._mark and predicate(message):
                    return message
            remaining = deadline - self.emulator.monotonic()
            if remaining <= 0:
                seen = [(m.message_id, m.text or m.caption) for m in self.bot_messages[-5:]]
                raise TimeoutError(f"no such message within {timeout}s; last bot messages: {seen}")
            await self.emulator.wait_chat_change(self.bot, self.chat, remaining)

    async def wait_for_notice(
        self,
        predicate: Callable[[Notice], bool] = lambda n: True,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 (a deadline over many waits)
    ) -> Notice:
        deadline = self.emulator.monotonic() + timeout
        while True:
            for notice in self.chat.notices:
                if notice.revision > self._mark and predicate(notice):
                    return notice
            remaining = deadline - self.emulator.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no such notice within {timeout}s: {self.chat.notices[-5:]}")
            await self.emulator.wait_chat_change(self.bot, self.chat, remaining)

    async def callback_answer(
        self,
        pressed: PressOutcome,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 (a deadline over many waits)
    ) -> CallbackQuery:
        """The bot's answerCallbackQuery for a pressed callback button."""
        if pressed.query_id is None:
            raise ValueError(f"a {pressed.kind} button sends no callback query")
        query = self.bot.callback_queries[pressed.query_id]
        deadline = self.emulator.monotonic() + timeout
        while not query.answered:
            remaining = deadline - self.emulator.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"the bot did not answer the callback query within {timeout}s")
            await self.emulator.wait_chat_change(self.bot, self.chat, remaining)
        return query

    def _message(self, message: Message | int) -> Message:
        message_id = message if isinstance(message, int) else message.message_id
        found = self.chat.messages.get(message_id)
        if found is None or found.deleted:
            raise LookupError(f"no message {message_id} in the chat")
        return found

    def _reply_keyboard_has(self, text: str) -> bool:
        rows = (self.chat.reply_keyboard or {}).get("keyboard") or []
        return any(
            (b.get("text") if isinstance(b, dict) else b) == text for row in rows for b in row
        )
