"""Notice texts: every kind in both languages, money with its currency, times in local zones."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from pnplive.notification.kinds import Notice
from pnplive.notification.messages import CallFacts, Recipient, render, render_alert

CALL = CallFacts(
    booking="abc123",
    performer_name="Luna",
    member_name="Carlos",
    start=datetime(2027, 3, 1, 21, 0, tzinfo=UTC),
    duration=30,
    amount=6000,
    currency="USD",
    join_url="http://127.0.0.1:8000/j/tok",
)
MEMBER_EN = Recipient(user_id=1, chat_id=11, language="en", timezone="America/New_York")
MEMBER_ES = Recipient(user_id=1, chat_id=11, language="es", timezone="America/Bogota")
PERFORMER = Recipient(
    user_id=2, chat_id=22, language="es", timezone="Europe/Madrid", is_performer=True
)


def test_confirmation_names_the_other_side_the_local_time_and_the_price() -> None:
    text = render(Notice.CONFIRMED, CALL, MEMBER_EN).text
    assert "Luna" in text
    assert "Mon 1 Mar 2027, 16:00 (America/New_York)" in text
    assert "$60.00" in text
    assert "http://127.0.0.1:8000/j/tok" in text


def test_the_performer_reads_the_members_name_in_their_own_zone_and_language() -> None:
    text = render(Notice.CONFIRMED, CALL, PERFORMER).text
    assert "Carlos" in text and "Nueva reserva" in text
    assert "lun 1 mar 2027, 22:00 (Europe/Madrid)" in text


def test_the_calendar_file_is_attached_to_the_confirmation() -> None:
    message = render(Notice.CONFIRMED, CALL, MEMBER_ES, calendar=b"BEGIN:VCALENDAR")
    assert message.attachment is not None
    assert message.attachment.content == b"BEGIN:VCALENDAR"
    assert message.attachment.filename.endswith(".ics")
    assert render(Notice.REMINDER, CALL, MEMBER_ES, lead=timedelta(hours=1)).attachment is None


@pytest.mark.parametrize(
    ("language", "minutes", "expected"),
    [
        ("en", 60, "in 1 hour"),
        ("es", 60, "dentro de 1 hora"),
        ("en", 1440, "in 1 day"),
        ("es", 15, "dentro de 15 minutos"),
    ],
)
def test_reminders_say_how_long_until_the_call(language: str, minutes: int, expected: str) -> None:
    to = MEMBER_EN if language == "en" else MEMBER_ES
    text = render(Notice.REMINDER, CALL, to, lead=timedelta(minutes=minutes)).text
    assert expected in text


def test_without_a_join_link_yet_the_notice_says_when_it_opens() -> None:
    no_link = replace(CALL, join_url=None)
    text = render(Notice.CONFIRMED, no_link, MEMBER_EN, early_join_minutes=7).text
    assert "7 minutes before" in text
    assert "/j/" not in text


def test_cancellation_tells_the_member_the_refund_but_not_the_performer() -> None:
    member = render(Notice.CANCELLED, CALL, MEMBER_ES, refund_amount=3000).text
    performer = render(Notice.CANCELLED, CALL, PERFORMER, refund_amount=3000).text
    assert "30,00\xa0US$" in member
    assert "US$" not in performer
    none = render(Notice.CANCELLED, CALL, MEMBER_EN, refund_amount=0).text
    assert "No refund" in none


def test_reschedule_shows_the_new_and_the_previous_time() -> None:
    moved = replace(CALL, start=CALL.start + timedelta(days=1), previous_start=CALL.start)
    text = render(Notice.RESCHEDULED, moved, MEMBER_EN).text
    assert "Tue 2 Mar 2027, 16:00 (America/New_York)" in text
    assert "Before: Mon 1 Mar 2027, 16:00 (America/New_York)" in text


def test_stars_amounts_are_named_as_stars() -> None:
    stars = replace(CALL, amount=750, currency="XTR", duration=15)
    assert "750 Stars" in render(Notice.REFUNDED, stars, MEMBER_EN, refund_amount=750).text


@pytest.mark.parametrize("notice", [n for n in Notice if n is not Notice.ALERT])
@pytest.mark.parametrize("to", [MEMBER_EN, MEMBER_ES, PERFORMER])
def test_every_notice_renders_in_every_language(notice: Notice, to: Recipient) -> None:
    text = render(notice, CALL, to, lead=timedelta(minutes=5), refund_amount=100).text
    assert text.strip()
    assert "{" not in text  # no placeholder left unfilled


def test_alerts_name_what_happened_and_format_amounts() -> None:
    facts = {"kind": "payment_mismatch", "payment": "p1", "amount": 4000, "currency": "EUR"}
    en = render_alert(facts, "en").text
    es = render_alert(facts, "es").text
    assert "did not match" in en and "€40.00" in en and "p1" in en
    assert "no coincide" in es and "40,00\xa0€" in es
    unknown = render_alert({"kind": "something_new", "x": 1}, "en").text
    assert "something_new" in unknown
