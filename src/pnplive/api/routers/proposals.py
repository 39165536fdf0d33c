"""A new time proposed by the performer, answered by the member (F-BK-6)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from pnplive.api.common import errors
from pnplive.api.deps import ClockDep, PrincipalDep, RulesDep, SessionDep, UserDep, limit_bookings
from pnplive.booking import proposals
from pnplive.booking.models import Proposal

router = APIRouter(tags=["bookings"])
BookingId = Annotated[str, Path(pattern=r"^[0-9a-f]{16}$")]


class ProposalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: AwareDatetime = Field(description="The proposed start, with its offset.")


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    accept: bool


class ProposalOut(BaseModel):
    id: str
    status: str = Field(examples=["open", "accepted", "declined", "withdrawn", "expired"])
    proposed_by: str = Field(examples=["performer", "admin"])
    from_start: datetime
    new_start: datetime
    created_at: datetime
    answered_at: datetime | None


def out(p: Proposal) -> ProposalOut:
    return ProposalOut(
        id=p.public_id,
        status=p.status,
        proposed_by=p.proposed_by,
        from_start=p.from_start,
        new_start=p.new_start,
        created_at=p.created_at,
        answered_at=p.answered_at,
    )


@router.post(
    "/api/bookings/{booking_id}/proposal",
    response_model=ProposalOut,
    status_code=201,
    summary="Propose a new time for a confirmed booking; the member answers (F-BK-6)",
    description="The booking's performer or an admin. The time must be free now; nothing moves "
    "until the member accepts. A new proposal replaces the open one.",
    responses=errors(401, 403, 404, 409, 422, 429),
    dependencies=[Depends(limit_bookings)],
)
async def propose(
    booking_id: BookingId,
    body: ProposalIn,
    session: SessionDep,
    principal: PrincipalDep,
    clock: ClockDep,
    rules: RulesDep,
) -> ProposalOut:
    made = await proposals.propose(
        session, booking_id, principal.as_actor(), body.start, now=clock.now(), rules=rules
    )
    return out(made)


@router.get(
    "/api/bookings/{booking_id}/proposal",
    response_model=ProposalOut,
    summary="The booking's open proposal, if any",
    responses=errors(401, 403, 404, 422, 429),
)
async def current(
    booking_id: BookingId, session: SessionDep, principal: PrincipalDep, clock: ClockDep
) -> ProposalOut:
    return out(await proposals.current(session, booking_id, principal.as_actor(), clock.now()))


@router.post(
    "/api/bookings/{booking_id}/proposal/answer",
    response_model=ProposalOut,
    summary="Accept (the booking moves) or decline (it stays) the open proposal",
    responses=errors(401, 403, 404, 409, 422, 429),
    dependencies=[Depends(limit_bookings)],
)
async def answer(
    booking_id: BookingId,
    body: AnswerIn,
    session: SessionDep,
    principal: UserDep,
    clock: ClockDep,
    rules: RulesDep,
) -> ProposalOut:
    assert principal.user is not None
    done = await proposals.answer(
        session, booking_id, principal.user.id, body.accept, now=clock.now(), rules=rules
    )
    return out(done.proposal)
