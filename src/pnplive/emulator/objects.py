"""The emulator's state written as Telegram Bot API objects (User, Chat, Message...)."""

from __future__ import annotations

from typing import Any

from pnplive.emulator.state import BotAccount, Chat, Invoice, Message, Persona, StoredFile


def _without_none(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def person_user(persona: Persona) -> dict[str, Any]:
    return _without_none(
        {
            "id": persona.telegram_id,
            "is_bot": False,
            "first_name": persona.first_name,
            "last_name": persona.last_name,
            "username": persona.username,
            "language_code": persona.language_code or None,
        }
    )


def bot_user(account: BotAccount) -> dict[str, Any]:
    return {
        "id": account.bot_id,
        "is_bot": True,
        "first_name": account.first_name,
        "username": account.username,
    }


def get_me(account: BotAccount) -> dict[str, Any]:
    return bot_user(account) | {
        "can_join_groups": False,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def private_chat(persona: Persona) -> dict[str, Any]:
    return _without_none(
        {
            "id": persona.telegram_id,
            "type": "private",
            "first_name": persona.first_name,
            "last_name": persona.last_name,
            "username": persona.username,
        }
    )


def photo_sizes(stored: StoredFile) -> list[dict[str, Any]]:
    return [
        _without_none(
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": stored.width,
                "height": stored.height,
                "file_size": len(stored.data) if stored.data is not None else None,
            }
        )
    ]


def document(stored: StoredFile) -> dict[str, Any]:
    return _without_none(
        {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": stored.file_name,
            "mime_type": stored.mime_type,
            "file_size": len(stored.data) if stored.data is not None else None,
        }
    )


def file_info(stored: StoredFile) -> dict[str, Any]:
    return _without_none(
        {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data) if stored.data is not None else None,
            "file_path": stored.file_path,
        }
    )


def invoice(value: Invoice) -> dict[str, Any]:
    return {
        "title": value.title,
        "description": value.description,
        "start_parameter": value.start_parameter,
        "currency": value.currency,
        "total_amount": value.total_amount,
    }


def message(account: BotAccount, chat: Chat, value: Message) -> dict[str, Any]:
    sender = bot_user(account) if value.from_bot else person_user(chat.persona)
    body: dict[str, Any] = {
        "message_id": value.message_id,
        "date": value.date,
        "chat": private_chat(chat.persona),
        "from": sender,
    }
    if value.edit_date is not None:
        body["edit_date"] = value.edit_date
    if value.text:
        body["text"] = value.text
        if value.entities:
            body["entities"] = value.entities
    if value.caption:
        body["caption"] = value.caption
        if value.caption_entities:
            body["caption_entities"] = value.caption_entities
    if value.photo is not None:
        body["photo"] = photo_sizes(value.photo)
    if value.document is not None:
        body["document"] = document(value.document)
    if value.invoice is not None:
        body["invoice"] = invoice(value.invoice)
    if value.successful_payment is not None:
        body["successful_payment"] = value.successful_payment
    if value.media_group_id is not None:
        body["media_group_id"] = value.media_group_id
    if value.reply_to_message_id is not None:
        replied = chat.messages.get(value.reply_to_message_id)
        if replied is not None and not replied.deleted:
            body["reply_to_message"] = message(account, chat, replied)
    # Telegram returns only inline keyboards; reply keyboards live under the input field.
    if value.reply_markup is not None and "inline_keyboard" in value.reply_markup:
        body["reply_markup"] = value.reply_markup
    return body


def chat_member_change(
    account: BotAccount, chat: Chat, old: str, new: str, date: int
) -> dict[str, Any]:
    def member(status: str) -> dict[str, Any]:
        extra = {"until_date": 0} if status == "kicked" else {}
        return {"status": status, "user": bot_user(account)} | extra

    return {
        "chat": private_chat(chat.persona),
        "from": person_user(chat.persona),
        "date": date,
        "old_chat_member": member(old),
        "new_chat_member": member(new),
    }
