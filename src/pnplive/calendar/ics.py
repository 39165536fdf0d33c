"""RFC 5545 calendar text for calls (pure; the ``icalendar`` package writes it).

A booking's UID never changes; SEQUENCE counts its moves (and a cancellation), so calendar apps
replace the earlier copy; a cancelled call is sent with STATUS:CANCELLED. Times are in UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from icalendar import Calendar, Event

PRODID = "-//PNP Live//Calls//EN"
UID_DOMAIN = "pnplive"


@dataclass(frozen=True, slots=True)
class CallEntry:
    booking: str  # public id
    start: datetime
    end: datetime
    summary: str
    description: str
    sequence: int
    cancelled: bool
    stamp: datetime
    url: str | None = None


def uid(booking: str) -> str:
    return f"{booking}@{UID_DOMAIN}"


def _event(entry: CallEntry) -> Event:
    event = Event()
    event.add("uid", uid(entry.booking))
    event.add("dtstamp", entry.stamp.astimezone(UTC))
    event.add("dtstart", entry.start.astimezone(UTC))
    event.add("dtend", entry.end.astimezone(UTC))
    event.add("summary", entry.summary)
    event.add("description", entry.description)
    event.add("sequence", entry.sequence)
    event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    if entry.url:
        event.add("url", entry.url)
        event.add("location", entry.url)
    return event


def calendar(
    entries: Iterable[CallEntry], *, name: str | None = None, cancel: bool = False
) -> bytes:
    """A calendar of ``entries``; ``cancel`` makes it a cancellation (METHOD:CANCEL)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "CANCEL" if cancel else "PUBLISH")
    if name:
        cal.add("x-wr-calname", name)
    for entry in entries:
        cal.add_component(_event(entry))
    data: bytes = cal.to_ical()
    return data
