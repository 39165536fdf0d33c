"""Sending and deleting messages: sendMessage, sendPhoto, sendDocument, sendMediaGroup..."""

from __future__ import annotations

import itertools
from typing import Any

from pnplive.emulator.api_call import ApiCall, Handler
from pnplive.emulator.errors import bad_request
from pnplive.emulator.files import store_sent_file
from pnplive.emulator.formatting import apply_parse_mode, utf16_len
from pnplive.emulator.state import StoredFile

TEXT_LIMIT = 4096
_media_groups = itertools.count(13_000_000_000_000_001)


def read_text(call: ApiCall) -> tuple[str, list[dict[str, Any]]]:
    raw = call.params.required_text("text", empty="message text is empty")
    text, entities = apply_parse_mode(
        raw, call.params.text("parse_mode") or None, call.params.structured("entities")
    )
    if not text.strip():
        raise bad_request("message text is empty")
    if utf16_len(text) > TEXT_LIMIT:
        raise bad_request("message is too long")
    return text, entities


async def send_message(call: ApiCall) -> dict[str, Any]:
    chat = call.chat_to_write()
    text, entities = read_text(call)
    message = chat.add_message(
        from_bot=True,
        date=call.now(),
        text=text,
        entities=entities,
        parse_mode=call.params.text("parse_mode") or None,
        reply_markup=call.reply_markup(),
        reply_to_message_id=call.reply_to(chat),
    )
    call.posted(chat)
    return call.message_json(chat, message)


def _required_file(call: ApiCall, kind: str) -> StoredFile:
    value = call.params.file(kind)
    if value is None:
        raise bad_request(f"there is no {kind} in the request")
    return store_sent_file(call.state, kind, value)


async def _send_file(call: ApiCall, kind: str) -> dict[str, Any]:
    chat = call.chat_to_write()
    stored = _required_file(call, kind)
    caption, entities = call.caption()
    message = chat.add_message(
        from_bot=True,
        date=call.now(),
        caption=caption,
        caption_entities=entities,
        parse_mode=call.params.text("parse_mode") or None,
        reply_markup=call.reply_markup(),
        reply_to_message_id=call.reply_to(chat),
        **{kind: stored},
    )
    call.posted(chat)
    return call.message_json(chat, message)


async def send_photo(call: ApiCall) -> dict[str, Any]:
    return await _send_file(call, "photo")


async def send_document(call: ApiCall) -> dict[str, Any]:
    return await _send_file(call, "document")


async def send_media_group(call: ApiCall) -> list[dict[str, Any]]:
    chat = call.chat_to_write()
    media = call.params.structured("media")
    if not isinstance(media, list) or not 2 <= len(media) <= 10:
        raise bad_request("media must include 2-10 items")
    group_id = str(next(_media_groups))
    reply_to = call.reply_to(chat)
    items: list[dict[str, Any]] = []
    for item in media:
        if not isinstance(item, dict) or item.get("type") not in ("photo", "document"):
            raise bad_request("unsupported media type in the emulator (photo and document only)")
        reference = item.get("media")
        value = call.params.attachment(reference) or str(reference or "")
        if not value:
            raise bad_request("media is empty")
        stored = store_sent_file(call.state, item["type"], value)
        caption, entities = apply_parse_mode(
            str(item.get("caption") or ""), item.get("parse_mode"), item.get("caption_entities")
        )
        items.append(
            {
                item["type"]: stored,
                "caption": caption,
                "caption_entities": entities,
                "parse_mode": item.get("parse_mode"),
            }
        )
    sent = [
        chat.add_message(
            from_bot=True,
            date=call.now(),
            media_group_id=group_id,
            reply_to_message_id=reply_to,
            **content,
        )
        for content in items
    ]
    call.posted(chat)
    return [call.message_json(chat, message) for message in sent]


async def delete_message(call: ApiCall) -> bool:
    chat = call.existing_chat()
    message = chat.messages.get(call.params.required_integer("message_id"))
    if message is None or message.deleted:
        raise bad_request("message to delete not found")
    message.deleted = True
    chat.touch(message)
    call.posted(chat)
    return True


async def send_chat_action(call: ApiCall) -> bool:
    chat = call.chat_to_write(counts=False)
    action = call.params.required_text("action")
    # Telegram shows the status for about five seconds, or until the next message.
    chat.chat_action = (action, call.emulator.wall_clock() + 5)
    chat.bump()
    call.posted(chat)
    return True


METHODS: dict[str, Handler] = {
    "sendmessage": send_message,
    "sendphoto": send_photo,
    "senddocument": send_document,
    "sendmediagroup": send_media_group,
    "deletemessage": delete_message,
    "sendchataction": send_chat_action,
}
