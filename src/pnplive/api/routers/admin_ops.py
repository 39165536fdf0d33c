"""Operations for admins: jobs the worker gave up on, and refunds to ask for again (F-WRK-1)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from pnplive.api import render
from pnplive.api import schemas as s
from pnplive.api.common import PagingDep, errors
from pnplive.api.deps import AdminDep, ClockDep, SessionDep
from pnplive.payment import refunds
from pnplive.worker import dead

router = APIRouter(prefix="/api/admin", tags=["admin"])
JobId = Annotated[int, Path(ge=1, le=2**31 - 1)]
RefundId = Annotated[str, Path(pattern=r"^re_[0-9a-f]{24}$")]


class JobOut(BaseModel):
    id: int
    kind: str
    key: str
    payload: dict[str, Any]
    attempts: int
    last_error: str | None
    due_at: datetime
    done_at: datetime | None


class RefundRetryOut(BaseModel):
    refund: str
    status: str
    amount: s.MoneyOut


@router.get(
    "/jobs/dead",
    response_model=s.Page[JobOut],
    summary="Jobs the worker gave up on after its retries, newest first",
    responses=errors(401, 403, 422, 429),
)
async def dead_jobs(
    session: SessionDep,
    _admin: AdminDep,
    page: PagingDep,
    kind: Annotated[str | None, Query(max_length=64)] = None,
) -> dict[str, object]:
    jobs, total = await dead.dead_jobs(session, kind=kind, limit=page.limit, offset=page.offset)
    items = [JobOut.model_validate(j, from_attributes=True) for j in jobs]
    return s.page_of(items, total, page.limit, page.offset)


@router.post(
    "/jobs/{job_id}/retry",
    response_model=JobOut,
    summary="Run a dead job again",
    responses=errors(401, 403, 404, 409, 422, 429),
)
async def retry_job(
    job_id: JobId, session: SessionDep, _admin: AdminDep, clock: ClockDep
) -> JobOut:
    return JobOut.model_validate(
        await dead.retry(session, job_id, clock.now()), from_attributes=True
    )


@router.post(
    "/refunds/{refund_id}/retry",
    response_model=RefundRetryOut,
    summary="Ask a failed refund of its provider again (same idempotency key)",
    responses=errors(401, 403, 404, 409, 422, 429),
)
async def retry_refund(
    refund_id: RefundId, session: SessionDep, admin: AdminDep, clock: ClockDep
) -> RefundRetryOut:
    r = await refunds.retry_refund(session, refund_id, admin_id=admin.actor_id, now=clock.now())
    return RefundRetryOut(
        refund=r.public_id, status=r.status, amount=render.money(r.amount, r.currency)
    )
