"""A member's standing (F-ACC-1..3, F-ADM-5): age, terms, PRIME, restriction and roles.

Every change is recorded as a ``UserEvent`` (who, when, what, why), so admins can see how a
member came to stand where they do. Used alike by the API, the bot and the command line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.errors import Conflict, InvalidInput
from pnplive.kit.actor import Actor
from pnplive.user.access import terms_current
from pnplive.user.models import Role, User, UserEvent
from pnplive.user.service import LANGUAGES, check_timezone

REASON_LIMIT = 512


class SuperadminManagedElsewhere(Conflict):
    code = "superadmin_is_managed_in_config"


class LastSuperadmin(Conflict):
    code = "last_superadmin"


async def record(
    session: AsyncSession, user: User, action: str, actor: Actor, now: datetime, detail: str = ""
) -> None:
    session.add(
        UserEvent(
            user_id=user.id,
            at=now,
            action=action,
            actor=actor.kind.value,
            actor_id=actor.user_id if actor.user_id is not None else actor.token_id,
            detail=detail[:REASON_LIMIT],
        )
    )
    await session.flush()


# --- the member's own gates ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Standing:
    """What a member may do now, and what they still have to do (F-ACC-1)."""

    age_verified: bool
    terms_accepted: bool
    is_prime: bool
    restricted: bool
    restricted_reason: str | None

    @property
    def missing(self) -> list[str]:
        out = []
        if not self.age_verified:
            out.append("age_confirmation")
        if not self.terms_accepted:
            out.append("terms")
        return out


def standing(user: User, terms_version: str) -> Standing:
    return Standing(
        age_verified=user.age_verified_at is not None,
        terms_accepted=terms_current(user.terms_version, terms_version),
        is_prime=user.is_prime,
        restricted=user.restricted_at is not None,
        restricted_reason=user.restricted_reason,
    )


async def confirm_age(session: AsyncSession, user: User, now: datetime) -> bool:
    """The member confirms they are an adult; the first confirmation's time is kept."""
    if user.age_verified_at is not None:
        return False
    user.age_verified_at = now
    await record(session, user, "age_confirmed", Actor.member(user.id), now)
    return True


class TermsOutdated(Conflict):
    code = "terms_outdated"


async def accept_terms(
    session: AsyncSession, user: User, version: str, current: str, now: datetime
) -> bool:
    """The member accepts the terms they read (``version``), which must be those in force
    (``current``); False if they already had."""
    if version != current:
        raise TermsOutdated(
            "these are not the terms in force; read the current ones", current=current
        )
    if user.terms_version == version and user.terms_accepted_at is not None:
        return False
    user.terms_accepted_at = now
    user.terms_version = version
    await record(session, user, "terms_accepted", Actor.member(user.id), now, f"version {version}")
    return True


async def update_profile(
    session: AsyncSession, user: User, *, timezone: str | None, language: str | None
) -> User:
    if timezone is not None:
        user.timezone = check_timezone(timezone)
    if language is not None:
        if language not in LANGUAGES:
            raise InvalidInput(f"language must be one of {', '.join(LANGUAGES)}", field="language")
        user.language = language
    await session.flush()
    return user


# --- PRIME and restriction (admins, integrations, the command line) -------------------------


async def set_prime(
    session: AsyncSession, user: User, prime: bool, actor: Actor, now: datetime, reason: str = ""
) -> bool:
    """Grant or revoke PRIME; False when it already was so (nothing recorded)."""
    if user.is_prime == prime:
        return False
    user.is_prime = prime
    await record(session, user, "prime_granted" if prime else "prime_revoked", actor, now, reason)
    return True


async def restrict(
    session: AsyncSession, user: User, reason: str, actor: Actor, now: datetime
) -> bool:
    """Close booking access everywhere at once (F-ACC-3); the reason is kept and shown."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("a restriction needs a reason", field="reason")
    if user.restricted_at is not None and user.restricted_reason == reason:
        return False
    user.restricted_at = now
    user.restricted_reason = reason[:REASON_LIMIT]
    await record(session, user, "restricted", actor, now, reason)
    return True


async def lift_restriction(
    session: AsyncSession, user: User, actor: Actor, now: datetime, reason: str = ""
) -> bool:
    if user.restricted_at is None:
        return False
    user.restricted_at = None
    user.restricted_reason = None
    await record(session, user, "restriction_lifted", actor, now, reason)
    return True


# --- roles (superadmins, the command line) ---------------------------------------------------


async def set_admin(
    session: AsyncSession, user: User, grant: bool, actor: Actor, now: datetime
) -> bool:
    """Grant or revoke ADMIN. Superadmins come from the configuration or the command line."""
    if user.is_superadmin:
        raise SuperadminManagedElsewhere(
            "superadmins come from the configuration or the command line"
        )
    role = Role.ADMIN if grant else Role.USER
    if user.role == role:
        return False
    user.role = role.value
    await record(session, user, "admin_granted" if grant else "admin_revoked", actor, now)
    return True


async def set_superadmin(
    session: AsyncSession, user: User, grant: bool, actor: Actor, now: datetime
) -> bool:
    """The command line's own power: make or unmake a superadmin (never the last one)."""
    if grant == user.is_superadmin:
        return False
    if not grant:
        others = await session.scalar(
            select(func.count(User.id)).where(
                User.role == Role.SUPERADMIN.value, User.id != user.id
            )
        )
        if not others:
            raise LastSuperadmin("the last superadmin cannot be demoted")
    user.role = (Role.SUPERADMIN if grant else Role.USER).value
    await record(session, user, "superadmin_granted" if grant else "superadmin_revoked", actor, now)
    return True


async def history(session: AsyncSession, user_id: int, limit: int = 100) -> list[UserEvent]:
    q = (
        select(UserEvent)
        .where(UserEvent.user_id == user_id)
        .order_by(UserEvent.at.desc(), UserEvent.id.desc())
        .limit(limit)
    )
    return list((await session.scalars(q)).all())
