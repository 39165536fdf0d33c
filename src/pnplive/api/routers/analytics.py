"""Admin analytics (F-ADM-3) and exports (F-ADM-4) over a date range, optionally one performer.

Days are the viewer's (``tz``, default their own zone): ``from`` and ``to`` are inclusive local
dates, turned into UTC bounds across any daylight-saving change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse, StreamingResponse
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask

from pnplive.analytics import service as a
from pnplive.analytics.exports import EXPORTS, csv_chunks, xlsx_file
from pnplive.analytics.rates import Rate
from pnplive.api import render
from pnplive.api import schemas as s
from pnplive.api.common import errors, zone_of
from pnplive.api.deps import AdminDep, ClockDep, SessionDep, get_db
from pnplive.availability.slots import local_day_bounds
from pnplive.errors import InvalidInput
from pnplive.kit.db import Database

router = APIRouter(prefix="/api/admin", tags=["analytics"])
MAX_DAYS = 400
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True, slots=True)
class Range:
    scope: a.Scope
    zone: str


def date_range(
    admin: AdminDep,
    clock: ClockDep,
    start: Annotated[date | None, Query(alias="from", description="First day (local).")] = None,
    end: Annotated[
        date | None, Query(alias="to", description="Last day (local), inclusive.")
    ] = None,
    tz: Annotated[str | None, Query(max_length=64, description="IANA zone of the days.")] = None,
    performer_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Range:
    zone = zone_of(tz, admin.timezone)
    today = clock.now().astimezone(zone).date()
    last = end or today
    first = start or (last - timedelta(days=29))
    if last < first:
        raise InvalidInput("'to' must not be before 'from'", field="to")
    if (last - first).days >= MAX_DAYS:
        raise InvalidInput(f"at most {MAX_DAYS} days at a time", field="from")
    lo = local_day_bounds(zone, first).start
    hi = local_day_bounds(zone, last).end
    return Range(a.Scope(lo, hi, performer_id), zone.key)


RangeDep = Annotated[Range, Depends(date_range)]


class RateOut(BaseModel):
    numerator: int
    denominator: int
    percent: Decimal | None = Field(description="One decimal, rounded half up; null when 0/0.")


def rate(r: Rate) -> RateOut:
    return RateOut(numerator=r.numerator, denominator=r.denominator, percent=r.percent)


class MoneyLineOut(BaseModel):
    currency: str
    payments: s.MoneyOut
    refunds: s.MoneyOut
    net: s.MoneyOut
    commission: s.MoneyOut
    performer_earnings: s.MoneyOut


class PerformerCountOut(BaseModel):
    performer_id: int
    display_name: str
    bookings: int
    booked_minutes: int


class RatingOut(BaseModel):
    performer_id: int
    display_name: str
    reviews: int
    average: Decimal | None


class HoursOut(BaseModel):
    zone: str
    grid: list[list[int]] = Field(description="7 rows (Monday first) × 24 hours of the zone.")


class AnalyticsOut(BaseModel):
    start: str
    end: str
    zone: str
    performer_id: int | None
    money: list[MoneyLineOut]
    bookings_per_performer: list[PerformerCountOut]
    ratings: list[RatingOut]
    busiest_hours: HoursOut
    payment_success: RateOut
    refund_rate: RateOut
    performer_no_shows: RateOut
    member_no_shows: RateOut
    utilisation: RateOut


@router.get(
    "/analytics",
    response_model=AnalyticsOut,
    summary="Every figure of F-ADM-3 for a range (and a performer)",
    responses=errors(401, 403, 422, 429),
)
async def analytics(session: SessionDep, r: RangeDep) -> AnalyticsOut:
    sc = r.scope
    money = await a.money(session, sc)
    ns = await a.no_shows(session, sc)
    util = await a.utilisation(session, sc)
    return AnalyticsOut(
        start=sc.start.isoformat(),
        end=sc.end.isoformat(),
        zone=r.zone,
        performer_id=sc.performer_id,
        money=[
            MoneyLineOut(
                currency=m.currency,
                payments=render.money(m.payments, m.currency),
                refunds=render.money(m.refunds, m.currency),
                net=render.money(m.net, m.currency),
                commission=render.money(m.commission, m.currency),
                performer_earnings=render.money(m.performer_earnings, m.currency),
            )
            for m in money
        ],
        bookings_per_performer=[
            PerformerCountOut.model_validate(p, from_attributes=True)
            for p in await a.bookings_per_performer(session, sc)
        ],
        ratings=[
            RatingOut.model_validate(x, from_attributes=True) for x in await a.ratings(session, sc)
        ],
        busiest_hours=HoursOut(zone=r.zone, grid=await a.busiest_hours(session, sc, r.zone)),
        payment_success=rate(await a.payment_success(session, sc)),
        refund_rate=rate(await a.refund_rate(session, sc)),
        performer_no_shows=rate(ns.performer),
        member_no_shows=rate(ns.member),
        utilisation=rate(util.rate),
    )


@router.get(
    "/exports/{name}.{fmt}",
    summary="Bookings, payments, earnings or payouts as CSV or Excel (F-ADM-4), streamed",
    responses={
        200: {"content": {"text/csv": {}, XLSX: {}}, "description": "The file."},
        **errors(401, 403, 422, 429),
    },
    response_class=StreamingResponse,
    response_model=None,
)
async def export(
    name: Literal["bookings", "payments", "earnings", "payouts"],
    fmt: Literal["csv", "xlsx"],
    r: RangeDep,
    db: Annotated[Database, Depends(get_db)],
) -> StreamingResponse | FileResponse:
    spec = EXPORTS[name]
    filename = f"pnplive-{name}-{r.scope.start.date()}-{r.scope.end.date()}.{fmt}"
    disposition = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if fmt == "csv":
        return StreamingResponse(
            csv_chunks(db, spec, r.scope), media_type="text/csv; charset=utf-8", headers=disposition
        )
    path = await xlsx_file(db, spec, r.scope)
    return FileResponse(
        path,
        media_type=XLSX,
        headers=disposition,
        background=BackgroundTask(Path(path).unlink, missing_ok=True),
    )
