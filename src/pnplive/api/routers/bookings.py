"""Bookings: hold + create with an Idempotency-Key, details, confirm, cancel, reschedule, mine."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.api import render
from pnplive.api import schemas as s
from pnplive.api.common import PagingDep, errors
from pnplive.api.deps import (
    ClockDep,
    Principal,
    PrincipalDep,
    RulesDep,
    SessionDep,
    TimingDep,
    UserDep,
    get_settings_dep,
    limit_bookings,
)
from pnplive.api.idempotent import IdempotencyKeyHeader, run
from pnplive.booking import service as bookings
from pnplive.booking.access import Party, may_confirm, may_view, viewer_party
from pnplive.booking.models import Booking
from pnplive.booking.queries import BookingFilters, When, list_bookings, performers_by_id
from pnplive.booking.states import Status
from pnplive.payment import refunds
from pnplive.performer import service as performers
from pnplive.performer.models import Performer
from pnplive.video.models import Side
from pnplive.video.view import call_view

router = APIRouter(tags=["bookings"])

BookingId = Annotated[
    str, Path(pattern=r"^[0-9a-f]{16}$", description="Public booking id.", examples=["9f2c1a7b"])
]


# Whose join link a reader gets: their own; admins get none.
CALL_SIDE = {Party.MEMBER: Side.MEMBER, Party.PERFORMER: Side.PERFORMER}


def viewer_zone(principal: Principal, party: Party, b: Booking) -> str:
    if party is Party.MEMBER and principal.user is not None:
        return principal.user.timezone
    if party is Party.PERFORMER and principal.performer is not None:
        return principal.performer.timezone
    return b.user_timezone


async def accessible(
    session: AsyncSession, principal: Principal, booking_id: str, *, lock: bool = False
) -> tuple[Booking, Party]:
    b = await bookings.get_booking(session, booking_id, lock=lock)
    return b, may_view(principal.as_actor(), b)


@router.post(
    "/api/bookings",
    response_model=s.BookingOut,
    status_code=201,
    summary="Hold a slot and create the booking (F-BK-1)",
    description="Places the hold and, when `accept_rules` is true, confirms it into "
    "`pending_payment` with a payment deadline, in one transaction. The access rules (F-ACC-1) "
    "answer 403 with their own codes: age_not_verified, terms_not_accepted, "
    "performers_cannot_book, user_restricted, prime_required, performer_unavailable, "
    "no_availability. A taken slot is 409 slot_taken; a time that is not offered is 422 "
    "slot_unavailable. Requires an `Idempotency-Key`.",
    responses=errors(401, 403, 404, 409, 422, 429),
    dependencies=[Depends(limit_bookings)],
)
async def create_booking(
    body: s.BookingIn,
    idempotency_key: IdempotencyKeyHeader,
    session: SessionDep,
    principal: UserDep,
    clock: ClockDep,
    rules: RulesDep,
) -> object:
    now = clock.now()
    assert principal.user is not None
    user = principal.user

    async def work() -> s.BookingOut:
        p = await performers.get(session, body.performer_id, photos=False)
        b = await bookings.place_hold(
            session,
            user=user,
            performer=p,
            start_at=body.start,
            duration=body.duration,
            now=now,
            rules=rules,
            call_type=body.call_type.value,
            # Sign-in has just looked up the member's performer account.
            is_performer=principal.performer is not None,
        )
        if body.accept_rules:
            await bookings.confirm_hold(session, b, now=now, rules=rules, actor_id=user.id)
        return render.booking(b, p, user.timezone)

    return await run(session, principal, idempotency_key, "create", body, now, work)


@router.get(
    "/api/bookings/my",
    response_model=s.Page[s.BookingOut],
    summary="My bookings (F-BK-7)",
    description="Upcoming ones soonest first; past and all most recent first. Times in my zone.",
    responses=errors(401, 403, 422, 429),
)
async def my_bookings(
    session: SessionDep,
    principal: UserDep,
    clock: ClockDep,
    page: PagingDep,
    when: When = When.UPCOMING,
    status: Annotated[list[Status] | None, Query(max_length=10)] = None,
) -> dict[str, object]:
    assert principal.user is not None
    user = principal.user
    found = await list_bookings(
        session,
        BookingFilters(user_id=user.id, statuses=tuple(x.value for x in status or ()), when=when),
        now=clock.now(),
        limit=page.limit,
        offset=page.offset,
    )
    perf = await performers_by_id(session, (b.performer_id for b in found.items))
    items = [render.booking(b, perf[b.performer_id], user.timezone) for b in found.items]
    return s.page_of(items, found.total, page.limit, page.offset)


async def _performer_of(session: AsyncSession, b: Booking) -> Performer:
    return await performers.get(session, b.performer_id)


@router.get(
    "/api/bookings/{booking_id}",
    response_model=s.BookingOut,
    summary="Booking details (its member, its performer, admins)",
    responses=errors(401, 403, 404, 422, 429),
)
async def get_booking(
    booking_id: BookingId,
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    clock: ClockDep,
    timing: TimingDep,
) -> s.BookingOut:
    b, party = await accessible(session, principal, booking_id)
    out = render.booking(b, await _performer_of(session, b), viewer_zone(principal, party, b))
    view = await call_view(
        session,
        b,
        side=CALL_SIDE.get(party),
        with_activity=party in (Party.PERFORMER, Party.ADMIN),
        now=clock.now(),
        timing=timing,
        base_url=get_settings_dep(request).public_base_url,
    )
    out.call = render.call(view)
    return out


@router.post(
    "/api/bookings/{booking_id}/confirm",
    response_model=s.BookingOut,
    summary="Accept the call rules: held → pending_payment (F-BK-1)",
    responses=errors(401, 403, 404, 409, 422, 429),
    dependencies=[Depends(limit_bookings)],
)
async def confirm_booking(
    booking_id: BookingId,
    body: s.ConfirmIn,
    session: SessionDep,
    principal: UserDep,
    clock: ClockDep,
    rules: RulesDep,
) -> s.BookingOut:
    assert principal.user is not None
    b = await bookings.get_booking(session, booking_id, lock=True)
    may_confirm(principal.as_actor(), b)
    await bookings.confirm_hold(session, b, now=clock.now(), rules=rules, actor_id=b.user_id)
    return render.booking(b, await _performer_of(session, b), principal.user.timezone)


@router.post(
    "/api/bookings/{booking_id}/cancel",
    response_model=s.CancellationOut,
    summary="Cancel (F-BK-5): the member before the cutoff, the performer or an admin",
    description="Frees the slot and says what the policy refunds: a member's cancellation by "
    "hours before the start; a performer's or admin's always in full. The refund itself is "
    "carried out by the payment side.",
    responses=errors(401, 403, 404, 409, 422, 429),
    dependencies=[Depends(limit_bookings)],
)
async def cancel_booking(
    booking_id: BookingId,
    body: s.CancelIn,
    session: SessionDep,
    principal: PrincipalDep,
    clock: ClockDep,
    rules: RulesDep,
) -> s.CancellationOut:
    b = await bookings.get_booking(session, booking_id, lock=True)
    # Cancel and owe the refund the policy gives, in one transaction (F-BK-5, F-PAY-5).
    actor = principal.as_actor()
    done = (
        await refunds.cancel_booking(
            session, b, by=actor, now=clock.now(), rules=rules, reason=body.reason
        )
    ).cancellation
    zone = viewer_zone(principal, viewer_party(actor, b) or done.by, b)
    return s.CancellationOut(
        booking=render.booking(b, await _performer_of(session, b), zone),
        was_paid=done.was_paid,
        refund=render.refund(done.refund, b.currency),
    )


@router.post(
    "/api/bookings/{booking_id}/reschedule",
    response_model=s.BookingOut,
    summary="Move a confirmed booking to another free slot (F-BK-6)",
    description="The member (before the cutoff) or an admin. A performer needs the member's "
    "consent: performers get 403 user_consent_required here and propose the time with "
    "POST /api/bookings/{booking_id}/proposal instead.",
    responses=errors(401, 403, 404, 409, 422, 429),
    dependencies=[Depends(limit_bookings)],
)
async def reschedule_booking(
    booking_id: BookingId,
    body: s.RescheduleIn,
    session: SessionDep,
    principal: PrincipalDep,
    clock: ClockDep,
    rules: RulesDep,
) -> s.BookingOut:
    b = await bookings.get_booking(session, booking_id, lock=True)
    p = await _performer_of(session, b)
    actor = principal.as_actor()
    await bookings.reschedule(
        session, b, p, new_start=body.start, by=actor, now=clock.now(), rules=rules
    )
    return render.booking(b, p, viewer_zone(principal, viewer_party(actor, b) or Party.ADMIN, b))
