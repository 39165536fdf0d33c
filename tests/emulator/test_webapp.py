"""Opening a Mini App as Telegram does: a web_app button or the menu button gives the page's
address with initData for the person, signed with the bot's token."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from aiogram import Bot
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, MenuButtonWebApp, WebAppInfo

from pnplive.auth import initdata
from pnplive.auth.errors import InvalidInitData
from pnplive.emulator import Emulator
from tests.emulator.conftest import ANA, BEN
from tests.emulator.support import TOKEN

pytestmark = pytest.mark.asyncio
APP = "https://pnp.example/app"


def opened(url: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(url)
    launch = {k: v[0] for k, v in parse_qs(parts.fragment).items()}
    return f"{parts.scheme}://{parts.netloc}{parts.path}", launch


async def test_a_web_app_button_opens_the_page_with_signed_init_data(
    emulator: Emulator, bot: Bot
) -> None:
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Open", web_app=WebAppInfo(url=APP))]]
    )
    ana = emulator.person(ANA.telegram_id)
    await ana.send("/start")  # a bot writes only to who started it
    sent = await bot.send_message(ANA.telegram_id, "Book in the app", reply_markup=keyboard)
    outcome = await ana.press_button(sent.message_id, 0, 0)
    assert outcome.kind == "web_app"
    page, launch = opened(outcome.value)
    assert page == APP
    now = datetime.fromtimestamp(emulator.wall_clock(), UTC)
    data = initdata.validate(launch["tgWebAppData"], TOKEN, now, 60)
    assert data.user.id == ANA.telegram_id
    assert data.user.language_code == ANA.language_code
    assert data.user.first_name == ANA.first_name
    assert launch["tgWebAppPlatform"] == "web" and launch["tgWebAppVersion"]
    # Signed with this bot's token: another token does not verify it.
    with pytest.raises(InvalidInitData):
        initdata.validate(launch["tgWebAppData"], "1:another-bot-token", now, 60)


async def test_the_menu_button_opens_the_mini_app_for_the_chat_or_everyone(
    emulator: Emulator, bot: Bot, base: str
) -> None:
    ben = emulator.person(BEN.telegram_id)
    with pytest.raises(LookupError):
        ben.open_menu_app()  # the bot set none yet
    await bot.set_chat_menu_button(
        menu_button=MenuButtonWebApp(text="Book", web_app=WebAppInfo(url=APP))
    )
    page, launch = opened(ben.open_menu_app().value)
    assert page == APP and f'"id":{BEN.telegram_id}' in parse_qs(launch["tgWebAppData"])["user"][0]
    # The chat page shows it and opens it too.
    chat_url = f"{base}/api/chats/123456/{BEN.telegram_id}"
    async with httpx.AsyncClient() as http:
        view = (await http.get(chat_url)).json()
        assert view["menu_app"] == {"text": "Book", "url": APP}
        pressed = (await http.post(f"{chat_url}/menu", json={})).json()
    assert pressed["kind"] == "web_app" and pressed["value"].startswith(APP + "#tgWebAppData=")
    # A chat's own default button falls back to everyone's; a commands button opens nothing.
    await bot.set_chat_menu_button(chat_id=BEN.telegram_id)
    assert opened(ben.open_menu_app().value)[0] == APP
    await bot.set_chat_menu_button()
    with pytest.raises(LookupError):
        ben.open_menu_app()
