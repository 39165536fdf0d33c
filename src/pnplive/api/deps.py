"""Request dependencies: the unit of work, the clock and settings, and who is calling.

Use ``SessionDep`` (or ``Depends(get_session, scope="function")``) for the session: the
transaction is committed when the endpoint returns, *before* the response is sent, so a client
never sees a success that is not yet durable, and any error rolls everything back. One request has
one session, whichever dependency asks for it first.

Authentication: ``Authorization: tma <initData>`` (Telegram Mini App, members and performers) or
``Authorization: Bearer <token>`` (API tokens of admins and integrations).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.api.ratelimit import RateLimited, RateLimiter
from pnplive.api.slot_cache import SlotCache
from pnplive.auth import initdata
from pnplive.auth import tokens as api_tokens
from pnplive.auth.errors import RoleRequired, Unauthenticated
from pnplive.auth.models import ApiToken, TokenRole
from pnplive.booking.rules import BookingRules
from pnplive.config import Settings
from pnplive.errors import Forbidden
from pnplive.kit.actor import Actor, ActorKind
from pnplive.kit.clock import Clock
from pnplive.kit.db import Database
from pnplive.performer.models import Performer
from pnplive.user import service as users
from pnplive.user.access import MESSAGES, AccessRule, terms_current
from pnplive.user.models import User
from pnplive.video.providers.base import VideoProvider
from pnplive.video.timing import CallTiming

__all__ = [
    "AdminDep",
    "ClockDep",
    "PerformerDep",
    "Principal",
    "PrincipalDep",
    "RulesDep",
    "SessionDep",
    "SettingsDep",
    "SuperadminDep",
    "TimingDep",
    "UserDep",
    "ViewerDep",
    "current_principal",
    "get_booking_rules",
    "get_call_timing",
    "get_clock",
    "get_db",
    "get_session",
    "get_settings_dep",
    "get_slot_cache",
    "get_video_provider",
    "require_admin",
    "require_performer",
    "require_superadmin",
    "require_user",
    "require_viewer",
]


# --- application state -----------------------------------------------------------------------


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_call_timing(request: Request) -> CallTiming:
    timing: CallTiming = request.app.state.call_timing
    return timing


def get_video_provider(request: Request) -> VideoProvider:
    provider: VideoProvider = request.app.state.video_provider
    return provider


def get_booking_rules(request: Request) -> BookingRules:
    rules: BookingRules = request.app.state.booking_rules
    return rules


def get_slot_cache(request: Request) -> SlotCache:
    cache: SlotCache = request.app.state.slot_cache
    return cache


def get_rate_limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.rate_limiter
    return limiter


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's unit of work: committed on success, rolled back on any error."""
    existing: AsyncSession | None = getattr(request.state, "db_session", None)
    if existing is not None:
        yield existing
        return
    db = get_db(request)
    lock: asyncio.Lock | None = getattr(request.app.state, "write_lock", None)
    async with AsyncExitStack() as stack:
        if lock is not None:
            # SQLite runs one write transaction at a time anyway; queueing here in order is much
            # faster than every connection polling the database lock with growing sleeps. The
            # request gives its place up early when it commits before slow outside work.
            await lock.acquire()
            request.state.write_lock = lock
            stack.callback(_release_write_lock, request)
        session = await stack.enter_async_context(db.transaction())
        request.state.db_session = session
        try:
            yield session
        finally:
            request.state.db_session = None


def _release_write_lock(request: Request) -> None:
    lock: asyncio.Lock | None = getattr(request.state, "write_lock", None)
    if lock is not None:
        request.state.write_lock = None
        lock.release()


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


async def commit_so_far(request: Request, session: AsyncSession) -> None:
    """Commit the request's work so far, before a slow call outside the database (a payment
    provider): no transaction is held across it, and on SQLite the request leaves the queue of
    writers, so other requests are not kept waiting behind the provider."""
    await session.commit()
    _release_write_lock(request)


# FastAPI runs a plain ``def`` dependency in a worker thread: one thread hop per getter and
# request, for reading an attribute. As coroutines they run in place.
async def _clock(request: Request) -> Clock:
    return get_clock(request)


async def _call_timing(request: Request) -> CallTiming:
    return get_call_timing(request)


async def _settings(request: Request) -> Settings:
    return get_settings_dep(request)


async def _booking_rules(request: Request) -> BookingRules:
    return get_booking_rules(request)


async def _slot_cache(request: Request) -> SlotCache:
    return get_slot_cache(request)


ClockDep = Annotated[Clock, Depends(_clock)]
TimingDep = Annotated[CallTiming, Depends(_call_timing)]
SettingsDep = Annotated[Settings, Depends(_settings)]
RulesDep = Annotated[BookingRules, Depends(_booking_rules)]
SlotCacheDep = Annotated[SlotCache, Depends(_slot_cache)]


# --- who is calling ----------------------------------------------------------------------------


@dataclass
class Principal:
    """The authenticated caller: a member (maybe a performer, maybe an admin) or an API token."""

    user: User | None = None
    performer: Performer | None = None  # the performer account linked to ``user``
    token: ApiToken | None = None
    terms_version: str = "1"  # the terms in force: older acceptances do not count

    @property
    def token_role(self) -> str | None:
        return self.token.role if self.token is not None else None

    @property
    def is_superadmin(self) -> bool:
        return self.user is not None and self.user.is_superadmin

    @property
    def is_admin(self) -> bool:
        if self.token is not None:
            return self.token.role == TokenRole.ADMIN
        return self.user is not None and self.user.is_admin

    @property
    def is_integration(self) -> bool:
        return self.token is not None and self.token.role == TokenRole.INTEGRATION

    @property
    def is_performer(self) -> bool:
        return self.performer is not None

    @property
    def role(self) -> str:
        """The SPEC §1 role: unverified, free, prime, performer, admin, superadmin, integration."""
        if self.token is not None:
            return self.token.role
        assert self.user is not None
        if self.user.is_superadmin:
            return "superadmin"
        if self.user.is_admin:
            return "admin"
        if self.performer is not None:
            return "performer"
        if self.user.age_verified_at is None or not terms_current(
            self.user.terms_version, self.terms_version
        ):
            return "unverified"
        return "prime" if self.user.is_prime else "free"

    def as_actor(self) -> Actor:
        """This caller as the domains record who acted."""
        token_id = self.token.id if self.token is not None else None
        if self.is_integration:
            return Actor(ActorKind.INTEGRATION, token_id=token_id)
        performer_id = self.performer.id if self.performer is not None else None
        if self.is_admin:
            return Actor.admin(user_id=self.actor_id, token_id=token_id, performer_id=performer_id)
        if performer_id is not None:
            return Actor.of_performer(performer_id, user_id=self.actor_id)
        assert self.user is not None
        return Actor.member(self.user.id)

    @property
    def actor_id(self) -> int | None:
        """The member's id for booking history; None for API tokens (their ids are another
        numbering, and history records them as actor "admin")."""
        return self.user.id if self.user is not None else None

    @property
    def rate_key(self) -> str:
        if self.user is not None:
            return f"user:{self.user.id}"
        assert self.token is not None
        return f"token:{self.token.id}"

    @property
    def timezone(self) -> str:
        if self.performer is not None and (self.user is None or not self.user.is_admin):
            return self.performer.timezone
        return self.user.timezone if self.user is not None else "UTC"


def client_address(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


async def limit_by_ip(request: Request) -> None:
    """Router dependency: per client address."""
    await get_rate_limiter(request).hit("ip", client_address(request))


async def limit_webhooks_by_ip(request: Request) -> None:
    """Payment routes: webhooks per sending address, everything else per client address."""
    kind = "webhooks" if request.url.path.startswith("/webhooks/") else "ip"
    await get_rate_limiter(request).hit(kind, client_address(request))


authorization_header = APIKeyHeader(
    name="Authorization",
    scheme_name="Authorization",
    description="`tma <Telegram Mini App initData>` for members and performers, or "
    "`Bearer <API token>` for admins and integrations.",
    auto_error=False,
)


class KnownMembers:
    """Telegram ids this process has seen registered (bounded), to skip the first-sight step."""

    def __init__(self, size: int = 100_000) -> None:
        self.size = size
        self._ids: OrderedDict[int, None] = OrderedDict()

    def __contains__(self, telegram_id: object) -> bool:
        return telegram_id in self._ids

    def add(self, telegram_id: int) -> None:
        self._ids[telegram_id] = None
        self._ids.move_to_end(telegram_id)
        while len(self._ids) > self.size:
            self._ids.popitem(last=False)


async def _register_first_sight(
    request: Request, telegram_id: int, now: datetime, profile: dict[str, Any]
) -> None:
    """Register a member seen for the first time in a transaction of its own, so they stay
    registered even if the request they came with is refused. Runs before the request's own
    session touches the database (on SQLite a second writer would wait for the first)."""
    known: KnownMembers = request.app.state.known_members
    if telegram_id in known:
        return
    try:
        async with get_db(request).transaction() as first:
            await users.register(first, telegram_id, now, **profile)
    except IntegrityError:
        pass  # registered meanwhile by a concurrent request: fine
    known.add(telegram_id)


async def current_principal(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    authorization: Annotated[str | None, Security(authorization_header)] = None,
) -> Principal:
    """Authenticate the request; 401 when there are no valid credentials."""
    cached: Principal | None = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    header = authorization or ""
    scheme, _, value = header.partition(" ")
    scheme, value = scheme.lower(), value.strip()
    settings = get_settings_dep(request)
    now = clock.now()
    if scheme == "tma" and value:
        bot_token = settings.effective_bot_token
        if not bot_token:
            raise Unauthenticated("Mini App sign-in is not configured on this server")
        data = initdata.validate(value, bot_token, now, settings.init_data_max_age_seconds)
        tg = data.user
        profile = {
            "username": tg.username[:64] if tg.username else None,
            "first_name": tg.first_name[:128] if tg.first_name else None,
            "language_code": tg.language_code,
            "superadmin_ids": settings.superadmin_telegram_ids,
        }
        await _register_first_sight(request, tg.id, now, profile)
        user = await users.register(session, tg.id, now, **profile)  # type: ignore[arg-type]
        performer = await session.scalar(select(Performer).where(Performer.user_id == user.id))
        principal = Principal(user=user, performer=performer, terms_version=settings.terms_version)
    elif scheme == "bearer" and value:
        token = await api_tokens.authenticate(session, value, now)
        principal = Principal(token=token)
    else:
        raise Unauthenticated(
            "sign in with 'Authorization: tma <initData>' or 'Authorization: Bearer <token>'"
        )
    await _limited(request, "user", principal)
    request.state.principal = principal
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def _refuse(message: str, *, role: str, needed: str) -> RoleRequired:
    return RoleRequired(message, role=role, needed=needed)


def _unverified_error(user: User) -> Forbidden:
    rule = (
        AccessRule.AGE_NOT_VERIFIED
        if user.age_verified_at is None
        else AccessRule.TERMS_NOT_ACCEPTED
    )  # the role says one of the two is missing
    err = Forbidden(MESSAGES[rule], rule=rule.value)
    err.code = rule.value  # type: ignore[misc]
    return err


async def require_viewer(principal: PrincipalDep) -> Principal:
    """May browse performers: verified members (FREE or PRIME), performers, admins, integrations."""
    if principal.user is not None and principal.role == "unverified":
        raise _unverified_error(principal.user)
    return principal


async def require_user(principal: PrincipalDep) -> Principal:
    """A member signed in through Telegram; unverified members see nothing of the feature.

    The booking rules (F-ACC-1) are checked by the booking service itself.
    """
    if principal.user is None:
        raise _refuse(
            "this needs a member signed in through Telegram", role=principal.role, needed="user"
        )
    if principal.role == "unverified":
        raise _unverified_error(principal.user)
    return principal


async def require_performer(principal: PrincipalDep) -> Principal:
    if principal.performer is None:
        raise _refuse("this is for performers only", role=principal.role, needed="performer")
    return principal


async def require_admin(principal: PrincipalDep) -> Principal:
    if not principal.is_admin:
        raise _refuse("this is for admins only", role=principal.role, needed="admin")
    return principal


async def require_superadmin(principal: PrincipalDep) -> Principal:
    if not principal.is_superadmin:
        raise _refuse("this is for superadmins only", role=principal.role, needed="superadmin")
    return principal


async def limit_bookings(request: Request, principal: PrincipalDep) -> None:
    """Booking writes are limited more tightly per caller."""
    await _limited(request, "bookings", principal)


async def _limited(request: Request, kind: str, principal: Principal) -> None:
    """One request of ``kind`` by this caller; a refused member is counted towards the abuse
    limits once the answer is sent (api/abuse.py)."""
    try:
        await get_rate_limiter(request).hit(kind, principal.rate_key)
    except RateLimited:
        if principal.user is not None:
            request.state.rate_limited_user = principal.user.id
        raise


ViewerDep = Annotated[Principal, Depends(require_viewer)]
UserDep = Annotated[Principal, Depends(require_user)]
PerformerDep = Annotated[Principal, Depends(require_performer)]
AdminDep = Annotated[Principal, Depends(require_admin)]
SuperadminDep = Annotated[Principal, Depends(require_superadmin)]
