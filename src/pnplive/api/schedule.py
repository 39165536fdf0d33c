"""Rendering of schedules and schedule changes (F-AV-1, F-AV-2, F-AV-9); the editing itself is
``availability/editing.py`` and ``booking/coverage.py``."""

from __future__ import annotations

from pnplive.api import render
from pnplive.api import schemas as s
from pnplive.availability.editing import ScheduleView
from pnplive.booking.coverage import IntervalChange, ScheduleChange
from pnplive.booking.models import Booking
from pnplive.performer.models import Performer


def schedule_out(view: ScheduleView) -> s.ScheduleOut:
    return s.ScheduleOut(
        timezone=view.timezone,
        weekly=[render.weekly(w) for w in view.weekly],
        blocked=[render.interval(b) for b in view.blocked],
        extra=[render.interval(x) for x in view.extra],
    )


def conflicts_out(p: Performer, found: list[Booking]) -> list[s.BookingOut]:
    return [render.booking(b, p, p.timezone) for b in found]


def schedule_change_out(p: Performer, change: ScheduleChange) -> s.ScheduleChangeOut:
    return s.ScheduleChangeOut(
        schedule=schedule_out(change.schedule),
        conflicts=conflicts_out(p, change.conflicts),
        caused=conflicts_out(p, change.caused),
    )


def interval_change_out(p: Performer, change: IntervalChange) -> s.IntervalChangeOut:
    return s.IntervalChangeOut(
        item=render.interval(change.item) if change.item is not None else None,
        conflicts=conflicts_out(p, change.conflicts),
        caused=conflicts_out(p, change.caused),
    )
