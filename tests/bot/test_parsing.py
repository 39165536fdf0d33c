"""Weekly hours typed in the bot, in English or Spanish."""

from __future__ import annotations

import pytest

from pnplive.bot.parsing import WeekNotUnderstood, parse_week


def test_runs_of_days_several_spans_and_days_off() -> None:
    assert parse_week("Mon-Wed 18:00-23:00\nsat 12:00-14:00, 18.30-22:00\nSun off") == [
        (0, "18:00", "23:00"),
        (1, "18:00", "23:00"),
        (2, "18:00", "23:00"),
        (5, "12:00", "14:00"),
        (5, "18:30", "22:00"),
    ]


def test_spanish_names_a_run_over_the_weekend_and_overnight_hours() -> None:
    assert parse_week("vie-dom 22:00-02:00\nmié 9:00-24:00") == [
        (4, "22:00", "02:00"),
        (5, "22:00", "02:00"),
        (6, "22:00", "02:00"),
        (2, "09:00", "24:00"),
    ]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("", 1),
        ("Mon 18:00-23:00\nFunday 10:00-12:00", 2),
        ("Mon 18-23", 1),
        ("Mon 25:00-26:00", 1),
        ("Tue 10:00-24:30", 1),
        ("Mon-Xyz 10:00-12:00", 1),
    ],
)
def test_the_first_line_not_understood_is_named(text: str, line: int) -> None:
    with pytest.raises(WeekNotUnderstood) as found:
        parse_week(text)
    assert found.value.line == line
