"""Small helpers shared by the routers: paging, zones, date ranges, error documentation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Depends, Query, Request

from pnplive.api.errors import ErrorResponse
from pnplive.errors import InvalidInput
from pnplive.user.service import check_timezone


@dataclass(frozen=True, slots=True)
class Paging:
    limit: int
    offset: int


def paging(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=1000, description="Page size (at most 100).")] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip.")] = 0,
) -> Paging:
    cap: int = request.app.state.api_settings.max_page_size
    return Paging(limit=min(limit, cap), offset=offset)


PagingDep = Annotated[Paging, Depends(paging)]


def zone_of(name: str | None, fallback: str) -> ZoneInfo:
    return ZoneInfo(check_timezone(name or fallback))


def clamp_days(
    start: date | None, end: date | None, today: date, horizon_days: int
) -> tuple[date, date]:
    """[start, end] (inclusive local days) defaulting to the whole horizon, clipped to it."""
    last = today + timedelta(days=horizon_days)
    lo = today if start is None else max(start, today - timedelta(days=1))
    hi = last if end is None else min(end, last)
    if start is not None and end is not None and end < start:
        raise InvalidInput("'to' must not be before 'from'", field="to")
    return lo, hi


def local_today(now: datetime, zone: ZoneInfo) -> date:
    return now.astimezone(zone).date()


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI documentation of the error responses an operation can give."""
    text = {
        400: "Bad request (for example a webhook that fails verification).",
        401: "Not signed in (missing, invalid or expired initData or token).",
        403: "Signed in, but this role or member may not do this.",
        404: "No such resource.",
        409: "Conflict with the current state (for example the slot was taken).",
        422: "Invalid input.",
        429: "Too many requests; see Retry-After.",
    }
    return {
        code: {"model": ErrorResponse, "description": text.get(code, "Error.")} for code in statuses
    }
