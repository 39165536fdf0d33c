"""The bot itself and its menus: getMe, commands, menu button, callback answers, getFile."""

from __future__ import annotations

import re
from typing import Any

from pnplive.emulator import objects
from pnplive.emulator.api_call import ApiCall, Handler
from pnplive.emulator.errors import QUERY_TOO_OLD, bad_request
from pnplive.emulator.state import scope_key

COMMAND_SHAPE = re.compile(r"^[a-z0-9_]{1,32}$")


async def get_me(call: ApiCall) -> dict[str, Any]:
    return objects.get_me(call.bot.account)


async def set_my_commands(call: ApiCall) -> bool:
    commands = call.params.structured("commands")
    if not isinstance(commands, list):
        raise bad_request("commands is empty")
    cleaned: list[dict[str, Any]] = []
    for command in commands:
        name = str(command.get("command", "")) if isinstance(command, dict) else ""
        description = str(command.get("description", "")) if isinstance(command, dict) else ""
        if not COMMAND_SHAPE.match(name):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        cleaned.append({"command": name, "description": description})
    key = (scope_key(call.params.structured("scope")), call.params.text("language_code"))
    call.bot.commands[key] = cleaned
    return True


async def get_my_commands(call: ApiCall) -> list[dict[str, Any]]:
    key = (scope_key(call.params.structured("scope")), call.params.text("language_code"))
    return list(call.bot.commands.get(key, []))


async def delete_my_commands(call: ApiCall) -> bool:
    key = (scope_key(call.params.structured("scope")), call.params.text("language_code"))
    call.bot.commands.pop(key, None)
    return True


async def set_chat_menu_button(call: ApiCall) -> bool:
    chat_id = call.existing_chat().chat_id if call.params.has("chat_id") else None
    button = call.params.structured("menu_button")
    call.bot.menu_buttons[chat_id] = button if isinstance(button, dict) else {"type": "default"}
    return True


async def get_chat_menu_button(call: ApiCall) -> dict[str, Any]:
    chat_id = call.existing_chat().chat_id if call.params.has("chat_id") else None
    return call.bot.menu_buttons.get(chat_id) or {"type": "default"}


async def answer_callback_query(call: ApiCall) -> bool:
    query = call.bot.callback_queries.get(call.params.required_text("callback_query_id"))
    too_late = (
        query is None
        or call.emulator.monotonic() - query.created_at > call.emulator.callback_query_timeout
    )
    if query is None or query.answered or too_late:
        raise bad_request(QUERY_TOO_OLD)
    query.answered = True
    query.answer_text = call.params.text("text")
    query.show_alert = call.params.flag("show_alert")
    query.answer_url = call.params.text("url") or None
    chat = call.emulator.chat(call.bot, query.user_id)
    if query.answer_text:
        chat.notify("callback_answer", query.answer_text, show_alert=query.show_alert)
    if query.answer_url:
        chat.notify("url", f"The bot opens {query.answer_url}")
    chat.bump()  # a silent answer still ends the button's spinner in the page
    call.posted(chat)
    return True


async def get_file(call: ApiCall) -> dict[str, Any]:
    stored = call.state.files.get(call.params.required_text("file_id"))
    if stored is None:
        raise bad_request("invalid file_id")
    return objects.file_info(stored)


METHODS: dict[str, Handler] = {
    "getme": get_me,
    "setmycommands": set_my_commands,
    "getmycommands": get_my_commands,
    "deletemycommands": delete_my_commands,
    "setchatmenubutton": set_chat_menu_button,
    "getchatmenubutton": get_chat_menu_button,
    "answercallbackquery": answer_callback_query,
    "getfile": get_file,
}
