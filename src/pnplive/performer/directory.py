"""Members as admins look them up: filters and pages in SQL, with the performer account each
member holds (F-ADM-5)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.performer.models import Performer
from pnplive.user.models import Role, User


@dataclass(frozen=True, slots=True)
class MemberFilters:
    role: str | None = None  # user | admin | superadmin | performer
    prime: bool | None = None
    restricted: bool | None = None
    q: str | None = None  # username, first name or Telegram id
    with_role_only: bool = False  # staff and performers only (the roles screen)


@dataclass(frozen=True, slots=True)
class MemberRow:
    user: User
    performer_id: int | None


async def find_members(
    session: AsyncSession, f: MemberFilters, *, limit: int, offset: int
) -> tuple[list[MemberRow], int]:
    linked = Performer.id.label("performer_id")
    where: list[ColumnElement[bool]] = []
    if f.role == "performer":
        where.append(Performer.id.is_not(None))
    elif f.role is not None:
        where.append(User.role == f.role)
    if f.prime is not None:
        where.append(User.is_prime.is_(f.prime))
    if f.restricted is not None:
        where.append(
            User.restricted_at.is_not(None) if f.restricted else User.restricted_at.is_(None)
        )
    if f.with_role_only:
        where.append(or_(User.role != Role.USER.value, Performer.id.is_not(None)))
    if f.q:
        pattern = f"%{f.q.lower()}%"
        matches: list[ColumnElement[bool]] = [
            func.lower(User.username).like(pattern),
            func.lower(User.first_name).like(pattern),
        ]
        if f.q.isdigit():
            matches.append(User.telegram_id == int(f.q))
        where.append(or_(*matches))
    base = select(User, linked).outerjoin(Performer, Performer.user_id == User.id).where(*where)
    total = await session.scalar(select(func.count()).select_from(base.subquery()))
    rows = await session.execute(base.order_by(User.id).limit(limit).offset(offset))
    return [MemberRow(u, pid) for u, pid in rows.all()], int(total or 0)


async def member(session: AsyncSession, user_id: int) -> MemberRow | None:
    row = (
        await session.execute(
            select(User, Performer.id)
            .outerjoin(Performer, Performer.user_id == User.id)
            .where(User.id == user_id)
        )
    ).first()
    return MemberRow(row[0], row[1]) if row is not None else None
