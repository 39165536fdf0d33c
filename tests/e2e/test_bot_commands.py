"""The commands menu per role (setMyCommands with chat scopes), in the reader's language: members
see theirs, performers and admins theirs on top, and a change of role shows from the next
message on. Through the emulator."""

from __future__ import annotations

import asyncio

import pytest

from pnplive.emulator.client import ChatClient
from pnplive.emulator.state import scope_key
from pnplive.kit.actor import Actor
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.user import membership
from pnplive.user.service import by_telegram_id
from tests.e2e.conftest import ADMIN, PERFORMER, PERSONAS, PRIME, PRIME_ES, People
from tests.e2e.support import running

pytestmark = pytest.mark.asyncio
MEMBER = ["start", "menu", "book_private_call", "my_bookings"]


def menu(chat: ChatClient) -> list[dict[str, str]]:
    """What this person's Telegram shows in the commands menu."""
    scopes = [scope_key({"chat_id": chat.chat.chat_id, "type": "chat"}), "default"]
    return chat.bot.commands_for(chat.chat.persona.language_code, scopes)


async def commands_become(chat: ChatClient, expected: list[str]) -> None:
    """The menu is set while the message is handled: wait for it (no Telegram event says so)."""
    for _ in range(200):
        if [c["command"] for c in menu(chat)] == expected:
            return
        await asyncio.sleep(0.05)
    assert [c["command"] for c in menu(chat)] == expected


async def hello(chat: ChatClient, text: str = "/start") -> None:
    """A message, and the bot's whole answer to it (the menu is the last thing it shows)."""
    await chat.send(text)
    await chat.wait_for(lambda m: bool(m.inline_keyboard) or "PNP" in m.text, timeout=10)


async def test_each_role_sees_its_commands_in_its_language(
    db: Database, clock: FrozenClock, people: People
) -> None:
    async with running(db, clock, PERSONAS) as stack:
        member, spanish = stack.person(PRIME), stack.person(PRIME_ES)
        luna, ada = stack.person(PERFORMER), stack.person(ADMIN)
        for chat in (member, spanish, luna, ada):
            await hello(chat)
        assert [c["command"] for c in menu(member)] == MEMBER
        assert menu(spanish)[0]["description"] != menu(member)[0]["description"]
        assert [c["command"] for c in menu(luna)] == [*MEMBER, "pnp_live", "dashboard"]
        assert [c["command"] for c in menu(ada)] == [
            *MEMBER,
            "admin",
            "add_model",
            "view_models_list",
            "dashboard",
        ]

        # Made an admin, the member sees the admin commands from the next message on.
        async with db.transaction() as s:
            found = await by_telegram_id(s, PRIME)
            assert found is not None
            await membership.set_admin(s, found, True, Actor.admin(None), clock.now())
        await hello(member, "/start")
        await commands_become(
            member, [*MEMBER, "admin", "add_model", "view_models_list", "dashboard"]
        )
        async with db.transaction() as s:
            found = await by_telegram_id(s, PRIME)
            assert found is not None
            await membership.set_admin(s, found, False, Actor.admin(None), clock.now())
        await hello(member, "/start")
        await commands_become(member, MEMBER)
