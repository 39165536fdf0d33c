"""Admin (F-ADM-1, F-ADM-2, F-ADM-5): performers, bookings, conflicts, roles."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.api import render, schedule
from pnplive.api import schemas as s
from pnplive.api.common import PagingDep, errors
from pnplive.api.deps import AdminDep, ClockDep, RulesDep, SessionDep, SuperadminDep
from pnplive.availability import editing
from pnplive.booking import coverage
from pnplive.booking import service as bookings
from pnplive.booking.models import Booking
from pnplive.booking.queries import (
    BookingFilters,
    When,
    history,
    list_bookings,
    performers_by_id,
    users_by_id,
)
from pnplive.booking.states import Status
from pnplive.errors import InvalidInput, NotFound
from pnplive.payment import refunds
from pnplive.performer import accounts
from pnplive.performer import service as performers
from pnplive.performer.directory import MemberFilters, find_members
from pnplive.performer.models import Lifecycle, Performer, Visibility
from pnplive.performer.queries import admin_list
from pnplive.performer.schemas import PerformerCreate, PerformerUpdate
from pnplive.user import membership
from pnplive.user import service as users

router = APIRouter(prefix="/api/admin", tags=["admin"])

PerformerId = Annotated[int, Path(ge=1, le=2**31 - 1)]
ItemId = Annotated[int, Path(ge=1, le=2**31 - 1)]
BookingId = Annotated[str, Path(pattern=r"^[0-9a-f]{16}$")]
ERRORS = errors(401, 403, 422, 429)
ERRORS_404 = errors(401, 403, 404, 422, 429)
ERRORS_409 = errors(401, 403, 404, 409, 422, 429)


# --- performers ----------------------------------------------------------------------------


@router.get(
    "/models",
    response_model=s.Page[s.PerformerAdminOut],
    summary="Every performer, hidden and inactive ones too",
    responses=ERRORS,
)
async def list_models(
    session: SessionDep,
    admin: AdminDep,
    page: PagingDep,
    status: Lifecycle | None = None,
    visibility: Visibility | None = None,
    q: Annotated[str | None, Query(max_length=64)] = None,
) -> dict[str, object]:
    found = await admin_list(
        session,
        status=status.value if status else None,
        visibility=visibility.value if visibility else None,
        q=q or None,
        limit=page.limit,
        offset=page.offset,
    )
    items = [render.performer_admin(p) for p in found.items]
    return s.page_of(items, found.total, page.limit, page.offset)


@router.post(
    "/models",
    response_model=s.PerformerAdminOut,
    status_code=201,
    summary="Create a performer, with the weekly schedule (F-PRF-3)",
    responses=errors(401, 403, 409, 422, 429),
)
async def create_model(
    body: s.PerformerCreateIn, session: SessionDep, admin: AdminDep, clock: ClockDep
) -> s.PerformerAdminOut:
    now = clock.now()
    data = PerformerCreate.model_validate(body.model_dump(exclude_unset=True, exclude={"weekly"}))
    p = await performers.create(session, data, now)
    if body.weekly:
        await editing.set_weekly(session, p, body.weekly, now)
    return render.performer_admin(p)


async def _performer(session: AsyncSession, performer_id: int) -> Performer:
    return await performers.get(session, performer_id)


@router.get(
    "/models/{performer_id}",
    response_model=s.PerformerAdminOut,
    summary="One performer",
    responses=ERRORS_404,
)
async def get_model(
    performer_id: PerformerId, session: SessionDep, admin: AdminDep
) -> s.PerformerAdminOut:
    return render.performer_admin(await _performer(session, performer_id))


@router.put(
    "/models/{performer_id}",
    response_model=s.PerformerAdminOut,
    summary="Edit any field; existing bookings keep their price (F-PRF-4)",
    responses=ERRORS_404,
)
async def put_model(
    performer_id: PerformerId,
    body: PerformerUpdate,
    session: SessionDep,
    admin: AdminDep,
    clock: ClockDep,
) -> s.PerformerAdminOut:
    p = await performers.update(session, await _performer(session, performer_id), body, clock.now())
    return render.performer_admin(p)


@router.delete(
    "/models/{performer_id}",
    response_model=s.PerformerAdminOut,
    summary="Deactivate: hidden from lists, bookings kept",
    responses=ERRORS_404,
)
async def deactivate_model(
    performer_id: PerformerId, session: SessionDep, admin: AdminDep, clock: ClockDep
) -> s.PerformerAdminOut:
    p = await performers.deactivate(session, await _performer(session, performer_id), clock.now())
    return render.performer_admin(p)


@router.get(
    "/models/{performer_id}/availability",
    response_model=s.ScheduleOut,
    summary="A performer's schedule",
    responses=ERRORS_404,
)
async def get_model_availability(
    performer_id: PerformerId, session: SessionDep, admin: AdminDep, clock: ClockDep
) -> s.ScheduleOut:
    p = await _performer(session, performer_id)
    return schedule.schedule_out(await editing.schedule_of(session, p, clock.now()))


@router.post(
    "/models/{performer_id}/availability",
    response_model=s.ScheduleChangeOut,
    summary="Replace a performer's weekly schedule; lists the conflicts",
    responses=ERRORS_404,
)
async def post_model_availability(
    performer_id: PerformerId,
    body: s.WeeklyIn,
    session: SessionDep,
    admin: AdminDep,
    clock: ClockDep,
) -> s.ScheduleChangeOut:
    p = await _performer(session, performer_id)
    change = await coverage.set_weekly(session, p, body.weekly, clock.now())
    return schedule.schedule_change_out(p, change)


@router.post(
    "/models/{performer_id}/blocked",
    response_model=s.IntervalChangeOut,
    status_code=201,
    summary="Block an interval for a performer",
    responses=ERRORS_404,
)
async def post_model_blocked(
    performer_id: PerformerId,
    body: s.IntervalIn,
    session: SessionDep,
    admin: AdminDep,
    clock: ClockDep,
) -> s.IntervalChangeOut:
    p = await _performer(session, performer_id)
    change = await coverage.block(session, p, body.start, body.end, body.note, clock.now())
    return schedule.interval_change_out(p, change)


@router.delete(
    "/models/{performer_id}/blocked/{item_id}",
    response_model=s.IntervalChangeOut,
    summary="Remove a performer's blocked interval",
    responses=ERRORS_404,
)
async def delete_model_blocked(
    performer_id: PerformerId,
    item_id: ItemId,
    session: SessionDep,
    admin: AdminDep,
    clock: ClockDep,
) -> s.IntervalChangeOut:
    p = await _performer(session, performer_id)
    change = await coverage.unblock(session, p, item_id, clock.now())
    return schedule.interval_change_out(p, change)


@router.post(
    "/models/{performer_id}/extra",
    response_model=s.IntervalChangeOut,
    status_code=201,
    summary="Add extra availability for a performer",
    responses=ERRORS_404,
)
async def post_model_extra(
    performer_id: PerformerId,
    body: s.IntervalIn,
    session: SessionDep,
    admin: AdminDep,
    clock: ClockDep,
) -> s.IntervalChangeOut:
    p = await _performer(session, performer_id)
    change = await coverage.add_extra(session, p, body.start, body.end, body.note, clock.now())
    return schedule.interval_change_out(p, change)


@router.delete(
    "/models/{performer_id}/extra/{item_id}",
    response_model=s.IntervalChangeOut,
    summary="Remove a performer's extra availability",
    responses=ERRORS_404,
)
async def delete_model_extra(
    performer_id: PerformerId,
    item_id: ItemId,
    session: SessionDep,
    admin: AdminDep,
    clock: ClockDep,
) -> s.IntervalChangeOut:
    p = await _performer(session, performer_id)
    change = await coverage.remove_extra(session, p, item_id, clock.now())
    return schedule.interval_change_out(p, change)


# --- bookings ------------------------------------------------------------------------------


async def _admin_items(session: AsyncSession, found: list[Booking]) -> list[s.BookingAdminOut]:
    perf = await performers_by_id(session, (b.performer_id for b in found))
    people = await users_by_id(session, (b.user_id for b in found))
    return [render.booking_admin(b, perf[b.performer_id], people[b.user_id], None) for b in found]


@router.get(
    "/bookings",
    response_model=s.Page[s.BookingAdminOut],
    summary="List and filter bookings (F-ADM-2)",
    responses=ERRORS,
)
async def list_admin_bookings(
    session: SessionDep,
    admin: AdminDep,
    clock: ClockDep,
    page: PagingDep,
    status: Annotated[list[Status] | None, Query(max_length=10)] = None,
    performer_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    user_telegram_id: Annotated[int | None, Query(ge=1, le=2**53)] = None,
    from_: Annotated[
        s.Instant | None, Query(alias="from", description="Starts at or after.")
    ] = None,
    to: Annotated[s.Instant | None, Query(description="Starts before.")] = None,
    when: When = When.ALL,
) -> dict[str, object]:
    user_id: int | None = None
    if user_telegram_id is not None:
        user = await users.by_telegram_id(session, user_telegram_id)
        if user is None:
            return s.page_of([], 0, page.limit, page.offset)
        user_id = user.id
    found = await list_bookings(
        session,
        BookingFilters(
            user_id=user_id,
            performer_id=performer_id,
            statuses=tuple(x.value for x in status or ()),
            start_from=from_,
            start_to=to,
            when=when,
        ),
        now=clock.now(),
        limit=page.limit,
        offset=page.offset,
    )
    return s.page_of(await _admin_items(session, found.items), found.total, page.limit, page.offset)


async def _admin_detail(session: AsyncSession, b: Booking) -> s.BookingAdminOut:
    p = await performers.get(session, b.performer_id)
    u = await users.get(session, b.user_id)
    return render.booking_admin(b, p, u, await history(session, b.id))


@router.get(
    "/bookings/{booking_id}",
    response_model=s.BookingAdminOut,
    summary="Booking detail with its history",
    responses=ERRORS_404,
)
async def get_admin_booking(
    booking_id: BookingId, session: SessionDep, admin: AdminDep
) -> s.BookingAdminOut:
    return await _admin_detail(session, await bookings.get_booking(session, booking_id))


@router.post(
    "/bookings/{booking_id}/cancel",
    response_model=s.CancellationOut,
    summary="Cancel as an admin: always a full refund",
    responses=ERRORS_409,
)
async def cancel_admin_booking(
    booking_id: BookingId,
    body: s.CancelIn,
    session: SessionDep,
    admin: AdminDep,
    clock: ClockDep,
    rules: RulesDep,
) -> s.CancellationOut:
    b = await bookings.get_booking(session, booking_id, lock=True)
    # Cancel and owe the refund the policy gives, in one transaction (F-BK-5, F-PAY-5).
    done = (
        await refunds.cancel_booking(
            session,
            b,
            by=admin.as_actor(),
            now=clock.now(),
            rules=rules,
            reason=body.reason,
        )
    ).cancellation
    p = await performers.get(session, b.performer_id)
    return s.CancellationOut(
        booking=render.booking(b, p, b.user_timezone),
        was_paid=done.was_paid,
        refund=render.refund(done.refund, b.currency),
    )


@router.post(
    "/bookings/{booking_id}/reschedule",
    response_model=s.BookingAdminOut,
    summary="Move a confirmed booking to another free slot",
    responses=ERRORS_409,
)
async def reschedule_admin_booking(
    booking_id: BookingId,
    body: s.RescheduleIn,
    session: SessionDep,
    admin: AdminDep,
    clock: ClockDep,
    rules: RulesDep,
) -> s.BookingAdminOut:
    b = await bookings.get_booking(session, booking_id, lock=True)
    p = await performers.get(session, b.performer_id)
    await bookings.reschedule(
        session,
        b,
        p,
        new_start=body.start,
        by=admin.as_actor(),
        now=clock.now(),
        rules=rules,
    )
    return await _admin_detail(session, b)


@router.get(
    "/conflicts",
    response_model=s.Page[s.ConflictOut],
    summary="Upcoming bookings that their performer's schedule no longer covers (F-AV-9)",
    responses=ERRORS,
)
async def list_conflicts(
    session: SessionDep,
    admin: AdminDep,
    clock: ClockDep,
    page: PagingDep,
    performer_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> dict[str, object]:
    found = await coverage.all_conflicts(session, clock.now(), performer_id)
    out = [
        s.ConflictOut(performer_id=p.id, booking=render.booking(b, p, p.timezone)) for p, b in found
    ]
    return s.page_of(out[page.offset : page.offset + page.limit], len(out), page.limit, page.offset)


# --- roles (superadmin) --------------------------------------------------------------------


@router.get(
    "/roles",
    response_model=s.Page[s.MemberOut],
    summary="Members holding a role: admins, superadmins, performers (F-ADM-5)",
    responses=ERRORS,
)
async def list_roles(
    session: SessionDep, admin: SuperadminDep, page: PagingDep
) -> dict[str, object]:
    rows, total = await find_members(
        session, MemberFilters(with_role_only=True), limit=page.limit, offset=page.offset
    )
    items = [render.member(r.user, r.performer_id) for r in rows]
    return s.page_of(items, total, page.limit, page.offset)


@router.post(
    "/roles",
    response_model=s.MemberOut,
    summary="Grant or revoke PERFORMER or ADMIN (superadmin only)",
    responses=ERRORS_409,
)
async def change_role(
    body: s.RoleIn, session: SessionDep, admin: SuperadminDep, clock: ClockDep
) -> s.MemberOut:
    user = await users.by_telegram_id(session, body.telegram_id)
    if user is None:
        raise NotFound(
            "no member with that Telegram id (they must have opened the bot)",
            telegram_id=body.telegram_id,
        )
    actor, now, grant = admin.as_actor(), clock.now(), body.action == "grant"
    if body.role == "admin":
        await membership.set_admin(session, user, grant, actor, now)
    elif not grant:
        await accounts.unlink_performer(session, user, actor, now)
    elif body.performer_id is None:
        raise InvalidInput("granting PERFORMER needs performer_id", field="performer_id")
    else:
        target = await performers.get(session, body.performer_id)
        await accounts.link_performer(session, user, target, actor, now)
    current = await accounts.of_user(session, user.id)
    return render.member(user, current.id if current else None)
