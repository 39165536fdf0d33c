"""Our join links, one per participant: ``<public base>/j/<token>``."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.booking.models import Booking
from pnplive.video.models import Side
from pnplive.video.passes import passes_of


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
