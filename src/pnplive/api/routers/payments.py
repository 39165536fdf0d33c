"""Payments over HTTP: provider webhooks, paying a booking, the sandbox checkout page,
performer earnings and the admin's revenue, payouts and refunds (F-PAY-1 … F-PAY-7).

Webhooks are verified on the raw body (``await request.body()`` before any parsing) and applied
in one transaction; a refused one answers 400/401 with ``{"error": …}`` and changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.api.deps import (
    AdminDep,
    ClockDep,
    PerformerDep,
    RulesDep,
    SessionDep,
    UserDep,
    commit_so_far,
    get_clock,
    get_db,
    get_settings_dep,
)
from pnplive.api.errors import ErrorResponse
from pnplive.booking import service as bookings
from pnplive.booking.models import Booking
from pnplive.booking.states import Status
from pnplive.earning import service as earning
from pnplive.earning.models import Payout
from pnplive.errors import InvalidInput, NotFound
from pnplive.kit.money import Money
from pnplive.payment import refunds, service
from pnplive.payment import schemas as ps
from pnplive.payment.errors import PaymentNotFound
from pnplive.payment.models import OPEN_STATUSES, LedgerEntry, Payment, PaymentStatus, Refund
from pnplive.payment.providers.registry import Providers, build
from pnplive.payment.providers.sandbox import SandboxProvider
from pnplive.payment.providers.telegram_stars import PRE_CHECKOUT
from pnplive.payment.settings import PaymentSettings

router = APIRouter(tags=["payments"])
templates = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))

ProviderName = Annotated[str, PathParam(pattern=r"^[a-z_]{2,24}$")]
PaymentId = Annotated[str, PathParam(pattern=r"^pay_[0-9a-f]{24}$")]
BookingId = Annotated[str, PathParam(pattern=r"^[0-9a-f]{16}$")]
RefundId = Annotated[str, PathParam(pattern=r"^re_[0-9a-f]{24}$")]
ERROR_TEXT = {
    400: "Malformed request or webhook body",
    401: "Not signed in, or the webhook's signature is missing, wrong or stale",
    403: "Not allowed",
    404: "Not found",
    409: "Conflict with the current state",
    422: "Invalid input",
    502: "The payment provider failed",
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {s: {"model": ErrorResponse, "description": ERROR_TEXT[s]} for s in statuses}


WEBHOOK_ERRORS = errors(400, 401, 404)


def get_providers(request: Request) -> Providers:
    """The configured providers, built once per app (tests may put their own on app.state)."""
    providers: Providers | None = getattr(request.app.state, "payment_providers", None)
    if providers is None:
        core = get_settings_dep(request)
        providers = build(
            PaymentSettings(
                public_base_url=core.public_base_url,
                secret_key=core.secret_key,
                bot_token=core.bot_token,
            )
        )
        request.app.state.payment_providers = providers
    return providers


def public_base_url(request: Request) -> str:
    return get_settings_dep(request).public_base_url


# --- webhooks ------------------------------------------------------------------------------


@router.post(
    "/webhooks/{provider}",
    response_model=ps.WebhookAck,
    summary="Provider webhook (stripe, epayco, wompi, daimo, telegram_stars, sandbox)",
    description="Telegram Stars: a ``pre_checkout_query`` update is answered in the reply "
    "(``answerPreCheckoutQuery``), as Telegram's webhook protocol allows.",
    responses=WEBHOOK_ERRORS,
)
async def webhook(provider: ProviderName, request: Request) -> Any:
    body = await request.body()
    db, clock = get_db(request), get_clock(request)
    result = await service.process_webhook(
        db,
        provider,
        body,
        dict(request.headers),
        providers=get_providers(request),
        clock=clock,
    )
    for event in result.events:
        if event.provider == "telegram_stars" and event.type == PRE_CHECKOUT:
            async with db.transaction() as s:
                ok, why = await service.pre_checkout(
                    s,
                    event.data["invoice_payload"],
                    currency=event.data["currency"],
                    total_amount=event.data["total_amount"],
                    now=clock.now(),
                )
            answer: dict[str, Any] = {
                "method": "answerPreCheckoutQuery",
                "pre_checkout_query_id": event.data["id"],
                "ok": ok,
            }
            if why:
                answer["error_message"] = why
            return JSONResponse(answer)
    return ps.WebhookAck(duplicate=result.duplicate, outcomes=[r.outcome for r in result.results])


@router.get(
    "/webhooks/epayco",
    response_model=ps.WebhookAck,
    summary="ePayco confirmation sent as a GET query",
    responses=WEBHOOK_ERRORS,
)
async def epayco_get(request: Request) -> ps.WebhookAck:
    result = await service.process_webhook(
        get_db(request),
        "epayco",
        request.url.query.encode(),
        dict(request.headers),
        providers=get_providers(request),
        clock=get_clock(request),
    )
    return ps.WebhookAck(duplicate=result.duplicate, outcomes=[r.outcome for r in result.results])


# --- paying a booking ----------------------------------------------------------------------


def checkout_out(p: Payment, booking_id: str, offered: list[str]) -> ps.CheckoutOut:
    return ps.CheckoutOut(
        payment_id=p.public_id,
        booking_id=booking_id,
        provider=p.provider,
        status=p.status,
        amount=p.amount,
        currency=p.currency,
        checkout_url=p.checkout_url,
        invoice=p.invoice,
        expires_at=p.expires_at,
        offered=offered,
    )


@router.get(
    "/api/bookings/{booking_id}/pay",
    response_model=ps.PayOptionsOut,
    summary="How a booking awaiting payment can be paid: the providers for its currency",
    responses=errors(401, 403, 404, 409, 422),
)
async def pay_options(
    booking_id: BookingId,
    request: Request,
    session: SessionDep,
    principal: UserDep,
    clock: ClockDep,
) -> ps.PayOptionsOut:
    assert principal.user is not None
    currency, offered = await service.payment_options(
        session,
        booking_id,
        providers=get_providers(request),
        now=clock.now(),
        user_id=principal.user.id,
    )
    return ps.PayOptionsOut(booking_id=booking_id, currency=currency, offered=offered)


@router.post(
    "/api/bookings/{booking_id}/pay",
    response_model=ps.CheckoutOut,
    summary="Open a checkout for a booking awaiting payment (F-BK-1)",
    description="Chooses a provider offered for the booking's currency (or the one named) and "
    "returns the checkout link, or the invoice for providers that pay in place. Asking again "
    "while a checkout is open returns the same one.",
    responses=errors(401, 403, 404, 409, 422, 502),
)
async def pay(
    booking_id: BookingId,
    body: ps.PayIn,
    request: Request,
    session: SessionDep,
    principal: UserDep,
    clock: ClockDep,
) -> ps.CheckoutOut:
    assert principal.user is not None
    providers = get_providers(request)
    # Hold no transaction (nor the booking's row lock) while the provider is called: the
    # request's work so far (sign-in) is committed, and the checkout runs in its own two.
    await commit_so_far(request, session)
    p = await service.start_checkout(
        get_db(request),
        booking_id,
        providers=providers,
        clock=clock,
        public_base_url=public_base_url(request),
        provider=body.provider,
        user_id=principal.user.id,
    )
    return checkout_out(p, booking_id, providers.offered(p.currency))


# --- sandbox checkout page -----------------------------------------------------------------


def _sandbox(request: Request) -> SandboxProvider:
    providers = get_providers(request)
    if "sandbox" not in providers:
        raise NotFound("sandbox payments are not enabled")
    provider = providers.get("sandbox")
    assert isinstance(provider, SandboxProvider)
    return provider


async def _payment_and_booking(request: Request, payment_id: str) -> tuple[Payment, Booking]:
    async with get_db(request).transaction() as s:
        p = await service.get_payment(s, payment_id)
        b = await s.get(Booking, p.booking_id)
        assert b is not None
        return p, b


def _message(p: Payment, b: Booking) -> tuple[str, str]:
    if p.status == PaymentStatus.PAID and p.applied and b.status == Status.CONFIRMED:
        return "Paid. Your booking is confirmed.", "ok"
    if p.status == PaymentStatus.PAID and not p.applied:
        return (
            "Paid, but this booking could no longer be kept: the payment is being refunded.",
            "bad",
        )
    if p.status == PaymentStatus.PAID:
        return f"Paid. The booking is now {b.status.replace('_', ' ')}.", "ok"
    if p.status == PaymentStatus.FAILED:
        return "Payment declined. You can try again.", "bad"
    if p.status == PaymentStatus.EXPIRED:
        return "This checkout has expired.", "bad"
    if p.status == PaymentStatus.FLAGGED:
        return "The payment needs a check by our team.", "bad"
    return "", ""


async def _page(request: Request, payment_id: str, *, sandbox: bool) -> HTMLResponse:
    p, b = await _payment_and_booking(request, payment_id)
    if sandbox and p.provider != "sandbox":
        raise PaymentNotFound("no such sandbox payment", payment=payment_id)
    message, tone = _message(p, b)
    payable = sandbox and p.status in ({*OPEN_STATUSES, PaymentStatus.FAILED})
    return templates.TemplateResponse(
        request,
        "checkout_sandbox.html",
        {
            "title": f"Private call, {b.duration_minutes} min",
            "amount": Money(p.amount, p.currency).format(),
            "booking_id": b.public_id,
            "start": b.start_at.strftime("%Y-%m-%d %H:%M"),
            "payment_id": p.public_id,
            "payable": payable,
            "message": message,
            "tone": tone,
        },
    )


@router.get(
    "/checkout/sandbox/{payment_id}",
    response_class=HTMLResponse,
    summary="Sandbox checkout page (Pay / Decline)",
    responses=errors(404),
)
async def sandbox_page(payment_id: PaymentId, request: Request) -> HTMLResponse:
    _sandbox(request)
    return await _page(request, payment_id, sandbox=True)


async def _sandbox_answer(request: Request, payment_id: str, paid: bool) -> RedirectResponse:
    provider = _sandbox(request)
    p, _ = await _payment_and_booking(request, payment_id)
    if p.provider != "sandbox":
        raise PaymentNotFound("no such sandbox payment", payment=payment_id)
    if p.status not in ({*OPEN_STATUSES, PaymentStatus.FAILED}):
        raise InvalidInput("this checkout is closed", status=p.status)
    clock = get_clock(request)
    body, headers = provider.build_webhook(
        payment_id=p.public_id, paid=paid, amount=p.amount, currency=p.currency, now=clock.now()
    )
    # The same path as a provider's webhook: signed, verified, applied once.
    await service.process_webhook(
        get_db(request), "sandbox", body, headers, providers=get_providers(request), clock=clock
    )
    return RedirectResponse(f"/checkout/sandbox/{payment_id}", status_code=303)


@router.post(
    "/checkout/sandbox/{payment_id}/pay",
    summary="Sandbox: pay (sends a signed webhook)",
    status_code=303,
    responses=errors(404, 422),
)
async def sandbox_pay(payment_id: PaymentId, request: Request) -> RedirectResponse:
    return await _sandbox_answer(request, payment_id, paid=True)


@router.post(
    "/checkout/sandbox/{payment_id}/decline",
    summary="Sandbox: decline (sends a signed webhook)",
    status_code=303,
    responses=errors(404, 422),
)
async def sandbox_decline(payment_id: PaymentId, request: Request) -> RedirectResponse:
    return await _sandbox_answer(request, payment_id, paid=False)


@router.get(
    "/checkout/return/{payment_id}",
    response_class=HTMLResponse,
    summary="Where providers send the payer back",
    responses=errors(404),
)
async def checkout_return(payment_id: PaymentId, request: Request) -> HTMLResponse:
    return await _page(request, payment_id, sandbox=False)


# --- earnings, revenue, payouts, refunds ---------------------------------------------------


def entry_out(e: LedgerEntry, booking_ids: dict[int, str]) -> ps.LedgerEntryOut:
    return ps.LedgerEntryOut(
        kind=e.kind,
        booking_id=booking_ids.get(e.booking_id) if e.booking_id else None,
        provider=e.provider,
        provider_ref=e.provider_ref,
        amount=e.amount,
        currency=e.currency,
        commission=e.commission,
        performer_amount=e.performer_amount,
        status=e.status,
        memo=e.memo,
        created_at=e.created_at,
    )


def payout_out(p: Payout) -> ps.PayoutOut:
    return ps.PayoutOut(
        id=p.public_id,
        performer_id=p.performer_id,
        amount=p.amount,
        currency=p.currency,
        method=p.method,
        reference=p.reference,
        note=p.note,
        created_at=p.created_at,
    )


@router.get(
    "/api/model/me/earnings",
    response_model=ps.EarningsOut,
    tags=["performer"],
    summary="My earnings, balance per currency, ledger and payouts (F-PAY-7, F-SLF-2)",
    responses=errors(401, 403, 422),
)
async def my_earnings(
    session: SessionDep,
    principal: PerformerDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ps.EarningsOut:
    assert principal.performer is not None
    pid = principal.performer.id
    entries = await earning.entries(session, pid, limit=limit, offset=offset)
    booking_ids = await earning.booking_public_ids(session, entries)
    return ps.EarningsOut(
        balances=[balance_out(b) for b in await earning.balances(session, pid)],
        entries=[entry_out(e, booking_ids) for e in entries],
        payouts=[payout_out(p) for p in await earning.payouts(session, pid)],
    )


def balance_out(b: earning.Balance) -> ps.BalanceOut:
    return ps.BalanceOut(
        currency=b.currency,
        earned=b.earned,
        refunded=b.refunded,
        earnings=b.earnings,
        paid_out=b.paid_out,
        balance=b.balance,
        pending=b.pending,
        available=b.available,
    )


@router.get(
    "/api/admin/revenue",
    response_model=ps.RevenueOut,
    tags=["admin"],
    summary="Revenue, refunds, commission and performer earnings per currency (F-ADM-3)",
    responses=errors(401, 403, 422),
)
async def revenue(
    session: SessionDep,
    admin: AdminDep,
    start: Annotated[datetime | None, Query(alias="from")] = None,
    end: Annotated[datetime | None, Query(alias="to")] = None,
) -> ps.RevenueOut:
    for value in (start, end):
        if value is not None and value.tzinfo is None:
            raise InvalidInput("give times with a zone, e.g. 2027-03-01T00:00:00Z")
    lines = await earning.revenue(session, start, end)
    return ps.RevenueOut(start=start, end=end, lines=[_line(line) for line in lines])


def _line(line: earning.RevenueLine) -> ps.RevenueLineOut:
    return ps.RevenueLineOut(
        currency=line.currency,
        payments=line.payments,
        payments_count=line.payments_count,
        refunds=line.refunds,
        refunds_count=line.refunds_count,
        net=line.net,
        commission=line.commission,
        performer_earnings=line.performer_earnings,
        payouts=line.payouts,
    )


@router.post(
    "/api/admin/payouts",
    response_model=ps.PayoutOut,
    status_code=201,
    tags=["admin"],
    summary="Record a payout to a performer (F-PAY-7); never more than the balance",
    responses=errors(401, 403, 409, 422),
)
async def create_payout(
    body: ps.PayoutIn, session: SessionDep, admin: AdminDep, clock: ClockDep
) -> ps.PayoutOut:
    try:
        payout = await earning.record_payout(
            session,
            performer_id=body.performer_id,
            amount=body.amount,
            currency=body.currency,
            method=body.method,
            reference=body.reference,
            note=body.note,
            recorded_by=admin.actor_id,
            now=clock.now(),
        )
    except ValueError as exc:  # an unknown currency
        raise InvalidInput(str(exc)) from exc
    return payout_out(payout)


@router.get(
    "/api/admin/payouts",
    response_model=list[ps.PayoutOut],
    tags=["admin"],
    summary="Payout history, of one performer or all",
    responses=errors(401, 403, 422),
)
async def list_payouts(
    session: SessionDep,
    admin: AdminDep,
    performer_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> list[ps.PayoutOut]:
    return [payout_out(p) for p in await earning.payouts(session, performer_id)]


async def refund_out(session: AsyncSession, r: Refund) -> ps.RefundOut:
    b, p = await refunds.booking_and_payment(session, r)
    return ps.RefundOut(
        id=r.public_id,
        booking_id=b.public_id,
        payment_id=p.public_id,
        provider=r.provider,
        amount=r.amount,
        currency=r.currency,
        status=r.status,
        reason=r.reason,
        created_at=r.created_at,
    )


@router.post(
    "/api/admin/bookings/{booking_id}/refund",
    response_model=ps.RefundOut,
    status_code=201,
    tags=["admin"],
    summary="Refund a booking by hand (F-ADM-2, F-PAY-5)",
    description="A confirmed booking is cancelled by the admin and refunded in full; any other "
    "paid booking is refunded by ``amount`` (default: all that is left). The refund is carried "
    "out by the worker through the same provider, with an idempotency key.",
    responses=errors(401, 403, 404, 409, 422),
)
async def refund_booking(
    booking_id: BookingId,
    body: ps.RefundIn,
    session: SessionDep,
    admin: AdminDep,
    clock: ClockDep,
    rules: RulesDep,
) -> ps.RefundOut:
    b = await bookings.get_booking(session, booking_id, lock=True)
    reason = body.reason or "refunded by an admin"
    now = clock.now()
    if b.status == Status.CONFIRMED and body.amount is None:
        done = await refunds.cancel_booking(
            session, b, by=admin.as_actor(), now=now, rules=rules, reason=reason
        )
        refund = done.refund
        if refund is None:
            raise NotFound("nothing was paid for this booking")
    else:
        refund = await refunds.refund_booking(
            session,
            b,
            amount=body.amount,
            reason=reason,
            requested_by="admin",
            actor_id=admin.actor_id,
            now=now,
        )
    return await refund_out(session, refund)


@router.post(
    "/api/admin/refunds/{refund_id}/done",
    response_model=ps.RefundOut,
    tags=["admin"],
    summary="Record a refund made by hand (providers without a refund API)",
    responses=errors(401, 403, 404, 409, 422),
)
async def refund_done(
    refund_id: RefundId,
    body: ps.RefundDoneIn,
    session: SessionDep,
    admin: AdminDep,
    clock: ClockDep,
) -> ps.RefundOut:
    refund = await refunds.mark_refund_done(
        session, refund_id, admin_id=admin.actor_id, reference=body.reference, now=clock.now()
    )
    return await refund_out(session, refund)
