"""Performer photos sent as Telegram photos (F-PRF-5, F-PRF-6): the performer sends them to the
bot, members see the gallery when they open the profile. Through the emulator."""

from __future__ import annotations

import pytest

from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.performer.models import Performer
from tests.e2e.conftest import PERFORMER, PERSONAS, PRIME, People
from tests.e2e.support import buttons, press, running

pytestmark = pytest.mark.asyncio
# The smallest JPEG there is: the emulator keeps whatever bytes a person sends.
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")


async def test_a_performer_sends_photos_and_members_see_the_gallery(
    db: Database, clock: FrozenClock, people: People
) -> None:
    async with running(db, clock, PERSONAS) as stack:
        luna, alex = stack.person(PERFORMER), stack.person(PRIME)
        await luna.send("/pnp_live")
        await luna.wait_for(lambda m: "📷 Photos" in " ".join(buttons(m)), timeout=10)
        await press(luna, "📷 Photos", lambda m: "Your gallery has 0 of 10" in m.text)
        await luna.send("a selfie")  # text is not a photo
        await luna.wait_for(lambda m: "Please send a photo" in m.text, timeout=10)
        await luna.send_photo(JPEG, filename="one.jpg")
        await luna.wait_for(lambda m: "Added: 1 of 10" in m.text, timeout=10)
        await luna.send_photo(JPEG, filename="two.jpg")
        await luna.wait_for(lambda m: "Added: 2 of 10" in m.text, timeout=10)

        await alex.send("/book_private_call")
        choose = await alex.wait_for(lambda m: "Choose a performer" in m.text, timeout=10)
        await alex.press(next(b for b in buttons(choose) if "Luna" in b), choose)
        gallery = await alex.wait_for(lambda m: m.photo is not None, timeout=10)
        assert gallery.caption == "Luna"
        await alex.wait_for(lambda m: "How long" in m.text, timeout=10)
        photos = [m for m in alex.bot_messages if m.photo is not None]
        assert len(photos) == 2
    async with db.transaction() as s:
        p = await s.get(Performer, people.performer_id)
        assert p is not None
        assert [bool(ph.file_id) for ph in p.photos] == [True, True]
