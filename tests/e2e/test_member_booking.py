"""A member books, pays and gets the confirmation, through the bot and the emulator over HTTP."""

from __future__ import annotations

import httpx
import pytest
from icalendar import Calendar

from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from tests.e2e.conftest import PERSONAS, PRIME, PRIME_ES, People
from tests.e2e.support import Stack, buttons, press, running, url_of

pytestmark = pytest.mark.asyncio


async def book_until_payment(stack: Stack, telegram_id: int, texts: dict[str, str]) -> str:
    """Walk the wizard to the payment step; returns the sandbox checkout URL."""
    chat = stack.person(telegram_id)
    await chat.send("/start")
    await chat.wait_for(lambda m: "PNP Live" in m.text, timeout=10)
    await press(chat, texts["book"], lambda m: texts["choose"] in m.text)
    await press(chat, "Luna", lambda m: texts["duration"] in m.text)
    await press(chat, "30 min", lambda m: texts["days"] in m.text)
    days = chat.bot_messages[-1]
    await chat.press(buttons(days)[0], days)
    times = await chat.wait_for(lambda m: texts["time"] in m.text, timeout=10)
    await chat.press(buttons(times)[0], times)
    await chat.wait_for(lambda m: texts["rules"] in m.text, timeout=10)
    await press(chat, "✅", lambda m: texts["summary"] in m.text)
    await press(chat, "✅", lambda m: texts["method"] in m.text)
    paying = await press(chat, "🧪", lambda m: texts["pay"] in m.text)
    return url_of(paying, "💳")


async def pay_and_confirm(stack: Stack, telegram_id: int, url: str, joined: str) -> str:
    async with httpx.AsyncClient() as http:
        paid = await http.post(f"{url}/pay")
    assert paid.status_code in (200, 303)
    chat = stack.person(telegram_id)
    chat.mark()
    await stack.work()
    # One message: the confirmation with the join link, and the calendar file attached.
    confirmation = await chat.wait_for(
        lambda m: m.document is not None and f"{stack.base}/j/" in m.caption, timeout=10
    )
    assert joined in confirmation.caption
    assert confirmation.document is not None
    ics = Calendar.from_ical(confirmation.document.data)
    [event] = list(ics.walk("VEVENT"))
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["URL"]) in confirmation.caption
    return confirmation.caption


async def test_a_prime_member_books_pays_and_gets_the_join_link_and_calendar(
    db: Database, clock: FrozenClock, people: People
) -> None:
    async with running(db, clock, PERSONAS) as stack:
        url = await book_until_payment(
            stack,
            PRIME,
            {
                "book": "📅",
                "choose": "Choose a performer",
                "duration": "How long",
                "days": "Days with free times",
                "time": "Choose a start time (UTC)",
                "rules": "Call rules",
                "summary": "Your call:",
                "method": "How would you like to pay",
                "pay": "Pay $90.00",
            },
        )
        assert url.startswith(f"{stack.base}/checkout/sandbox/")
        text = await pay_and_confirm(stack, PRIME, url, "Luna")
        assert "(UTC)" in text


async def test_the_same_booking_in_spanish(
    db: Database, clock: FrozenClock, people: People
) -> None:
    async with running(db, clock, PERSONAS) as stack:
        url = await book_until_payment(
            stack,
            PRIME_ES,
            {
                "book": "📅",
                "choose": "Elige un modelo",
                "duration": "Cuánto debe durar",
                "days": "Días con horarios libres",
                "time": "Elige la hora de inicio (America/Bogota)",
                "rules": "Reglas de la llamada",
                "summary": "Tu llamada:",
                "method": "Cómo quieres pagar",
                "pay": "Paga 90,00",
            },
        )
        text = await pay_and_confirm(stack, PRIME_ES, url, "Luna")
        assert "(America/Bogota)" in text
