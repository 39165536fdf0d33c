"""Incident reports (F-SAF-1) and the admins' side of safety: incidents, a user's record and
risk, restricting an author from the moderation queue (F-ADM-6, F-ACC-3)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from pnplive.api import schemas as s
from pnplive.api.common import PagingDep, errors
from pnplive.api.deps import AdminDep, ClockDep, SessionDep, SettingsDep, UserDep
from pnplive.api.routers.reviews import ViolationOut
from pnplive.auth.errors import RoleRequired
from pnplive.moderation.models import Violation
from pnplive.safety import incidents, messages, queue
from pnplive.safety.abuse import Limits
from pnplive.safety.incidents import TEXT_MAX
from pnplive.safety.messages import TEXT_MAX as TEXT_LIMIT
from pnplive.safety.models import Incident, IncidentCategory
from pnplive.safety.risk import Risk

router = APIRouter(tags=["safety"])
BookingId = Annotated[str, Path(pattern=r"^[0-9a-f]{16}$")]
IncidentId = Annotated[str, Path(pattern=r"^[0-9a-f]{16}$")]
UserId = Annotated[int, Path(ge=1, le=2**31 - 1)]
ViolationId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class IncidentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    category: IncidentCategory
    text: str = Field(default="", max_length=TEXT_MAX, description="What happened.")
    end_call: bool = Field(default=False, description="End the call now if it is live.")


class IncidentOut(BaseModel):
    id: str
    booking_id: str
    category: str
    reported_by: str = Field(examples=["member", "performer"])
    reported_user_id: int | None
    excerpt: str = Field(description="The start of the report; the text itself is not kept.")
    call_ended: bool
    status: str = Field(examples=["open", "resolved"])
    resolution: str | None
    created_at: datetime
    resolved_at: datetime | None


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=TEXT_LIMIT)


class MessageOut(BaseModel):
    status: Literal["sent", "held", "blocked"] = Field(
        description="sent: on its way; held or blocked: not delivered (moderation)."
    )
    categories: list[str] = Field(description="Why it was held or blocked.")
    restricted: bool = Field(description="This message restricted the sender (abuse limit).")


class ResolutionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    resolution: str = Field(min_length=1, max_length=1000, description="What was done.")


class RiskOut(BaseModel):
    level: str = Field(examples=["low", "raised", "high"])
    reports: int = Field(description="Incident reports about the user in the last 90 days.")
    violations: int = Field(description="Texts of theirs held or blocked in the last 90 days.")


class FlaggedOut(ViolationOut):
    author_risk: RiskOut | None


class UserRecordOut(BaseModel):
    user_id: int
    restricted: bool
    restricted_reason: str | None
    risk: RiskOut
    violations: list[ViolationOut]
    reported_in: list[IncidentOut]


class OverrideOut(BaseModel):
    admin_user_id: int | None
    previous_decision: str
    decision: str
    reason: str
    created_at: datetime


class FlaggedDetailOut(FlaggedOut):
    overrides: list[OverrideOut] = Field(description="Admins' decisions, oldest first.")


class RestrictIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=500, description="Shown to the member.")


class RestrictedOut(BaseModel):
    violation: ViolationOut
    user_id: int
    restricted_reason: str | None


def incident_out(i: Incident, booking_id: str) -> IncidentOut:
    return IncidentOut(
        id=i.public_id,
        booking_id=booking_id,
        category=i.category,
        reported_by=i.reporter_side,
        reported_user_id=i.reported_user_id,
        excerpt=i.excerpt,
        call_ended=i.call_ended,
        status=i.status,
        resolution=i.resolution,
        created_at=i.created_at,
        resolved_at=i.resolved_at,
    )


def risk_out(r: Risk) -> RiskOut:
    return RiskOut(level=r.level, reports=r.reports, violations=r.violations)


def flagged_out(v: Violation, risk: Risk | None) -> dict[str, object]:
    """A violation with its author's risk, as the queue's answers show it."""
    return {
        **ViolationOut.model_validate(v, from_attributes=True).model_dump(),
        "author_risk": risk_out(risk) if risk is not None else None,
    }


@router.post(
    "/api/bookings/{booking_id}/incidents",
    response_model=IncidentOut,
    status_code=201,
    summary="Report an incident about a call, during or after it (F-SAF-1)",
    description="Either side of the call. With end_call, a live call ends at once: the room "
    "closes and both join links stop working. The booking is flagged and admins are alerted.",
    responses=errors(401, 403, 404, 409, 422, 429),
)
async def report(
    booking_id: BookingId,
    body: IncidentIn,
    session: SessionDep,
    principal: UserDep,
    clock: ClockDep,
) -> IncidentOut:
    assert principal.user is not None
    done = await incidents.report(
        session,
        booking_id,
        principal.user,
        principal.performer.id if principal.performer is not None else None,
        category=body.category.value,
        text=body.text,
        end_call=body.end_call,
        now=clock.now(),
    )
    return incident_out(done.incident, done.booking.public_id)


@router.post(
    "/api/bookings/{booking_id}/messages",
    response_model=MessageOut,
    status_code=201,
    summary="Write to the other side of a call; moderated, then relayed (F-SAF-3)",
    description="Held or blocked messages are not delivered; blocked ones count towards the "
    "sender's abuse limit (F-SAF-5). Only an excerpt of a flagged message is kept.",
    responses=errors(401, 403, 404, 409, 422, 429),
)
async def message(
    booking_id: BookingId,
    body: MessageIn,
    session: SessionDep,
    principal: UserDep,
    clock: ClockDep,
    settings: SettingsDep,
) -> MessageOut:
    assert principal.user is not None
    done = await messages.relay(
        session,
        booking_id,
        principal.user,
        principal.performer.id if principal.performer is not None else None,
        body.text,
        clock.now(),
        Limits.of(settings),
    )
    return MessageOut.model_validate(
        {"status": done.status, "categories": done.categories, "restricted": done.restricted}
    )


@router.get(
    "/api/admin/incidents",
    response_model=s.Page[IncidentOut],
    summary="Incident reports, newest first",
    responses=errors(401, 403, 422, 429),
)
async def list_incidents(
    session: SessionDep,
    _admin: AdminDep,
    page: PagingDep,
    status: Annotated[Literal["open", "resolved"] | None, Query()] = None,
) -> dict[str, object]:
    found, total = await incidents.listing(
        session, status=status, limit=page.limit, offset=page.offset
    )
    return s.page_of([incident_out(i, b) for i, b in found], total, page.limit, page.offset)


@router.get(
    "/api/admin/incidents/{incident_id}",
    response_model=IncidentOut,
    summary="One incident report",
    responses=errors(401, 403, 404, 422, 429),
)
async def incident(incident_id: IncidentId, session: SessionDep, _admin: AdminDep) -> IncidentOut:
    found = await incidents.get(session, incident_id)
    return incident_out(found, await incidents.booking_of(session, found))


@router.post(
    "/api/admin/incidents/{incident_id}/resolution",
    response_model=IncidentOut,
    summary="Close an incident report, saying what was done",
    description="Admins signed in through Telegram only: the resolution names the admin.",
    responses=errors(401, 403, 404, 409, 422, 429),
)
async def resolve(
    incident_id: IncidentId,
    body: ResolutionIn,
    session: SessionDep,
    admin: AdminDep,
    clock: ClockDep,
) -> IncidentOut:
    if admin.user is None:
        raise RoleRequired("resolutions are signed by an admin member", role=admin.role)
    found = await incidents.resolve(session, incident_id, admin.user, body.resolution, clock.now())
    return incident_out(found, await incidents.booking_of(session, found))


@router.get(
    "/api/admin/moderation/flagged",
    response_model=list[FlaggedOut],
    summary="The moderation queue with each author's risk, oldest first",
    responses=errors(401, 403, 429),
)
async def flagged(session: SessionDep, _admin: AdminDep, clock: ClockDep) -> list[FlaggedOut]:
    return [
        FlaggedOut.model_validate(flagged_out(f.violation, f.risk))
        for f in await queue.held(session, clock.now())
    ]


@router.get(
    "/api/admin/moderation/{violation_id}",
    response_model=FlaggedDetailOut,
    summary="One flagged item: the decision, its author's risk and every override",
    responses=errors(401, 403, 404, 422, 429),
)
async def flagged_detail(
    violation_id: ViolationId, session: SessionDep, _admin: AdminDep, clock: ClockDep
) -> FlaggedDetailOut:
    d = await queue.detail(session, violation_id, clock.now())
    overrides = [OverrideOut.model_validate(o, from_attributes=True) for o in d.overrides]
    return FlaggedDetailOut.model_validate(
        {**flagged_out(d.violation, d.risk), "overrides": overrides}
    )


@router.get(
    "/api/admin/moderation/users/{user_id}",
    response_model=UserRecordOut,
    summary="A user's moderation record: risk, violations, reports about them",
    responses=errors(401, 403, 404, 422, 429),
)
async def user_record(
    user_id: UserId, session: SessionDep, _admin: AdminDep, clock: ClockDep
) -> UserRecordOut:
    r = await queue.record_of(session, user_id, clock.now())
    return UserRecordOut(
        user_id=r.user.id,
        restricted=r.user.restricted_at is not None,
        restricted_reason=r.user.restricted_reason,
        risk=risk_out(r.risk),
        violations=[ViolationOut.model_validate(v, from_attributes=True) for v in r.violations],
        reported_in=[incident_out(i, b) for i, b in r.reported_in],
    )


@router.post(
    "/api/admin/moderation/{violation_id}/restriction",
    response_model=RestrictedOut,
    summary="Reject a flagged item and restrict its author (F-ACC-3)",
    description="The override is recorded; the author's booking access closes everywhere at "
    "once, with the reason shown to them. Admins signed in through Telegram only.",
    responses=errors(401, 403, 404, 422, 429),
)
async def restrict_author(
    violation_id: ViolationId,
    body: RestrictIn,
    session: SessionDep,
    admin: AdminDep,
    clock: ClockDep,
) -> RestrictedOut:
    if admin.user is None:
        raise RoleRequired("restrictions are signed by an admin member", role=admin.role)
    v, author = await queue.restrict_author(
        session, violation_id, admin.user, body.reason, clock.now()
    )
    return RestrictedOut(
        violation=ViolationOut.model_validate(v, from_attributes=True),
        user_id=author.id,
        restricted_reason=author.restricted_reason,
    )
