"""One Bot API call being answered: the bot, its parameters and the checks most methods share."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pnplive.emulator import objects
from pnplive.emulator.emulator import Emulator
from pnplive.emulator.errors import BotApiError, bad_request, forbidden
from pnplive.emulator.formatting import apply_parse_mode, utf16_len
from pnplive.emulator.params import Params
from pnplive.emulator.state import BotState, Chat, EmulatorState, Message

CAPTION_LIMIT = 1024


@dataclass
class ApiCall:
    emulator: Emulator
    bot: BotState
    params: Params

    @property
    def state(self) -> EmulatorState:
        return self.emulator.state

    def now(self) -> int:
        return self.emulator.now()

    def existing_chat(self, name: str = "chat_id") -> Chat:
        try:
            chat_id = self.params.required_integer(name)
        except BotApiError:
            raise bad_request("chat not found") from None
        if chat_id not in self.state.personas:
            raise bad_request("chat not found")
        chat = self.emulator.chat(self.bot, chat_id)
        if chat.blocked:
            raise forbidden("bot was blocked by the user")
        return chat

    def chat_to_write(self, *, counts: bool = True) -> Chat:
        """The chat a message goes to; ``counts`` when it is paced by flood control."""
        chat = self.existing_chat()
        if not chat.started:
            raise forbidden("bot can't initiate conversation with a user")
        if counts:
            self.pace(chat)
        return chat

    def pace(self, chat: Chat) -> None:
        now = self.emulator.monotonic()
        retry_after = self.emulator.flood.check(self.bot.account.bot_id, chat.chat_id, now)
        if retry_after is not None:
            raise BotApiError(
                429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
            )

    def reply_markup(self, *, inline_only: bool = False) -> dict[str, Any] | None:
        markup = self.params.structured("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if inline_only and "inline_keyboard" not in markup:
            raise bad_request("inline keyboard expected")
        return markup

    def reply_to(self, chat: Chat) -> int | None:
        reply = self.params.structured("reply_parameters")
        message_id = reply.get("message_id") if isinstance(reply, dict) else None
        if message_id is None:
            message_id = self.params.integer("reply_to_message_id")
        if message_id is None:
            return None
        replied = chat.messages.get(int(message_id))
        if replied is None or replied.deleted:
            raise bad_request("message to be replied not found")
        return replied.message_id

    def caption(self) -> tuple[str, list[dict[str, Any]]]:
        caption, entities = apply_parse_mode(
            self.params.text("caption"),
            self.params.text("parse_mode") or None,
            self.params.structured("caption_entities"),
        )
        if utf16_len(caption) > CAPTION_LIMIT:
            raise bad_request("message caption is too long")
        return caption, entities

    def message_to_edit(self) -> tuple[Chat, Message]:
        if self.params.has("inline_message_id"):
            # No inline mode here, so no inline message can be found.
            raise bad_request("message to edit not found")
        chat = self.existing_chat()
        message = chat.messages.get(self.params.required_integer("message_id"))
        if message is None or message.deleted:
            raise bad_request("message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return chat, message

    def message_json(self, chat: Chat, message: Message) -> dict[str, Any]:
        return objects.message(self.bot.account, chat, message)

    def posted(self, chat: Chat) -> None:
        """The person's view changed: wake the chat page and waiting tests."""
        self.emulator.chat_changed(self.bot, chat)


Handler = Callable[[ApiCall], Awaitable[Any]]
