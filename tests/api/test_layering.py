"""Routers are thin: parse, call a service, render. No query or session work of their own."""

from __future__ import annotations

import re
from pathlib import Path

import pnplive.api.routers as routers_pkg

ROUTERS = Path(routers_pkg.__file__).resolve().parent
DATABASE_WORK = re.compile(r"\bselect\(|\bsession\.")


def test_no_router_queries_or_drives_the_session() -> None:
    offending = [
        f"{path.name}:{n}: {line.strip()}"
        for path in sorted(ROUTERS.glob("*.py"))
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if DATABASE_WORK.search(line)
    ]
    assert offending == []


def test_the_check_finds_what_it_looks_for() -> None:
    assert DATABASE_WORK.search("rows = await session.execute(select(Booking))")
    assert not DATABASE_WORK.search("found = await bookings.get(session, booking_id)")
