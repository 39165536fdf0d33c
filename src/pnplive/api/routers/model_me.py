"""Performer self-service (F-SLF-1, F-SLF-2): profile, schedule, presence, bookings, conflicts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from pnplive.api import render, schedule
from pnplive.api import schemas as s
from pnplive.api.common import PagingDep, errors
from pnplive.api.deps import ClockDep, PerformerDep, SessionDep
from pnplive.availability import editing
from pnplive.booking import coverage
from pnplive.booking.queries import BookingFilters, When, list_bookings
from pnplive.booking.states import Status
from pnplive.performer import service as performers
from pnplive.performer.models import Performer, Presence
from pnplive.performer.schemas import PerformerUpdate

router = APIRouter(prefix="/api/model/me", tags=["performer self-service"])

ItemId = Annotated[int, Path(ge=1, le=2**31 - 1)]
ERRORS = errors(401, 403, 422, 429)


def me(principal: PerformerDep) -> Performer:
    assert principal.performer is not None
    return principal.performer


@router.get("", response_model=s.PerformerAdminOut, summary="My profile", responses=ERRORS)
async def get_me(principal: PerformerDep) -> s.PerformerAdminOut:
    return render.performer_admin(me(principal))


@router.put("", response_model=s.PerformerAdminOut, summary="Edit my profile", responses=ERRORS)
async def put_me(
    body: s.PerformerSelfUpdate, session: SessionDep, principal: PerformerDep, clock: ClockDep
) -> s.PerformerAdminOut:
    data = PerformerUpdate.model_validate(body.model_dump(exclude_unset=True))
    p = await performers.update(session, me(principal), data, clock.now())
    return render.performer_admin(p)


@router.get("/availability", response_model=s.ScheduleOut, summary="My schedule", responses=ERRORS)
async def get_availability(
    session: SessionDep, principal: PerformerDep, clock: ClockDep
) -> s.ScheduleOut:
    return schedule.schedule_out(await editing.schedule_of(session, me(principal), clock.now()))


@router.post(
    "/availability",
    response_model=s.ScheduleChangeOut,
    summary="Replace my weekly schedule; lists the bookings it conflicts with",
    responses=ERRORS,
)
async def post_availability(
    body: s.WeeklyIn, session: SessionDep, principal: PerformerDep, clock: ClockDep
) -> s.ScheduleChangeOut:
    p = me(principal)
    change = await coverage.set_weekly(session, p, body.weekly, clock.now())
    return schedule.schedule_change_out(p, change)


@router.post(
    "/blocked",
    response_model=s.IntervalChangeOut,
    status_code=201,
    summary="Block an interval (holiday, one-off)",
    responses=ERRORS,
)
async def post_blocked(
    body: s.IntervalIn, session: SessionDep, principal: PerformerDep, clock: ClockDep
) -> s.IntervalChangeOut:
    p = me(principal)
    change = await coverage.block(session, p, body.start, body.end, body.note, clock.now())
    return schedule.interval_change_out(p, change)


@router.delete(
    "/blocked/{item_id}",
    response_model=s.IntervalChangeOut,
    summary="Remove a blocked interval",
    responses=errors(401, 403, 404, 422, 429),
)
async def delete_blocked(
    item_id: ItemId, session: SessionDep, principal: PerformerDep, clock: ClockDep
) -> s.IntervalChangeOut:
    p = me(principal)
    change = await coverage.unblock(session, p, item_id, clock.now())
    return schedule.interval_change_out(p, change)


@router.post(
    "/extra",
    response_model=s.IntervalChangeOut,
    status_code=201,
    summary="Add extra availability (a manual slot)",
    responses=ERRORS,
)
async def post_extra(
    body: s.IntervalIn, session: SessionDep, principal: PerformerDep, clock: ClockDep
) -> s.IntervalChangeOut:
    p = me(principal)
    change = await coverage.add_extra(session, p, body.start, body.end, body.note, clock.now())
    return schedule.interval_change_out(p, change)


@router.delete(
    "/extra/{item_id}",
    response_model=s.IntervalChangeOut,
    summary="Remove extra availability; lists the bookings it leaves uncovered",
    responses=errors(401, 403, 404, 422, 429),
)
async def delete_extra(
    item_id: ItemId, session: SessionDep, principal: PerformerDep, clock: ClockDep
) -> s.IntervalChangeOut:
    p = me(principal)
    change = await coverage.remove_extra(session, p, item_id, clock.now())
    return schedule.interval_change_out(p, change)


@router.post(
    "/status", response_model=s.PresenceOut, summary="Go online or offline", responses=ERRORS
)
async def post_status(
    body: s.PresenceIn, session: SessionDep, principal: PerformerDep, clock: ClockDep
) -> s.PresenceOut:
    p = me(principal)
    came_online = await performers.set_presence(session, p, Presence(body.presence), clock.now())
    return s.PresenceOut(presence=Presence(p.presence), came_online=came_online)


@router.get(
    "/bookings",
    response_model=s.Page[s.BookingOut],
    summary="My bookings (calendar view), times in my zone",
    responses=ERRORS,
)
async def my_bookings(
    session: SessionDep,
    principal: PerformerDep,
    clock: ClockDep,
    page: PagingDep,
    when: When = When.UPCOMING,
    status: Annotated[list[Status] | None, Query(max_length=10)] = None,
    from_: Annotated[
        s.Instant | None, Query(alias="from", description="Starts at or after.")
    ] = None,
    to: Annotated[s.Instant | None, Query(description="Starts before.")] = None,
) -> dict[str, object]:
    p = me(principal)
    found = await list_bookings(
        session,
        BookingFilters(
            performer_id=p.id,
            statuses=tuple(x.value for x in status or ()),
            when=when,
            start_from=from_,
            start_to=to,
        ),
        now=clock.now(),
        limit=page.limit,
        offset=page.offset,
    )
    items = [render.booking(b, p, p.timezone) for b in found.items]
    return s.page_of(items, found.total, page.limit, page.offset)


@router.get(
    "/conflicts",
    response_model=s.Page[s.BookingOut],
    summary="My upcoming bookings the schedule no longer covers (F-AV-9)",
    responses=ERRORS,
)
async def my_conflicts(
    session: SessionDep, principal: PerformerDep, clock: ClockDep, page: PagingDep
) -> dict[str, object]:
    p = me(principal)
    found = await coverage.conflicts(session, p, clock.now())
    items = [render.booking(b, p, p.timezone) for b in found]
    return s.page_of(
        items[page.offset : page.offset + page.limit], len(items), page.limit, page.offset
    )
