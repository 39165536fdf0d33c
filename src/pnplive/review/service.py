"""Reviews (F-REV-1): one per completed booking, moderated text, the performer's average.

The performer's ``rating_sum`` and ``rating_count`` change by SQL arithmetic in the same
transaction as the review's status, so concurrent reviews never lose an update; only published
reviews count and show. A second review of a booking is refused by a unique key, whatever the
concurrency.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.booking.models import Booking
from pnplive.booking.states import Status
from pnplive.errors import Conflict, Forbidden, InvalidInput, NotFound
from pnplive.moderation.categories import Decision
from pnplive.moderation.classifier import Classifier
from pnplive.moderation.models import Violation
from pnplive.moderation.service import Subject, moderate, override
from pnplive.performer.models import Performer
from pnplive.review.models import Review, ReviewStatus
from pnplive.user.models import User

TEXT_LIMIT = 1000
STATUS_OF = {
    Decision.ALLOW: ReviewStatus.PUBLISHED,
    Decision.HOLD: ReviewStatus.HELD,
    Decision.BLOCK: ReviewStatus.BLOCKED,
}


class AlreadyReviewed(Conflict):
    code = "already_reviewed"


class NotReviewable(Conflict):
    code = "not_reviewable"


async def _count(session: AsyncSession, review: Review, sign: int) -> None:
    await session.execute(
        update(Performer)
        .where(Performer.id == review.performer_id)
        .values(
            rating_sum=Performer.rating_sum + sign * review.rating,
            rating_count=Performer.rating_count + sign,
        )
    )


async def _set_status(session: AsyncSession, review: Review, status: ReviewStatus) -> None:
    was_shown = review.status == ReviewStatus.PUBLISHED
    shown = status is ReviewStatus.PUBLISHED
    review.status = status.value
    if shown and not was_shown:
        await _count(session, review, +1)
    elif was_shown and not shown:
        await _count(session, review, -1)


async def leave(
    session: AsyncSession,
    user: User,
    booking_public_id: str,
    rating: int,
    text: str | None,
    now: datetime,
    classifier: Classifier | None = None,
) -> Review:
    """The member's review of their completed call."""
    if not 1 <= rating <= 5:
        raise InvalidInput("a rating is 1 to 5 stars", field="rating")
    text = (text or "").strip() or None
    if text is not None and len(text) > TEXT_LIMIT:
        raise InvalidInput(f"a review has at most {TEXT_LIMIT} characters", field="text")
    booking = await session.scalar(select(Booking).where(Booking.public_id == booking_public_id))
    if booking is None or booking.user_id != user.id:
        raise NotFound("no such booking of yours", booking=booking_public_id)
    performer = await session.get(Performer, booking.performer_id)
    if performer is not None and performer.user_id == user.id:
        raise Forbidden("performers do not review themselves")
    if booking.status != Status.COMPLETED:
        raise NotReviewable("a call can be reviewed once it is completed", status=booking.status)
    review = Review(
        booking_id=booking.id,
        performer_id=booking.performer_id,
        user_id=user.id,
        rating=rating,
        text=text,
        status=ReviewStatus.HELD.value,  # until moderation says otherwise
        created_at=now,
        updated_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(review)
            await session.flush()
    except IntegrityError as exc:
        raise AlreadyReviewed("this call already has your review") from exc
    decision = Decision.ALLOW
    if text is not None:
        outcome = await moderate(
            session, text, Subject("review", str(review.id)), user.id, now, classifier
        )
        decision = outcome.decision
    await _set_status(session, review, STATUS_OF[decision])
    await session.flush()
    return review


async def follow_moderation(session: AsyncSession, review_id: int, now: datetime) -> Review:
    """After an admin's override, the review shows as its strictest remaining decision."""
    review = await session.get(Review, review_id, with_for_update=True)
    if review is None:
        raise NotFound("no such review", review=review_id)
    finals = (
        await session.scalars(
            select(Violation.final_decision).where(
                Violation.subject_kind == "review", Violation.subject_id == str(review.id)
            )
        )
    ).all()
    strictest = max((Decision(d) for d in finals), key=lambda d: d.severity, default=Decision.ALLOW)
    await _set_status(session, review, STATUS_OF[strictest])
    review.updated_at = now
    await session.flush()
    return review


@dataclass(frozen=True, slots=True)
class ReviewPage:
    items: list[tuple[Review, str | None]]  # the review and its author's first name
    total: int


async def published(
    session: AsyncSession, performer_id: int, *, limit: int, offset: int
) -> ReviewPage:
    """A performer's published reviews, newest first."""
    where = (Review.performer_id == performer_id, Review.status == ReviewStatus.PUBLISHED.value)
    total = await session.scalar(select(func.count(Review.id)).where(*where))
    rows = await session.execute(
        select(Review, User.first_name)
        .join(User, User.id == Review.user_id)
        .where(*where)
        .order_by(Review.created_at.desc(), Review.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return ReviewPage([(r, name) for r, name in rows.all()], int(total or 0))


async def decide(
    session: AsyncSession,
    violation_id: int,
    admin_user_id: int,
    decision: str,
    reason: str,
    now: datetime,
) -> Violation:
    """An admin's moderation decision (F-ADM-6): the override is recorded and, for a review,
    what members see follows it at once."""
    await override(session, violation_id, admin_user_id, decision, reason, now)
    violation = await session.get(Violation, violation_id)
    assert violation is not None  # override found it
    if violation.subject_kind == "review" and violation.subject_id.isdigit():
        await follow_moderation(session, int(violation.subject_id), now)
    return violation


async def past_calls(
    session: AsyncSession, user_id: int, limit: int = 10
) -> list[tuple[Booking, bool]]:
    """The member's completed calls, newest first, each with whether they reviewed it."""
    rows = await session.execute(
        select(Booking, Review.id)
        .outerjoin(Review, Review.booking_id == Booking.id)
        .where(Booking.user_id == user_id, Booking.status == Status.COMPLETED.value)
        .order_by(Booking.start_at.desc(), Booking.id.desc())
        .limit(limit)
    )
    return [(b, review_id is not None) for b, review_id in rows.tuples().all()]
