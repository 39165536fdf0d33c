"""Free-text answers the flows share."""

from __future__ import annotations

import re

# Call lengths as "15-90" (minutes, shortest-longest).
RANGE = re.compile(r"^\s*(\d{2,3})\s*-\s*(\d{2,3})\s*$")

# Weekly hours, one line per day or run of days, in English or Spanish:
#   "Mon-Fri 18:00-23:00", "Sat 12:00-14:00, 18:00-22:00", "dom libre" (days not named are off).
DAYS = {
    **dict.fromkeys(["mon", "monday", "lun", "lunes"], 0),
    **dict.fromkeys(["tue", "tuesday", "mar", "martes"], 1),
    **dict.fromkeys(["wed", "wednesday", "mie", "mié", "miercoles", "miércoles"], 2),
    **dict.fromkeys(["thu", "thursday", "jue", "jueves"], 3),
    **dict.fromkeys(["fri", "friday", "vie", "viernes"], 4),
    **dict.fromkeys(["sat", "saturday", "sab", "sáb", "sabado", "sábado"], 5),
    **dict.fromkeys(["sun", "sunday", "dom", "domingo"], 6),
}
OFF = {"off", "libre", "-", "closed", "cerrado"}
LINE = re.compile(r"^\s*([^\s\d-]+)\s*(?:-\s*([^\s\d-]+))?\s+(.+?)\s*$")
SPAN = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)\s*[-–]\s*([01]?\d|2[0-4])[:.]([0-5]\d)$")


class WeekNotUnderstood(ValueError):
    """Which line could not be read (1-based)."""

    def __init__(self, line: int) -> None:
        super().__init__(f"line {line}")
        self.line = line


def parse_week(text: str) -> list[tuple[int, str, str]]:
    """(weekday, "HH:MM", "HH:MM") rules, Monday = 0; an end at or before the start runs past
    midnight, as the schedule allows. ``WeekNotUnderstood`` names the first bad line."""
    rules: list[tuple[int, str, str]] = []
    lines = [line for line in text.strip().splitlines() if line.strip()]
    if not lines:
        raise WeekNotUnderstood(1)
    for number, line in enumerate(lines, start=1):
        found = LINE.match(line)
        if found is None:
            raise WeekNotUnderstood(number)
        first, last, spans = found.group(1).lower(), (found.group(2) or "").lower(), found.group(3)
        if first not in DAYS or (last and last not in DAYS):
            raise WeekNotUnderstood(number)
        a, b = DAYS[first], DAYS[last] if last else DAYS[first]
        days = list(range(a, b + 1)) if a <= b else [*range(a, 7), *range(0, b + 1)]
        if spans.strip().lower() in OFF:
            continue
        for part in spans.split(","):
            span = SPAN.match(part.strip())
            if span is None:
                raise WeekNotUnderstood(number)
            sh, sm, eh, em = (int(g) for g in span.groups())
            if eh == 24 and em:
                raise WeekNotUnderstood(number)
            rules.extend((d, f"{sh:02d}:{sm:02d}", f"{eh:02d}:{em:02d}") for d in days)
    return rules
