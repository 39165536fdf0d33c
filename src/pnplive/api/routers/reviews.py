"""Reviews (F-REV-1) and the moderation queue for admins (F-ADM-6, SPEC §14)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from pnplive.api import schemas as s
from pnplive.api.common import PagingDep, errors
from pnplive.api.deps import AdminDep, ClockDep, SessionDep, UserDep, ViewerDep
from pnplive.auth.errors import RoleRequired
from pnplive.moderation import service as moderation
from pnplive.review import service as reviews
from pnplive.review.models import Review, ReviewStatus

router = APIRouter(tags=["reviews"])
BookingId = Annotated[str, Path(pattern=r"^[0-9a-f]{16}$")]
PerformerId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rating: int = Field(ge=1, le=5, description="Stars, 1 to 5.")
    text: str | None = Field(default=None, max_length=reviews.TEXT_LIMIT)


class ReviewOut(BaseModel):
    id: int
    rating: int
    text: str | None = Field(description="Shown once published.")
    status: str = Field(examples=["published", "held", "blocked"])
    author: str | None = None
    created_at: datetime


def review_out(r: Review, author: str | None = None) -> ReviewOut:
    shown = r.status == ReviewStatus.PUBLISHED
    return ReviewOut(
        id=r.id,
        rating=r.rating,
        text=r.text if shown else None,
        status=r.status,
        author=author,
        created_at=r.created_at,
    )


@router.post(
    "/api/bookings/{booking_id}/review",
    response_model=ReviewOut,
    status_code=201,
    summary="Review a completed call: 1-5 stars and optional text (moderated)",
    responses=errors(401, 403, 404, 409, 422, 429),
)
async def leave_review(
    booking_id: BookingId, body: ReviewIn, session: SessionDep, principal: UserDep, clock: ClockDep
) -> ReviewOut:
    assert principal.user is not None
    r = await reviews.leave(
        session, principal.user, booking_id, body.rating, body.text, clock.now()
    )
    return review_out(r)


@router.get(
    "/api/models/{performer_id}/reviews",
    response_model=s.Page[ReviewOut],
    summary="A performer's published reviews, newest first (F-PRF-6)",
    responses=errors(401, 403, 422, 429),
)
async def list_reviews(
    performer_id: PerformerId, session: SessionDep, _viewer: ViewerDep, page: PagingDep
) -> dict[str, object]:
    found = await reviews.published(session, performer_id, limit=page.limit, offset=page.offset)
    items = [review_out(r, name) for r, name in found.items]
    return s.page_of(items, found.total, page.limit, page.offset)


class ViolationOut(BaseModel):
    id: int
    subject_kind: str
    subject_id: str
    author_user_id: int | None
    excerpt: str
    category: str
    decision: str
    final_decision: str
    score: float
    source: str
    reason: str
    created_at: datetime


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    violation_id: int = Field(ge=1, le=2**31 - 1)
    decision: Literal["allow", "hold", "block"]
    reason: str = Field(min_length=1, max_length=1000)


@router.get(
    "/api/admin/moderation",
    response_model=list[ViolationOut],
    summary="The moderation queue: what is held for an admin, oldest first",
    responses=errors(401, 403, 429),
)
async def queue(session: SessionDep, _admin: AdminDep) -> list[ViolationOut]:
    return [
        ViolationOut.model_validate(v, from_attributes=True) for v in await moderation.held(session)
    ]


@router.post(
    "/api/admin/moderation",
    response_model=ViolationOut,
    summary="Decide on a flagged item (F-ADM-6); the override is recorded",
    description="Admins signed in through Telegram only: the override names the admin.",
    responses=errors(401, 403, 404, 422, 429),
)
async def decide(
    body: DecisionIn, session: SessionDep, admin: AdminDep, clock: ClockDep
) -> ViolationOut:
    if admin.user is None:
        raise RoleRequired(
            "moderation decisions are signed by an admin member", role=admin.role, needed="admin"
        )
    v = await reviews.decide(
        session, body.violation_id, admin.user.id, body.decision, body.reason, clock.now()
    )
    return ViolationOut.model_validate(v, from_attributes=True)
