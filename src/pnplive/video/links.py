"""Our join links, one per participant: ``<public base>/j/<token>``."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.booking.events import CALL_STATES
from pnplive.booking.models import Booking
from pnplive.booking.states import Status
from pnplive.performer.models import Performer
from pnplive.video.models import Side
from pnplive.video.passes import ensure_passes, passes_of


def join_link(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/j/{token}"


async def link_for_side(
    session: AsyncSession, booking: Booking, side: Side, base_url: str
) -> str | None:
    pass_ = (await passes_of(session, booking.id)).get(side)
    if pass_ is None or pass_.revoked_at is not None:
        return None
    return join_link(base_url, pass_.token)


async def link_for_user(
    session: AsyncSession, booking: Booking, user_id: int, base_url: str
) -> str | None:
    """The join link of ``user_id`` in ``booking`` (None when they have no pass yet)."""
    for pass_ in (await passes_of(session, booking.id)).values():
        if pass_.user_id == user_id and pass_.revoked_at is None:
            return join_link(base_url, pass_.token)
    return None


async def ensure_link_for_user(
    session: AsyncSession, booking: Booking, user_id: int, base_url: str
) -> str | None:
    """Like :func:`link_for_user`, creating the passes of a paid call first if the call job
    has not yet run (a confirmation must never go out without its join link)."""
    if Status(booking.status) not in CALL_STATES:
        return await link_for_user(session, booking, user_id, base_url)
    performer = await session.get(Performer, booking.performer_id)
    assert performer is not None
    await ensure_passes(session, booking, performer, booking.updated_at)
    return await link_for_user(session, booking, user_id, base_url)
