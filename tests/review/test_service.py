"""Reviews (F-REV-1): one per completed booking, moderated, the average kept right."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from pnplive.analytics.rates import average
from pnplive.booking.models import Booking
from pnplive.errors import Forbidden
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.moderation.models import Violation
from pnplive.performer.models import Performer
from pnplive.review import service as reviews
from pnplive.review.models import Review, ReviewStatus
from pnplive.review.service import AlreadyReviewed, NotReviewable
from pnplive.user.models import User
from tests.factories import make_user
from tests.payment.support import Setup, pending_booking

pytestmark = pytest.mark.asyncio


async def completed(db: Database, clock: FrozenClock, **kw: object) -> Setup:
    setup = await pending_booking(db, clock, **kw)  # type: ignore[arg-type]
    async with db.transaction() as s:
        await s.execute(
            update(Booking).where(Booking.public_id == setup.booking_id).values(status="completed")
        )
    return setup


async def leave(
    db: Database, clock: FrozenClock, setup: Setup, rating: int, text: str | None
) -> Review:
    async with db.transaction() as s:
        user = await s.get(User, setup.user_id)
        assert user is not None
        return await reviews.leave(s, user, setup.booking_id, rating, text, clock.now())


async def rating_of(db: Database, performer_id: int) -> tuple[int, int]:
    async with db.transaction() as s:
        p = await s.get(Performer, performer_id)
        assert p is not None
        return p.rating_sum, p.rating_count


async def test_a_review_counts_once_and_a_second_is_refused(
    db: Database, clock: FrozenClock
) -> None:
    setup = await completed(db, clock)
    r = await leave(db, clock, setup, 5, "Lovely and on time, thank you!")
    assert r.status == ReviewStatus.PUBLISHED
    with pytest.raises(AlreadyReviewed):
        await leave(db, clock, setup, 1, None)
    assert await rating_of(db, setup.performer_id) == (5, 1)


async def test_only_completed_calls_are_reviewed(db: Database, clock: FrozenClock) -> None:
    setup = await pending_booking(db, clock)
    with pytest.raises(NotReviewable):
        await leave(db, clock, setup, 4, None)
    assert await rating_of(db, setup.performer_id) == (0, 0)


async def test_the_average_is_right_under_concurrent_reviews(
    db: Database, clock: FrozenClock
) -> None:
    first = await completed(db, clock, hour=10)
    setups = [first] + [
        await completed(db, clock, hour=10 + i, performer_id=first.performer_id)
        for i in range(1, 8)
    ]
    ratings = [5, 4, 3, 5, 2, 5, 4, 1]
    await asyncio.gather(
        *(leave(db, clock, st, r, None) for st, r in zip(setups, ratings, strict=True))
    )
    total, count = await rating_of(db, first.performer_id)
    assert (total, count) == (sum(ratings), 8)
    assert average(total, count) == Decimal("3.63")


async def test_two_concurrent_reviews_of_one_booking_leave_one(
    db: Database, clock: FrozenClock
) -> None:
    setup = await completed(db, clock)
    results = await asyncio.gather(
        leave(db, clock, setup, 5, None), leave(db, clock, setup, 2, None), return_exceptions=True
    )
    assert sum(isinstance(r, AlreadyReviewed) for r in results) == 1
    total, count = await rating_of(db, setup.performer_id)
    assert count == 1 and total in (5, 2)


async def test_a_blocked_review_is_not_published_until_an_admin_allows_it(
    db: Database, clock: FrozenClock
) -> None:
    setup = await completed(db, clock)
    r = await leave(db, clock, setup, 5, "great show, add me on whatsapp +34 612 345 678")
    assert r.status == ReviewStatus.BLOCKED
    assert await rating_of(db, setup.performer_id) == (0, 0)
    async with db.transaction() as s:
        page = await reviews.published(s, setup.performer_id, limit=10, offset=0)
        assert page.total == 0
        violations = (await s.scalars(select(Violation))).all()
        assert violations and all(v.subject_id == str(r.id) for v in violations)
        admin = await make_user(s, clock.now(), role="admin")
    async with db.transaction() as s:
        for v in violations:
            await reviews.decide(
                s, v.id, admin.id, "allow", "a number the member wrote by mistake", clock.now()
            )
    async with db.transaction() as s:
        page = await reviews.published(s, setup.performer_id, limit=10, offset=0)
    assert page.total == 1
    assert await rating_of(db, setup.performer_id) == (5, 1)


async def test_a_performer_never_reviews_themselves(db: Database, clock: FrozenClock) -> None:
    setup = await completed(db, clock)
    async with db.transaction() as s:
        p = await s.get(Performer, setup.performer_id)
        assert p is not None
        p.user_id = setup.user_id  # the member's account is also this performer's
    with pytest.raises(Forbidden):
        await leave(db, clock, setup, 5, None)
