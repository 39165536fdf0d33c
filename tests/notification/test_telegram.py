"""The Telegram notifier against a local Bot API: what Telegram's answers mean for a notice."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from pnplive.notification.messages import Attachment, OutMessage
from pnplive.notification.notifier import Delivery, RetryLater
from pnplive.notification.settings import NotificationSettings
from pnplive.notification.telegram import TelegramNotifier, make_bot
from tests.fakes.bot_api import TOKEN, FakeBotApi


@pytest_asyncio.fixture
async def api() -> AsyncIterator[tuple[FakeBotApi, TelegramNotifier]]:
    fake = FakeBotApi()
    await fake.start()
    notifier = TelegramNotifier(make_bot(TOKEN, fake.base_url))
    yield fake, notifier
    await notifier.close()
    await fake.stop()


@pytest.mark.asyncio
async def test_a_text_is_sent_as_plain_text(api: tuple[FakeBotApi, TelegramNotifier]) -> None:
    fake, notifier = api
    assert await notifier.send(42, OutMessage("<b>hi</b> & bye")) is Delivery.SENT
    (call,) = fake.calls
    assert call.method == "sendMessage"
    assert call.params["text"] == "<b>hi</b> & bye"
    assert "parse_mode" not in call.params


@pytest.mark.asyncio
async def test_a_file_travels_with_the_text_as_its_caption_in_one_call(
    api: tuple[FakeBotApi, TelegramNotifier],
) -> None:
    fake, notifier = api
    message = OutMessage("confirmed", Attachment("call.ics", b"BEGIN:VCALENDAR\r\n"))
    assert await notifier.send(42, message) is Delivery.SENT
    (call,) = fake.calls
    assert call.method == "sendDocument"
    assert call.params["caption"] == "confirmed"
    assert fake.files[0] == b"BEGIN:VCALENDAR\r\n"


@pytest.mark.asyncio
async def test_blocked_means_unreachable(api: tuple[FakeBotApi, TelegramNotifier]) -> None:
    fake, notifier = api
    fake.blocked.add(7)
    assert await notifier.send(7, OutMessage("x")) is Delivery.UNREACHABLE


@pytest.mark.asyncio
async def test_too_many_requests_asks_to_retry_after_telegrams_delay(
    api: tuple[FakeBotApi, TelegramNotifier],
) -> None:
    fake, notifier = api
    fake.throttle_once[9] = 17
    with pytest.raises(RetryLater) as caught:
        await notifier.send(9, OutMessage("x"))
    assert caught.value.seconds == 17
    assert await notifier.send(9, OutMessage("x")) is Delivery.SENT


def test_reminder_settings_parse_sort_and_refuse_nonsense() -> None:
    s = NotificationSettings(reminder_minutes="5, 60,1440,15,60")  # type: ignore[arg-type]
    assert s.reminder_minutes == [1440, 60, 15, 5]
    with pytest.raises(ValueError, match="1 minute to 7 days"):
        NotificationSettings(reminder_minutes="0")  # type: ignore[arg-type]
