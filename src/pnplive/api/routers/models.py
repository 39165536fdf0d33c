"""Browse performers, profiles, free slots, smart matching and instant calls (SPEC §14)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from pnplive.api import render
from pnplive.api import schemas as s
from pnplive.api.common import PagingDep, clamp_days, errors, local_today, zone_of
from pnplive.api.deps import (
    ClockDep,
    Principal,
    RulesDep,
    SessionDep,
    SlotCacheDep,
    UserDep,
    ViewerDep,
    limit_bookings,
)
from pnplive.api.idempotent import IdempotencyKeyHeader, run
from pnplive.api.slot_cache import RenderedSheet, SheetKey
from pnplive.availability.explain import explain
from pnplive.availability.matching import Wish
from pnplive.availability.slots import bookable_window, check_duration, local_day_bounds
from pnplive.booking import service as bookings
from pnplive.booking.instant import place_instant_hold
from pnplive.booking.service import slot_rules
from pnplive.catalog.browse import browse
from pnplive.catalog.matching import smart_match
from pnplive.catalog.slot_sheet import SlotSheet, performer_and_version, slot_sheet
from pnplive.catalog.slots import performer_slots, shortest_duration
from pnplive.errors import InvalidInput, NotFound
from pnplive.kit.i18n import language_of
from pnplive.performer import service as performers
from pnplive.performer.models import Performer
from pnplive.performer.queries import BrowseFilters, BrowseSort
from pnplive.performer.queries import bookable as bookable_clause
from pnplive.user.service import check_timezone

router = APIRouter(tags=["performers"])

PerformerId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Performer id.")]
Tz = Annotated[
    str | None,
    Query(
        max_length=64,
        description="IANA zone for days and local times; default: the viewer's zone.",
        examples=["Europe/Madrid"],
    ),
]
HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"
NEXT_SLOTS = 6


def check_visible(p: Performer, viewer: Principal) -> Performer:
    """The performer, if this viewer may see it (hidden or inactive ones only for admins)."""
    if not p.is_bookable and not viewer.is_admin and viewer.performer is not p:
        raise NotFound("no such performer", performer=p.id)
    return p


async def visible_performer(session: SessionDep, performer_id: int, viewer: Principal) -> Performer:
    return check_visible(await performers.get(session, performer_id), viewer)


@router.get(
    "/api/models",
    response_model=s.Page[s.PerformerCard],
    summary="Browse performers (F-PRF-5)",
    responses=errors(401, 403, 422, 429),
)
async def list_models(
    session: SessionDep,
    viewer: ViewerDep,
    clock: ClockDep,
    rules: RulesDep,
    page: PagingDep,
    q: Annotated[str | None, Query(max_length=64, description="Search name and bio.")] = None,
    tags: Annotated[list[str] | None, Query(max_length=10, description="All of these.")] = None,
    language: Annotated[str | None, Query(pattern=r"^[a-z]{2}$")] = None,
    online: Annotated[bool | None, Query(description="Only online (true) or not.")] = None,
    price_min: Annotated[int | None, Query(ge=0, le=10_000_000)] = None,
    price_max: Annotated[int | None, Query(ge=0, le=10_000_000)] = None,
    currency: Annotated[str | None, Query(pattern=r"^[A-Za-z]{3,4}$")] = None,
    min_rating: Annotated[float | None, Query(ge=0, le=5, allow_inf_nan=False)] = None,
    available_on: Annotated[
        date | None, Query(description="Has a free slot that day (in tz).")
    ] = None,
    tz: Tz = None,
    sort: Annotated[BrowseSort, Query(description="online first (default), rating, price")] = (
        BrowseSort.ONLINE
    ),
) -> dict[str, object]:
    zone = zone_of(tz, viewer.timezone)
    filters = BrowseFilters(
        q=q or None,
        tags=tuple(t for t in tags or () if t),
        language=language,
        online=online,
        price_min=price_min,
        price_max=price_max,
        currency=currency,
        min_rating=min_rating,
        available_on=available_on,
        zone=zone.key,
        sort=sort,
    )
    found = await browse(
        session, filters, now=clock.now(), rules=rules, limit=page.limit, offset=page.offset
    )
    return s.page_of([render.card(p) for p in found.items], found.total, page.limit, page.offset)


@router.get(
    "/api/models/{performer_id}",
    response_model=s.PerformerProfile,
    summary="Performer profile (F-PRF-6)",
    responses=errors(401, 403, 404, 422, 429),
)
async def get_model(
    performer_id: PerformerId,
    session: SessionDep,
    viewer: ViewerDep,
    clock: ClockDep,
    rules: RulesDep,
    tz: Tz = None,
) -> s.PerformerProfile:
    zone = zone_of(tz, viewer.timezone)
    p = await visible_performer(session, performer_id, viewer)
    minutes = shortest_duration(p)
    found = await performer_slots(session, p, slot_rules(p, minutes, rules), clock.now())
    return render.profile(p, found[:NEXT_SLOTS], minutes, zone)


@router.get(
    "/api/models/{performer_id}/availability",
    response_model=s.AvailabilityOut,
    summary="Free slots over a date range (F-AV-3, F-AV-4)",
    description="Days are taken in `tz`; the range is clipped to the booking horizon. Each slot "
    "is given in UTC and in `tz`; daylight-saving changes are honoured.",
    responses=errors(401, 403, 404, 422, 429),
)
async def availability(
    performer_id: PerformerId,
    session: SessionDep,
    viewer: ViewerDep,
    clock: ClockDep,
    rules: RulesDep,
    cache: SlotCacheDep,
    duration: Annotated[int | None, Query(ge=15, le=120, description="Minutes.")] = None,
    from_: Annotated[date | None, Query(alias="from", description="First day.")] = None,
    to: Annotated[date | None, Query(description="Last day (inclusive).")] = None,
    tz: Tz = None,
) -> Response:
    zone = zone_of(tz, viewer.timezone)
    found = await performer_and_version(session, performer_id)
    if found is None:
        raise NotFound("no such performer", performer=performer_id)
    p, version = check_visible(found[0], viewer), found[1]
    minutes = duration if duration is not None else shortest_duration(p)
    if not check_duration(minutes, p.min_duration, p.max_duration):
        raise InvalidInput(
            f"this performer takes {p.min_duration}-{p.max_duration} minutes in 15-minute steps",
            field="duration",
        )
    now = clock.now()
    first, last = clamp_days(from_, to, local_today(now, zone), rules.horizon_days)
    srules = slot_rules(p, minutes, rules)
    key = SheetKey(
        performer_id=p.id,
        duration=minutes,
        first=first,
        last=last,
        zone=zone.key,
        performer_zone=p.timezone,
        buffer_before=p.buffer_before,
        buffer_after=p.buffer_after,
        step_minutes=srules.step_minutes,
    )
    sheet = cache.get(key, version, now)
    if sheet is None:
        computed = SlotSheet([])
        if first <= last:
            lo = local_day_bounds(zone, first).start
            hi = local_day_bounds(zone, last).end
            computed = await slot_sheet(session, p, srules, lo, hi, now)
        sheet = cache.put(
            key,
            RenderedSheet.of(
                computed,
                version=version,
                now=now,
                duration=minutes,
                zone=zone,
                first=first,
                last=last,
            ),
        )
    # Notice and horizon at read time: the clock moves them without any write.
    earliest, latest = bookable_window(now, srules)
    head = render.availability_head(
        p.id, minutes, zone.key, p.price_per_minute * minutes, p.currency
    )
    body = render.availability_document(head, sheet.days_json(earliest, latest))
    return Response(body, media_type="application/json")


@router.get(
    "/api/match",
    response_model=s.MatchList,
    summary="Smart matching across performers (F-AV-7)",
    description="Scores every free slot of the matching performers in the date range: "
    "closeness to the time-of-day window (60%), rating (30%), online now (10%). At most three "
    "slots per performer; each result says why it was chosen.",
    responses=errors(401, 403, 422, 429),
)
async def match(
    session: SessionDep,
    viewer: ViewerDep,
    clock: ClockDep,
    rules: RulesDep,
    duration: Annotated[int, Query(ge=15, le=120, multiple_of=15, examples=[30])],
    from_: Annotated[date | None, Query(alias="from", description="First day; today.")] = None,
    to: Annotated[date | None, Query(description="Last day (inclusive); from + 2.")] = None,
    time_from: Annotated[str | None, Query(pattern=HHMM, examples=["18:00"])] = None,
    time_to: Annotated[str | None, Query(pattern=HHMM, examples=["22:00"])] = None,
    tags: Annotated[list[str] | None, Query(max_length=10)] = None,
    price_max: Annotated[int | None, Query(ge=0, le=10_000_000, description="Per minute.")] = None,
    currency: Annotated[str | None, Query(pattern=r"^[A-Za-z]{3,4}$")] = None,
    tz: Tz = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
    lang: Annotated[
        str | None, Query(pattern=r"^[a-z]{2}$", description="Language of the reasons.")
    ] = None,
) -> s.MatchList:
    zone = zone_of(tz, viewer.timezone)
    now = clock.now()
    if (time_from is None) != (time_to is None):
        raise InvalidInput("give both time_from and time_to, or neither", field="time_to")
    window: tuple[int | None, int | None] = (None, None)
    if time_from is not None and time_to is not None:
        a = int(time_from[:2]) * 60 + int(time_from[3:])
        b = int(time_to[:2]) * 60 + int(time_to[3:])
        window = (a, b if b > a else b + 1440)
    wish = Wish(zone=zone, duration=duration, window_start=window[0], window_end=window[1])
    today = local_today(now, zone)
    start_day = from_ if from_ is not None else today
    end_day = to if to is not None else start_day + timedelta(days=2)
    first, last = clamp_days(start_day, end_day, today, rules.horizon_days)
    filters = BrowseFilters(
        tags=tuple(t for t in tags or () if t), price_max=price_max, currency=currency
    )
    reader = language_of(lang or (viewer.user.language if viewer.user is not None else None))
    best = await smart_match(
        session, wish, first=first, last=last, filters=filters, now=now, rules=rules, limit=limit
    )
    return s.MatchList(
        timezone=zone.key,
        duration=duration,
        items=[
            s.MatchOut(
                performer=render.card(f.performer),
                slot=render.slot(f.match.candidate.start, duration, zone),
                score=f.match.score,
                reasons=explain(f.match.reasons, reader),
            )
            for f in best
        ],
    )


@router.post(
    "/api/models/{performer_id}/instant",
    response_model=s.BookingOut,
    status_code=201,
    summary="Instant call with an online performer (F-AV-8)",
    description="Holds a call starting within minutes. With accept_rules true the booking goes "
    "straight to pending_payment. Same Idempotency-Key rules as POST /api/bookings.",
    responses=errors(401, 403, 404, 409, 422, 429),
    dependencies=[Depends(limit_bookings)],
)
async def instant(
    performer_id: PerformerId,
    body: s.InstantIn,
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
        p = await visible_performer(session, performer_id, principal)
        b = await place_instant_hold(
            session,
            user=user,
            performer=p,
            duration=body.duration,
            now=now,
            rules=rules,
            call_type=body.call_type.value,
        )
        if body.accept_rules:
            await bookings.confirm_hold(session, b, now=now, rules=rules, actor_id=user.id)
        return render.booking(b, p, user.timezone)

    return await run(
        session, principal, idempotency_key, f"instant:{performer_id}", body, now, work
    )


__all__ = ["bookable_clause", "check_timezone", "router"]
