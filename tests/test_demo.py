"""The demo data `make run` seeds: the people of the emulator's personas and three performers in
three zones, every profile text passing moderation; seeding again adds nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pnplive.demo import seed
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.performer.models import Performer
from pnplive.performer.schemas import PerformerUpdate
from pnplive.performer.service import check_profile_texts
from pnplive.user.models import User

pytestmark = pytest.mark.asyncio


async def test_the_demo_seeds_once_and_its_profiles_pass_moderation(
    db: Database, clock: FrozenClock
) -> None:
    async with db.transaction() as s:
        first = await seed(s, clock.now())
    async with db.transaction() as s:
        again = await seed(s, clock.now())
        performers = (await s.scalars(select(Performer).order_by(Performer.username))).all()
        members = await s.scalar(select(func.count()).select_from(User))
    assert [p.username for p in performers] == ["luna", "sky", "valentina"]
    assert len({p.timezone for p in performers}) == 3
    assert sum("already there" in line for line in again) == 3 and first != again
    assert members == 4
    for p in performers:  # what the moderation of profiles would say of them today
        check_profile_texts(PerformerUpdate(display_name=p.display_name, bio=p.bio))
