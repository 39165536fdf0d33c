"""The chat page's JSON API: who can chat, the conversation (long-polled), what people do."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, File, Form, HTTPException, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel

from pnplive.emulator.emulator import Emulator
from pnplive.emulator.formatting import render_html
from pnplive.emulator.people import PaymentOutcome, Person, PressOutcome
from pnplive.emulator.state import BotState, Chat, Message, StoredFile, scope_key
from pnplive.emulator.webapp import menu_web_app

MAX_WAIT_SECONDS = 25.0


class TextIn(BaseModel):
    text: str


class PressIn(BaseModel):
    message_id: int
    row: int
    column: int


class PayIn(BaseModel):
    message_id: int


class BlockIn(BaseModel):
    blocked: bool


def _file_view(stored: StoredFile | None) -> dict[str, Any] | None:
    if stored is None:
        return None
    url = stored.url if stored.data is None else f"api/files/{stored.file_id}"
    return {"url": url, "name": stored.file_name or stored.kind}


def _buttons(message: Message) -> list[list[dict[str, str]]]:
    rows = []
    for row in message.inline_keyboard:
        rows.append(
            [
                {
                    "text": str(button.get("text", "")),
                    "kind": next(
                        (k for k in ("callback_data", "url", "web_app", "pay") if k in button),
                        "other",
                    ),
                }
                for button in row
            ]
        )
    return rows


def message_view(message: Message) -> dict[str, Any]:
    text_html = render_html(message.text, message.entities) if message.text else ""
    caption_html = render_html(message.caption, message.caption_entities) if message.caption else ""
    view: dict[str, Any] = {
        "message_id": message.message_id,
        "from_bot": message.from_bot,
        "date": message.date,
        "html": text_html or caption_html,
        "photo": _file_view(message.photo),
        "document": _file_view(message.document),
        "buttons": _buttons(message),
        "edited": message.edit_date is not None,
        "reply_to": message.reply_to_message_id,
    }
    if message.invoice is not None:
        view["invoice"] = {
            "title": message.invoice.title,
            "description": message.invoice.description,
            "total_amount": message.invoice.total_amount,
            "currency": message.invoice.currency,
        }
    if message.successful_payment is not None:
        view["paid"] = message.successful_payment
    return view


def chat_view(emulator: Emulator, bot: BotState, chat: Chat, since: int) -> dict[str, Any]:
    persona = chat.persona
    scopes = [
        scope_key({"chat_id": chat.chat_id, "type": "chat"}),
        scope_key({"type": "all_private_chats"}),
        "default",
    ]
    action = chat.chat_action
    return {
        "revision": chat.revision,
        "blocked": chat.blocked,
        "messages": [message_view(m) for m in chat.visible()],
        "notices": [
            {"kind": n.kind, "text": n.text, "show_alert": n.show_alert}
            for n in chat.notices
            if n.revision > since
        ],
        "reply_keyboard": [
            [b.get("text", "") if isinstance(b, dict) else str(b) for b in row]
            for row in (chat.reply_keyboard or {}).get("keyboard", [])
        ],
        "commands": bot.commands_for(persona.language_code, scopes),
        "menu_app": menu_web_app(bot, chat.chat_id),
        "chat_action": action[0] if action and action[1] > emulator.wall_clock() else None,
    }


def _press_view(outcome: PressOutcome) -> dict[str, Any]:
    payment = _payment_view(outcome.payment) if outcome.payment else None
    return {"kind": outcome.kind, "value": outcome.value, "payment": payment}


def _payment_view(outcome: PaymentOutcome) -> dict[str, Any]:
    return {"ok": outcome.ok, "error_message": outcome.error_message}


def web_chat_router(emulator: Emulator) -> APIRouter:
    router = APIRouter(prefix="/api")

    def person(bot_id: int, user_id: int) -> Person:
        try:
            bot = emulator.bot(bot_id)
            return Person(emulator, bot, emulator.chat(bot, user_id))
        except KeyError as exc:
            raise HTTPException(404, str(exc)) from None

    @router.get("/personas")
    async def personas() -> dict[str, Any]:
        return {
            "bots": [
                {"bot_id": b.account.bot_id, "username": b.account.username}
                for b in emulator.state.bots.values()
            ],
            "personas": [
                {
                    "telegram_id": p.telegram_id,
                    "first_name": p.first_name,
                    "username": p.username,
                    "language_code": p.language_code,
                    "label": p.label,
                }
                for p in emulator.personas
            ],
        }

    @router.get("/chats/{bot_id}/{user_id}")
    async def conversation(
        bot_id: int,
        user_id: int,
        since: int = Query(0, ge=0),
        wait: float = Query(0, ge=0, le=MAX_WAIT_SECONDS),
    ) -> dict[str, Any]:
        """The whole chat; with ``wait``, answers only once it changed after ``since``."""
        someone = person(bot_id, user_id)
        if someone.chat.revision <= since and wait > 0:
            await emulator.wait_chat_change(someone.bot, someone.chat, wait)
        return chat_view(emulator, someone.bot, someone.chat, since)

    @router.post("/chats/{bot_id}/{user_id}/messages")
    async def send_text(bot_id: int, user_id: int, body: TextIn) -> dict[str, Any]:
        if not body.text.strip():
            raise HTTPException(422, "a message needs some text")
        message = await person(bot_id, user_id).send(body.text)
        return {"message_id": message.message_id}

    @router.post("/chats/{bot_id}/{user_id}/photos")
    async def send_photo(
        bot_id: int, user_id: int, photo: UploadFile = File(...), caption: str = Form("")
    ) -> dict[str, Any]:
        data = await photo.read()
        if not data:
            raise HTTPException(422, "the photo is empty")
        message = await person(bot_id, user_id).send_photo(
            data, filename=photo.filename or "photo.jpg", caption=caption
        )
        return {"message_id": message.message_id}

    @router.post("/chats/{bot_id}/{user_id}/press")
    async def press(bot_id: int, user_id: int, body: PressIn) -> dict[str, Any]:
        try:
            outcome = await person(bot_id, user_id).press_button(
                body.message_id, body.row, body.column
            )
        except LookupError as exc:
            raise HTTPException(404, str(exc)) from None
        return _press_view(outcome)

    @router.post("/chats/{bot_id}/{user_id}/menu")
    async def menu(bot_id: int, user_id: int) -> dict[str, Any]:
        try:
            outcome = person(bot_id, user_id).open_menu_app()
        except LookupError as exc:
            raise HTTPException(404, str(exc)) from None
        return _press_view(outcome)

    @router.post("/chats/{bot_id}/{user_id}/pay")
    async def pay(bot_id: int, user_id: int, body: PayIn) -> dict[str, Any]:
        try:
            outcome = await person(bot_id, user_id).pay(body.message_id)
        except LookupError as exc:
            raise HTTPException(404, str(exc)) from None
        return _payment_view(outcome)

    @router.post("/chats/{bot_id}/{user_id}/block")
    async def block(bot_id: int, user_id: int, body: BlockIn) -> dict[str, Any]:
        someone = person(bot_id, user_id)
        someone.block() if body.blocked else someone.unblock()
        emulator.chat_changed(someone.bot, someone.chat)
        return {"blocked": someone.chat.blocked}

    @router.get("/files/{file_id}")
    async def file(file_id: str) -> Response:
        stored = emulator.state.files.get(file_id)
        if stored is None or stored.data is None:
            raise HTTPException(404, "no such file")
        return Response(stored.data, media_type=stored.mime_type or "application/octet-stream")

    return router
