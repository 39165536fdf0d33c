"""Money for admins (F-ADM-2, F-PAY-4): payments (flagged ones too), refunds (the ones owed by
hand too), and one performer's ledger with balances."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from pnplive.api import render
from pnplive.api import schemas as s
from pnplive.api.common import PagingDep, errors
from pnplive.api.deps import AdminDep, SessionDep
from pnplive.api.routers.payments import balance_out, entry_out, payout_out
from pnplive.earning import service as earning
from pnplive.payment import queries
from pnplive.payment import schemas as ps
from pnplive.performer import service as performers

router = APIRouter(prefix="/api/admin", tags=["admin"])
PerformerId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Status = Annotated[str | None, Query(pattern=r"^[a-z_]{3,20}$")]
Provider = Annotated[str | None, Query(pattern=r"^[a-z_]{3,20}$")]
Since = Annotated[datetime | None, Query(alias="from", description="Created at or after.")]
Until = Annotated[datetime | None, Query(alias="to", description="Created before.")]


class PaymentAdminOut(BaseModel):
    id: str
    booking_id: str
    provider: str
    status: str
    amount: s.MoneyOut
    paid: s.MoneyOut | None
    applied: bool
    flag_reason: str | None
    transaction_id: str | None
    created_at: datetime
    paid_at: datetime | None


class RefundAdminOut(BaseModel):
    id: str
    booking_id: str
    payment_id: str
    provider: str
    status: str
    amount: s.MoneyOut
    reason: str
    requested_by: str
    attempts: int
    last_error: str | None
    created_at: datetime
    completed_at: datetime | None


class LedgerOut(BaseModel):
    performer_id: int
    balances: list[ps.BalanceOut]
    entries: list[ps.LedgerEntryOut]
    payouts: list[ps.PayoutOut]


def _filters(
    status: str | None,
    provider: str | None,
    performer_id: int | None,
    start: datetime | None,
    end: datetime | None,
) -> queries.MoneyFilters:
    return queries.MoneyFilters(status, provider, performer_id, start, end)


@router.get(
    "/payments",
    response_model=s.Page[PaymentAdminOut],
    summary="Payments, newest first; status=flagged for money that did not match its booking",
    responses=errors(401, 403, 422, 429),
)
async def list_payments(
    session: SessionDep,
    _admin: AdminDep,
    page: PagingDep,
    status: Status = None,
    provider: Provider = None,
    performer_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    start: Since = None,
    end: Until = None,
) -> dict[str, object]:
    rows, total = await queries.payments(
        session,
        _filters(status, provider, performer_id, start, end),
        limit=page.limit,
        offset=page.offset,
    )
    items = [
        PaymentAdminOut(
            id=r.payment.public_id,
            booking_id=r.booking,
            provider=r.payment.provider,
            status=r.payment.status,
            amount=render.money(r.payment.amount, r.payment.currency),
            paid=render.money(r.payment.paid_amount, r.payment.paid_currency or r.payment.currency)
            if r.payment.paid_amount is not None
            else None,
            applied=r.payment.applied,
            flag_reason=r.payment.flag_reason,
            transaction_id=r.payment.transaction_id,
            created_at=r.payment.created_at,
            paid_at=r.payment.paid_at,
        )
        for r in rows
    ]
    return s.page_of(items, total, page.limit, page.offset)


@router.get(
    "/refunds",
    response_model=s.Page[RefundAdminOut],
    summary="Refunds, newest first; status=manual_required for those owed by hand",
    responses=errors(401, 403, 422, 429),
)
async def list_refunds(
    session: SessionDep,
    _admin: AdminDep,
    page: PagingDep,
    status: Status = None,
    provider: Provider = None,
    performer_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    start: Since = None,
    end: Until = None,
) -> dict[str, object]:
    rows, total = await queries.refunds(
        session,
        _filters(status, provider, performer_id, start, end),
        limit=page.limit,
        offset=page.offset,
    )
    items = [
        RefundAdminOut(
            id=r.refund.public_id,
            booking_id=r.booking,
            payment_id=r.payment,
            provider=r.refund.provider,
            status=r.refund.status,
            amount=render.money(r.refund.amount, r.refund.currency),
            reason=r.refund.reason,
            requested_by=r.refund.requested_by,
            attempts=r.refund.attempts,
            last_error=r.refund.last_error,
            created_at=r.refund.created_at,
            completed_at=r.refund.completed_at,
        )
        for r in rows
    ]
    return s.page_of(items, total, page.limit, page.offset)


@router.get(
    "/models/{performer_id}/ledger",
    response_model=LedgerOut,
    summary="One performer's ledger: balances per currency, entries newest first, payouts",
    responses=errors(401, 403, 404, 422, 429),
)
async def performer_ledger(
    performer_id: PerformerId,
    session: SessionDep,
    _admin: AdminDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> LedgerOut:
    p = await performers.get(session, performer_id)
    entries = await earning.entries(session, p.id, limit=limit, offset=offset)
    booking_ids = await earning.booking_public_ids(session, entries)
    return LedgerOut(
        performer_id=p.id,
        balances=[balance_out(b) for b in await earning.balances(session, p.id)],
        entries=[entry_out(e, booking_ids) for e in entries],
        payouts=[payout_out(x) for x in await earning.payouts(session, p.id)],
    )
