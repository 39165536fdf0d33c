"""Join passes: one per side of a booking, each with an opaque link token (``/j/<token>``)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.booking.models import Booking
from pnplive.performer.models import Performer
from pnplive.video.models import CallPass, Side

# 32 random bytes: the link is the only credential a participant needs to enter the room.
TOKEN_BYTES = 32


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def provider_user_id(booking: Booking, side: Side | str) -> str:
    """What the provider knows a participant by (and echoes back in its webhooks)."""
    return f"{booking.public_id}-{Side(side).value}"


def side_of_provider_user(user_id: str | None) -> tuple[str, Side] | None:
    """``(booking public id, side)`` from :func:`provider_user_id`, or None if not ours."""
    if not user_id or "-" not in user_id:
        return None
    public_id, _, side = user_id.rpartition("-")
    try:
        return public_id, Side(side)
    except ValueError:
        return None


async def passes_of(session: AsyncSession, booking_id: int) -> dict[Side, CallPass]:
    rows = await session.scalars(select(CallPass).where(CallPass.booking_id == booking_id))
    return {Side(p.side): p for p in rows}


async def ensure_passes(
    session: AsyncSession, booking: Booking, performer: Performer, now: datetime
) -> dict[Side, CallPass]:
    """Both sides' passes, created once (a moved call keeps its links)."""
    found = await passes_of(session, booking.id)
    owners: Sequence[tuple[Side, int | None]] = (
        (Side.MEMBER, booking.user_id),
        (Side.PERFORMER, performer.user_id),
    )
    for side, user_id in owners:
        if side not in found:
            found[side] = CallPass(
                booking_id=booking.id,
                user_id=user_id,
                side=side.value,
                token=new_token(),
                created_at=now,
            )
            session.add(found[side])
        elif found[side].user_id is None and user_id is not None:
            found[side].user_id = user_id  # the performer linked an account since
    await session.flush()
    return found


TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


async def by_token(session: AsyncSession, token: str) -> CallPass | None:
    # Only what token_urlsafe makes can match; anything else (NUL bytes included, which
    # PostgreSQL refuses in text) is unknown without asking the database.
    if not token or len(token) > 64 or not set(token) <= TOKEN_CHARS:
        return None
    found: CallPass | None = await session.scalar(select(CallPass).where(CallPass.token == token))
    return found
