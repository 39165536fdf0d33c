"""Which member account is a performer's (granting and revoking PERFORMER, F-ADM-5)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.errors import Conflict, Forbidden, NotFound
from pnplive.kit.actor import Actor
from pnplive.performer.models import Performer
from pnplive.user.membership import record
from pnplive.user.models import User


class AlreadyPerformer(Conflict):
    code = "already_a_performer"


async def of_user(session: AsyncSession, user_id: int) -> Performer | None:
    performer: Performer | None = await session.scalar(
        select(Performer).where(Performer.user_id == user_id)
    )
    return performer


async def link_performer(
    session: AsyncSession, user: User, performer: Performer, actor: Actor, now: datetime
) -> bool:
    """Make ``user`` the account of ``performer`` (grant PERFORMER)."""
    current = await session.scalar(select(Performer).where(Performer.user_id == user.id))
    if current is not None and current.id != performer.id:
        raise AlreadyPerformer("that member is already another performer", performer=current.id)
    if performer.user_id is not None and performer.user_id != user.id:
        raise Conflict("that performer is linked to another member", performer=performer.id)
    if performer.user_id == user.id:
        return False
    if user.is_admin:
        raise Forbidden("an admin account cannot also be a performer", user=user.id)
    performer.user_id = user.id
    performer.updated_at = now
    await record(session, user, "performer_granted", actor, now, f"performer {performer.id}")
    return True


async def unlink_performer(session: AsyncSession, user: User, actor: Actor, now: datetime) -> bool:
    current = await session.scalar(select(Performer).where(Performer.user_id == user.id))
    if current is None:
        raise NotFound("that member is not a performer", user=user.id)
    current.user_id = None
    current.updated_at = now
    await record(session, user, "performer_revoked", actor, now, f"performer {current.id}")
    return True
