"""The call jobs the worker runs, by kind (F-WRK-1).

- ``call_scheduled`` (announced by the booking domain when a booking is confirmed or moved):
  the join passes, the first lifecycle check, and the room for the call's times.
- ``call_check``: apply what is due (live, completed, a no-show) and schedule the next check.
- ``call_over`` (announced when a booking leaves the confirmed or live states): close the room
  and give the performer their presence back.
- ``call_room_close``: the provider's room ends (Daily rooms are deleted).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from pnplive.booking.errors import BookingNotFound
from pnplive.booking.events import CALL_OVER_JOB, CALL_SCHEDULED_JOB
from pnplive.kit.clock import Clock
from pnplive.kit.db import Database
from pnplive.video import calls, rooms
from pnplive.video.providers.base import VideoProvider
from pnplive.video.timing import CallTiming

Handler = Callable[[dict[str, Any]], Awaitable[object]]


def handlers(
    db: Database, clock: Clock, provider: VideoProvider, timing: CallTiming
) -> dict[str, Handler]:
    async def scheduled(payload: dict[str, Any]) -> object:
        return await rooms.prepare(
            db, provider, str(payload["booking"]), int(payload["sequence"]), clock, timing
        )

    async def check(payload: dict[str, Any]) -> object:
        async def work(session: Any) -> object:
            step = await calls.advance(session, str(payload["booking"]), clock.now(), timing)
            return step.value if step is not None else "nothing due"

        try:
            return await db.run(work)
        except BookingNotFound:
            return "skipped: no such booking"

    async def over(payload: dict[str, Any]) -> object:
        return await rooms.call_over(db, str(payload["booking"]), clock)

    async def close(payload: dict[str, Any]) -> object:
        return await rooms.close_room(provider, payload)

    return {
        CALL_SCHEDULED_JOB: scheduled,
        calls.CALL_CHECK_JOB: check,
        CALL_OVER_JOB: over,
        rooms.CLOSE_ROOM_JOB: close,
    }
