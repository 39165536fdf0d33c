"""Creating performers: one performer per member account, whoever asks."""

from __future__ import annotations

import pytest

from pnplive.errors import Conflict
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.performer import service as performers
from pnplive.performer.schemas import PerformerCreate
from tests.factories import make_user

pytestmark = pytest.mark.asyncio


async def test_a_member_who_already_is_a_performer_is_refused(
    db: Database, clock: FrozenClock
) -> None:
    async with db.transaction() as s:
        member = await make_user(s, clock.now())
        data = {"username": "first_one", "display_name": "First", "price_per_minute": 100}
        await performers.create(
            s,
            PerformerCreate.model_validate({**data, "user_telegram_id": member.telegram_id}),
            clock.now(),
        )
        again = {**data, "username": "second_one", "user_telegram_id": member.telegram_id}
        with pytest.raises(Conflict, match="already a performer"):
            await performers.create(s, PerformerCreate.model_validate(again), clock.now())
