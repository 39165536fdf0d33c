"""Members: find or register by Telegram id, verification, terms, PRIME, roles, restriction."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.errors import InvalidInput, NotFound
from pnplive.user.models import Role, User

LANGUAGES = ("en", "es")


def pick_language(code: str | None) -> str:
    """Spanish when Telegram says so, English otherwise (F-UX-1)."""
    return "es" if code and code.lower().startswith("es") else "en"


def check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(f"unknown time zone {name!r}", field="timezone") from exc
    return name


async def by_telegram_id(session: AsyncSession, telegram_id: int) -> User | None:
    found: User | None = await session.scalar(select(User).where(User.telegram_id == telegram_id))
    return found


async def find_one(session: AsyncSession, who: str) -> User | None:
    """The member a person means by a Telegram id or a @username (case-insensitive)."""
    who = who.strip()
    if who.isdigit() and len(who) <= 16:
        return await by_telegram_id(session, int(who))
    name = who.removeprefix("@").lower()
    if not name:
        return None
    found: User | None = await session.scalar(
        select(User).where(func.lower(User.username) == name).order_by(User.id).limit(1)
    )
    return found


async def get(session: AsyncSession, user_id: int) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound("no such user", user=user_id)
    return user


async def register(
    session: AsyncSession,
    telegram_id: int,
    now: datetime,
    *,
    username: str | None = None,
    first_name: str | None = None,
    language_code: str | None = None,
    superadmin_ids: list[int] | tuple[int, ...] = (),
    contacted: bool = False,
) -> User:
    """The member with this Telegram id, created on first sight.

    ``contacted`` says the member has just written to the bot, so messages reach them again
    (a member who had blocked the bot, or never started it, was marked unreachable).
    """
    user = await by_telegram_id(session, telegram_id)
    if user is None:
        user = User(
            telegram_id=telegram_id,
            username=username,
            first_name=first_name,
            language=pick_language(language_code),
            timezone="UTC",
            role=Role.SUPERADMIN if telegram_id in superadmin_ids else Role.USER,
            is_prime=False,
            unreachable=False,
            created_at=now,
        )
        session.add(user)
        await session.flush()
    else:
        if username is not None:
            user.username = username
        if first_name is not None:
            user.first_name = first_name
        if telegram_id in superadmin_ids and user.role != Role.SUPERADMIN:
            user.role = Role.SUPERADMIN
        if contacted and user.unreachable:
            user.unreachable = False
    return user


def set_role(user: User, role: Role) -> None:
    user.role = role.value
