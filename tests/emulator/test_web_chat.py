"""The chat page and its JSON API, used as the page uses them."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from pnplive.emulator import Emulator
from tests.emulator.conftest import ANA, BEN, RunningBot
from tests.emulator.support import TOKEN, png, serve

pytestmark = pytest.mark.asyncio


async def test_the_page_and_its_assets_are_served_under_the_mount(base: str) -> None:
    async with httpx.AsyncClient() as http:
        page = await http.get(f"{base}/")
        script = await http.get(f"{base}/static/chat.js")
        personas = (await http.get(f"{base}/api/personas")).json()
    assert page.status_code == 200
    assert 'src="/emulator/static/chat.js"' in page.text
    assert script.status_code == 200 and "fetch(" in script.text
    assert personas["bots"] == [{"bot_id": 123456, "username": "emulated_123456_bot"}]
    ana = personas["personas"][0]
    assert (ana["telegram_id"], ana["label"], ana["language_code"]) == (
        100001,
        "PRIME member",
        "es",
    )


async def test_send_poll_press_and_pay_from_the_page(
    emulator: Emulator, base: str, running_bot: RunningBot
) -> None:
    chat_url = f"{base}/api/chats/123456/{BEN.telegram_id}"
    async with httpx.AsyncClient(timeout=10) as http:
        first = (await http.get(chat_url)).json()
        sent = await http.post(f"{chat_url}/messages", json={"text": "/start"})
        assert sent.status_code == 200

        view = first
        while not any("Welcome" in m["html"] for m in view["messages"]):
            view = (await http.get(chat_url, params={"since": view["revision"], "wait": 5})).json()
        welcome = next(m for m in view["messages"] if "Welcome" in m["html"])
        assert welcome["buttons"] == [
            [{"text": "Book", "kind": "callback_data"}],
            [{"text": "Site", "kind": "url"}],
        ]

        pressed = await http.post(
            f"{chat_url}/press", json={"message_id": welcome["message_id"], "row": 0, "column": 0}
        )
        assert pressed.json()["kind"] == "callback"
        while not any(n["kind"] == "callback_answer" for n in view["notices"]):
            view = (await http.get(chat_url, params={"since": view["revision"], "wait": 5})).json()
        [notice] = [n for n in view["notices"] if n["kind"] == "callback_answer"]
        assert notice == {"kind": "callback_answer", "text": "Booked!", "show_alert": True}
        booked = next(m for m in view["messages"] if m["message_id"] == welcome["message_id"])
        assert booked["html"] == "<b>Booked</b> ✅" and booked["edited"]

        watcher = emulator.person(BEN.telegram_id)  # sees what arrives from now on
        await http.post(f"{chat_url}/messages", json={"text": "/pay"})
        await watcher.wait_for(lambda m: m.invoice is not None)
        view = (await http.get(chat_url)).json()
        invoice = next(m for m in view["messages"] if "invoice" in m)
        assert invoice["invoice"]["total_amount"] == 250
        paid = await http.post(f"{chat_url}/pay", json={"message_id": invoice["message_id"]})
        assert paid.json() == {"ok": True, "error_message": ""}


async def test_long_poll_waits_for_a_change(emulator: Emulator, base: str) -> None:
    chat_url = f"{base}/api/chats/123456/{ANA.telegram_id}"
    async with httpx.AsyncClient(timeout=10) as http:
        revision = (await http.get(chat_url)).json()["revision"]
        waiting = asyncio.create_task(http.get(chat_url, params={"since": revision, "wait": 5}))
        await asyncio.sleep(0.2)
        assert not waiting.done()
        photo = png(2, 2)
        await http.post(f"{chat_url}/photos", files={"photo": ("me.png", photo, "image/png")})
        view = (await asyncio.wait_for(waiting, 5)).json()
        [message] = view["messages"]
        assert message["photo"]["url"].startswith("api/files/")
        image = await http.get(f"{base}/{message['photo']['url']}")
        assert image.content == photo

        blocked = await http.post(f"{chat_url}/block", json={"blocked": True})
        assert blocked.json() == {"blocked": True}
        assert emulator.bot().chats[ANA.telegram_id].blocked


async def test_unknown_people_and_buttons_are_404(base: str) -> None:
    async with httpx.AsyncClient() as http:
        nobody = await http.get(f"{base}/api/chats/123456/5")
        no_button = await http.post(
            f"{base}/api/chats/123456/{BEN.telegram_id}/press",
            json={"message_id": 1, "row": 0, "column": 0},
        )
    assert (nobody.status_code, no_button.status_code) == (404, 404)


async def test_standalone_serves_the_page_and_api_at_its_root(emulator: Emulator) -> None:
    async with serve(emulator.asgi_app()) as root, httpx.AsyncClient() as http:
        page = await http.get(f"{root}/")
        me = await http.post(f"{root}/bot{TOKEN}/getMe")
    assert 'src="/static/chat.js"' in page.text
    assert me.json()["result"]["username"] == "emulated_123456_bot"
