"""Everything the emulated Telegram knows, as plain data with no I/O.

One ``BotState`` per registered token: its private chats (one per person, chat id = user id, as
in Telegram), its queue of updates, webhook, commands and payments. Times are passed in by the
caller (``now`` is Unix seconds) so the rules here can be tested without waiting.
"""

from __future__ import annotations

import itertools
import json
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

TOKEN_SHAPE = re.compile(r"^(\d+):[A-Za-z0-9_-]+$")

# Telegram sends every kind except these unless a bot asks for them explicitly.
NOT_SENT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass(frozen=True)
class Persona:
    """A person who can chat with the bot; ``label`` is shown in the chat page only."""

    telegram_id: int
    first_name: str
    username: str | None = None
    language_code: str = "en"
    label: str = ""
    last_name: str | None = None


@dataclass(frozen=True)
class BotAccount:
    token: str
    bot_id: int
    username: str
    first_name: str

    @classmethod
    def from_token(cls, token: str) -> BotAccount:
        match = TOKEN_SHAPE.match(token)
        if match is None:
            raise ValueError(f"not a bot token (expected <digits>:<text>): {token!r}")
        bot_id = int(match.group(1))
        return cls(token, bot_id, f"emulated_{bot_id}_bot", f"Emulated bot {bot_id}")


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str  # "photo" | "document"
    number: int
    data: bytes | None = None  # None when the bot sent a URL that the emulator does not fetch
    url: str | None = None
    file_name: str | None = None
    mime_type: str | None = None
    width: int = 0
    height: int = 0

    @property
    def file_path(self) -> str | None:
        if self.data is None:
            return None
        suffix = ".jpg" if self.kind == "photo" else _suffix(self.file_name)
        return f"{self.kind}s/file_{self.number}{suffix}"


def _suffix(name: str | None) -> str:
    if name and "." in name:
        return "." + name.rsplit(".", 1)[1]
    return ""


@dataclass(frozen=True)
class Invoice:
    title: str
    description: str
    payload: str
    currency: str
    prices: tuple[tuple[str, int], ...]
    start_parameter: str = ""

    @property
    def total_amount(self) -> int:
        return sum(amount for _, amount in self.prices)


@dataclass(frozen=True)
class MessageVersion:
    """What a message showed before an edit."""

    text: str
    caption: str
    photo: StoredFile | None
    document: StoredFile | None
    reply_markup: dict[str, Any] | None
    edit_date: int | None


@dataclass
class Message:
    message_id: int
    chat_id: int
    date: int
    from_bot: bool
    text: str = ""  # "" when the message has no text (Telegram never sends an empty text)
    entities: list[dict[str, Any]] = field(default_factory=list)
    parse_mode: str | None = None
    caption: str = ""
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    photo: StoredFile | None = None
    document: StoredFile | None = None
    reply_markup: dict[str, Any] | None = None
    invoice: Invoice | None = None
    successful_payment: dict[str, Any] | None = None
    media_group_id: str | None = None
    reply_to_message_id: int | None = None
    edit_date: int | None = None
    history: list[MessageVersion] = field(default_factory=list)
    deleted: bool = False
    revision: int = 0  # the chat's revision when this message last changed

    @property
    def inline_keyboard(self) -> list[list[dict[str, Any]]]:
        if self.reply_markup is None:
            return []
        rows = self.reply_markup.get("inline_keyboard") or []
        return [list(row) for row in rows]

    def remember_version(self) -> None:
        self.history.append(
            MessageVersion(
                self.text,
                self.caption,
                self.photo,
                self.document,
                self.reply_markup,
                self.edit_date,
            )
        )


@dataclass
class Notice:
    """Something the person sees outside the messages: a callback answer, a payment error..."""

    revision: int
    kind: str
    text: str
    show_alert: bool = False


@dataclass
class Chat:
    persona: Persona
    revision: int = 0
    started: bool = False  # the person wrote to the bot at least once
    blocked: bool = False
    messages: dict[int, Message] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)
    reply_keyboard: dict[str, Any] | None = None
    chat_action: tuple[str, float] | None = None  # (action, shown until)
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def chat_id(self) -> int:
        return self.persona.telegram_id

    def bump(self) -> int:
        self.revision += 1
        return self.revision

    def add_message(self, *, from_bot: bool, date: int, **content: Any) -> Message:
        message = Message(next(self._message_ids), self.chat_id, date, from_bot, **content)
        message.revision = self.bump()
        self.messages[message.message_id] = message
        if from_bot:
            self._follow_reply_keyboard(message.reply_markup)
        return message

    def touch(self, message: Message) -> None:
        message.revision = self.bump()

    def notify(self, kind: str, text: str, *, show_alert: bool = False) -> Notice:
        notice = Notice(self.bump(), kind, text, show_alert)
        self.notices.append(notice)
        return notice

    def visible(self) -> list[Message]:
        return [m for m in self.messages.values() if not m.deleted]

    def _follow_reply_keyboard(self, markup: dict[str, Any] | None) -> None:
        # A reply keyboard stays under the input field until a message removes or replaces it.
        if markup is None:
            return
        if "keyboard" in markup:
            self.reply_keyboard = markup
        elif markup.get("remove_keyboard"):
            self.reply_keyboard = None


@dataclass(frozen=True)
class PendingUpdate:
    update_id: int
    kind: str
    payload: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {"update_id": self.update_id, self.kind: self.payload}


@dataclass
class CallbackQuery:
    query_id: str
    user_id: int
    message_id: int
    data: str
    created_at: float
    answered: bool = False
    answer_text: str = ""
    show_alert: bool = False
    answer_url: str | None = None


@dataclass
class PreCheckout:
    query_id: str
    user_id: int
    invoice: Invoice
    created_at: float
    answered: bool = False
    ok: bool = False
    error_message: str = ""


@dataclass
class StarPayment:
    charge_id: str
    user_id: int
    invoice: Invoice
    refunded: bool = False


@dataclass
class Webhook:
    url: str
    secret_token: str = ""
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class BotState:
    account: BotAccount
    chats: dict[int, Chat] = field(default_factory=dict)
    updates: list[PendingUpdate] = field(default_factory=list)
    allowed_updates: frozenset[str] | None = None  # None: Telegram's default set
    webhook: Webhook | None = None
    commands: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    menu_buttons: dict[int | None, dict[str, Any]] = field(default_factory=dict)
    callback_queries: dict[str, CallbackQuery] = field(default_factory=dict)
    pre_checkouts: dict[str, PreCheckout] = field(default_factory=dict)
    payments: dict[str, StarPayment] = field(default_factory=dict)
    invoice_links: dict[str, Invoice] = field(default_factory=dict)
    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def enqueue(self, kind: str, payload: dict[str, Any]) -> PendingUpdate:
        update = PendingUpdate(next(self._update_ids), kind, payload)
        self.updates.append(update)
        return update

    def confirm(self, offset: int) -> None:
        """Forget updates the bot has seen, as getUpdates does with ``offset``."""
        if offset > 0:
            self.updates = [u for u in self.updates if u.update_id >= offset]
        elif offset < 0:
            self.updates = self.updates[offset:]

    def deliverable(self, limit: int) -> list[PendingUpdate]:
        """The next updates of the kinds the bot asked for; others are dropped as Telegram does."""
        self.updates = [u for u in self.updates if self.wants(u.kind)]
        return self.updates[:limit]

    def wants(self, kind: str) -> bool:
        if self.allowed_updates is None:
            return kind not in NOT_SENT_BY_DEFAULT
        return kind in self.allowed_updates

    def commands_for(self, language_code: str, scopes: list[str]) -> list[dict[str, Any]]:
        """The menu a person sees: the narrowest scope with commands, their language first."""
        for scope in scopes:
            for language in (language_code, ""):
                if (scope, language) in self.commands:
                    return list(self.commands[(scope, language)])
        return []


def scope_key(scope: Any) -> str:
    """One key per BotCommandScope; the default scope when none is given."""
    if not isinstance(scope, dict) or scope.get("type", "default") == "default":
        return "default"
    return json.dumps(scope, sort_keys=True, separators=(",", ":"))


@dataclass
class EmulatorState:
    bots: dict[str, BotState] = field(default_factory=dict)
    personas: dict[int, Persona] = field(default_factory=dict)
    files: dict[str, StoredFile] = field(default_factory=dict)
    _file_numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def add_bot(self, token: str) -> BotState:
        account = BotAccount.from_token(token)
        if any(b.account.bot_id == account.bot_id for b in self.bots.values()):
            raise ValueError(f"two tokens for bot {account.bot_id}")
        self.bots[token] = BotState(account)
        return self.bots[token]

    def add_persona(self, persona: Persona) -> None:
        self.personas[persona.telegram_id] = persona

    def chat(self, bot: BotState, user_id: int) -> Chat:
        """The private chat of a known person with the bot, opened on first use."""
        if user_id not in bot.chats:
            bot.chats[user_id] = Chat(self.personas[user_id])
        return bot.chats[user_id]

    def store_file(
        self,
        kind: str,
        *,
        data: bytes | None = None,
        url: str | None = None,
        file_name: str | None = None,
        mime_type: str | None = None,
        size: tuple[int, int] = (0, 0),
    ) -> StoredFile:
        number = next(self._file_numbers)
        stored = StoredFile(
            file_id=f"{kind[:2].upper()}{number:06d}{secrets.token_urlsafe(12)}",
            file_unique_id=f"U{number:06d}",
            kind=kind,
            number=number,
            data=data,
            url=url,
            file_name=file_name,
            mime_type=mime_type,
            width=size[0],
            height=size[1],
        )
        self.files[stored.file_id] = stored
        return stored

    def file_by_path(self, path: str) -> StoredFile | None:
        return next((f for f in self.files.values() if f.file_path == path), None)
