"""Opening a Mini App as a Telegram client does: the page's address with ``initData`` for the
person, signed with the bot's token, and the launch parameters in the fragment."""

from __future__ import annotations

import json
from datetime import datetime
from urllib.parse import urlencode

from pnplive.auth.initdata import login_data
from pnplive.emulator.state import BotState, Persona

# Telegram's clients pass the theme they draw with; the emulator's is its own light one.
THEME = {
    "bg_color": "#ffffff",
    "text_color": "#1d1d1f",
    "hint_color": "#6e6e73",
    "link_color": "#2a7ae2",
    "button_color": "#2a7ae2",
    "button_text_color": "#ffffff",
    "secondary_bg_color": "#f2f2f7",
}
WEB_APP_VERSION = "8.0"


def launch_url(bot: BotState, persona: Persona, url: str, now: datetime) -> str:
    data = login_data(
        bot.account.token,
        persona.telegram_id,
        now,
        first_name=persona.first_name,
        username=persona.username,
        language_code=persona.language_code,
    )
    fragment = urlencode(
        {
            "tgWebAppData": data,
            "tgWebAppVersion": WEB_APP_VERSION,
            "tgWebAppPlatform": "web",
            "tgWebAppThemeParams": json.dumps(THEME, separators=(",", ":")),
        }
    )
    return f"{url.split('#', 1)[0]}#{fragment}"


def menu_web_app(bot: BotState, chat_id: int) -> dict[str, str] | None:
    """The chat's menu button when it opens a Mini App (set for the chat, else for everyone)."""
    button = bot.menu_buttons.get(chat_id)
    if not button or button.get("type") == "default":
        button = bot.menu_buttons.get(None)
    if not button or button.get("type") != "web_app":
        return None
    web_app = button.get("web_app") or {}
    return {"text": str(button.get("text", "")), "url": str(web_app.get("url", ""))}
