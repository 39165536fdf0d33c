"""Editing the bot's messages: text, caption, media and inline keyboard.

As in Telegram, an edit that does not pass ``reply_markup`` removes the inline keyboard, and an
edit that changes nothing is refused with "message is not modified".
"""

from __future__ import annotations

from typing import Any

from pnplive.emulator.api_call import ApiCall, Handler
from pnplive.emulator.errors import NOT_MODIFIED, bad_request
from pnplive.emulator.files import store_sent_file
from pnplive.emulator.formatting import apply_parse_mode
from pnplive.emulator.methods_messages import read_text
from pnplive.emulator.state import Chat, Message


def _apply(call: ApiCall, chat: Chat, message: Message, **changes: Any) -> dict[str, Any]:
    if all(getattr(message, name) == value for name, value in changes.items()):
        raise bad_request(NOT_MODIFIED)
    call.pace(chat)
    message.remember_version()
    for name, value in changes.items():
        setattr(message, name, value)
    message.edit_date = call.now()
    chat.touch(message)
    call.posted(chat)
    return call.message_json(chat, message)


async def edit_message_text(call: ApiCall) -> dict[str, Any]:
    chat, message = call.message_to_edit()
    if not message.text:
        raise bad_request("there is no text in the message to edit")
    text, entities = read_text(call)
    return _apply(
        call,
        chat,
        message,
        text=text,
        entities=entities,
        reply_markup=call.reply_markup(inline_only=True),
    )


async def edit_message_caption(call: ApiCall) -> dict[str, Any]:
    chat, message = call.message_to_edit()
    if message.photo is None and message.document is None:
        raise bad_request("there is no caption in the message to edit")
    caption, entities = call.caption()
    return _apply(
        call,
        chat,
        message,
        caption=caption,
        caption_entities=entities,
        reply_markup=call.reply_markup(inline_only=True),
    )


async def edit_message_reply_markup(call: ApiCall) -> dict[str, Any]:
    chat, message = call.message_to_edit()
    return _apply(call, chat, message, reply_markup=call.reply_markup(inline_only=True))


async def edit_message_media(call: ApiCall) -> dict[str, Any]:
    chat, message = call.message_to_edit()
    if message.photo is None and message.document is None:
        raise bad_request("there is no media in the message to edit")
    media = call.params.structured("media")
    if not isinstance(media, dict) or media.get("type") not in ("photo", "document"):
        raise bad_request("unsupported media type in the emulator (photo and document only)")
    kind = str(media["type"])
    reference = media.get("media")
    value = call.params.attachment(reference) or str(reference or "")
    if not value:
        raise bad_request("media is empty")
    stored = store_sent_file(call.state, kind, value)
    caption, entities = apply_parse_mode(
        str(media.get("caption") or ""), media.get("parse_mode"), media.get("caption_entities")
    )
    return _apply(
        call,
        chat,
        message,
        photo=stored if kind == "photo" else None,
        document=stored if kind == "document" else None,
        caption=caption,
        caption_entities=entities,
        reply_markup=call.reply_markup(inline_only=True),
    )


METHODS: dict[str, Handler] = {
    "editmessagetext": edit_message_text,
    "editmessagecaption": edit_message_caption,
    "editmessagereplymarkup": edit_message_reply_markup,
    "editmessagemedia": edit_message_media,
}
