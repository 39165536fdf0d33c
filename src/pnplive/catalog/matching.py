"""Smart matching (F-AV-7) across performers: candidates, their free slots and the scoring.

The candidates are filtered in SQL; their schedules and bookings are read in bulk (a fixed
number of statements, however many performers match); the scoring is the pure
``availability.matching``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import load_only, noload, selectinload

from pnplive.availability.matching import Match, Offer, Wish, best_matches
from pnplive.availability.slots import check_duration, local_day_bounds
from pnplive.booking.rules import BookingRules
from pnplive.catalog.browse import filtered
from pnplive.catalog.slots import free_slots_of_many
from pnplive.performer.models import Performer, Presence
from pnplive.performer.queries import BrowseFilters


@dataclass(frozen=True, slots=True)
class Found:
    match: Match
    performer: Performer


async def smart_match(
    session: AsyncSession,
    wish: Wish,
    *,
    first: date,
    last: date,
    filters: BrowseFilters,
    now: datetime,
    rules: BookingRules,
    limit: int,
) -> list[Found]:
    """The ``limit`` best free slots between the local days ``first`` and ``last`` (in the
    wish's zone) of bookable performers matching ``filters`` who take calls of the wished
    length, best first, at most three per performer."""
    if first > last:
        return []
    query = filtered(session, filters).where(
        Performer.min_duration <= wish.duration, Performer.max_duration >= wish.duration
    )
    # Only what the slots and the score need: the rest (JSON columns, photos) of a thousand
    # candidates would cost more than the matching itself.
    needed = load_only(
        Performer.timezone,
        Performer.min_duration,
        Performer.max_duration,
        Performer.buffer_before,
        Performer.buffer_after,
        Performer.rating_sum,
        Performer.rating_count,
        Performer.presence,
    )
    found = (await session.scalars(query.options(needed, noload(Performer.photos)))).all()
    performers = [p for p in found if check_duration(wish.duration, p.min_duration, p.max_duration)]
    slots = await free_slots_of_many(
        session,
        performers,
        query.with_only_columns(Performer.id),
        duration_of=lambda _p: wish.duration,
        rules=rules,
        now=now,
        start=local_day_bounds(wish.zone, first).start,
        end=local_day_bounds(wish.zone, last).end,
    )
    offers = (
        Offer(
            performer_id=p.id,
            rating_sum=p.rating_sum,
            rating_count=p.rating_count,
            online=p.presence == Presence.ONLINE.value,
            starts=slots[p.id],
        )
        for p in performers
    )
    best = best_matches(wish, offers, limit=limit)
    # Only the performers shown are loaded whole (with their photos).
    shown = {m.candidate.performer_id for m in best}
    whole = (
        {
            p.id: p
            for p in (
                await session.scalars(
                    select(Performer)
                    .where(Performer.id.in_(shown))
                    .options(selectinload(Performer.photos))
                    .execution_options(populate_existing=True)
                )
            ).all()
        }
        if shown
        else {}
    )
    return [Found(m, whole[m.candidate.performer_id]) for m in best]
