"""Signing in to the web dashboard: one-time login links and signed session cookies.

A login link carries 256 random bits; only their SHA-256 is stored. It is good once, for a few
minutes (consumed by a single conditional UPDATE, so two clicks cannot both win). The session
is a JWT (HS256, PyJWT) in an HttpOnly, SameSite cookie: who (a member, or an admin API token),
until when, and the CSRF token every form must echo.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.auth.errors import Unauthenticated
from pnplive.auth.models import ApiToken, LoginLink, TokenRole
from pnplive.auth.tokens import hash_token
from pnplive.errors import Forbidden
from pnplive.kit.actor import Actor
from pnplive.performer.accounts import of_user
from pnplive.performer.models import Performer
from pnplive.user.models import User

LINK_TTL = timedelta(minutes=10)
SESSION_TTL = timedelta(hours=12)
AUDIENCE = "pnplive-web"


class InvalidLoginLink(Unauthenticated):
    code = "invalid_login_link"


class CsrfRejected(Forbidden):
    code = "csrf_rejected"


async def may_sign_in(session: AsyncSession, user: User) -> bool:
    """Admins (their dashboard) and performers (theirs) sign in to the web; members do not."""
    return user.is_admin or await of_user(session, user.id) is not None


async def issue_link(
    session: AsyncSession, user: User, now: datetime, ttl: timedelta = LINK_TTL
) -> str:
    """A new one-time login token for ``user`` (an admin or a performer)."""
    if not await may_sign_in(session, user):
        raise Forbidden("the web dashboard is for admins and performers", user=user.id)
    plain = secrets.token_urlsafe(32)
    session.add(
        LoginLink(
            token_hash=hash_token(plain), user_id=user.id, created_at=now, expires_at=now + ttl
        )
    )
    await session.flush()
    return plain


async def consume_link(session: AsyncSession, plain: str, now: datetime) -> User:
    """The member the link signs in; forged, expired and used links are refused alike."""
    if not plain or len(plain) > 128:
        raise InvalidLoginLink("this login link is not valid")
    used = await session.execute(
        update(LoginLink)
        .where(
            LoginLink.token_hash == hash_token(plain),
            LoginLink.used_at.is_(None),
            LoginLink.expires_at > now,
        )
        .values(used_at=now)
        .returning(LoginLink.user_id)
    )
    user_id = used.scalar_one_or_none()
    user = await session.get(User, user_id) if user_id is not None else None
    if user is None or not await may_sign_in(session, user):
        raise InvalidLoginLink("this login link is not valid, has expired or was already used")
    return user


@dataclass(frozen=True, slots=True)
class WebSession:
    kind: str  # "member" | "token"
    subject: int  # user id or API token id
    csrf: str
    expires: datetime


def session_cookie(kind: str, subject: int, now: datetime, secret: str) -> tuple[str, WebSession]:
    expires = now + SESSION_TTL
    web = WebSession(kind, subject, secrets.token_urlsafe(24), expires)
    claims = {
        "sub": f"{kind}:{subject}",
        "csrf": web.csrf,
        "iat": int(now.timestamp()),
        "exp": int(expires.timestamp()),
        "aud": AUDIENCE,
    }
    return jwt.encode(claims, secret, algorithm="HS256"), web


def read_session(cookie: str | None, now: datetime, secret: str) -> WebSession | None:
    """The session a cookie proves, or None (missing, forged, expired or malformed)."""
    if not cookie or len(cookie) > 4096:
        return None
    try:
        claims = jwt.decode(
            cookie,
            secret,
            algorithms=["HS256"],
            audience=AUDIENCE,
            # Time is checked below against the product's clock, not the machine's.
            options={"verify_exp": False, "verify_iat": False, "verify_nbf": False},
        )
        kind, _, subject = str(claims["sub"]).partition(":")
        expires = datetime.fromtimestamp(int(claims["exp"]), tz=now.tzinfo)
        csrf = str(claims["csrf"])
    except (jwt.PyJWTError, KeyError, ValueError, TypeError):
        return None
    if expires <= now or kind not in ("member", "token") or not subject.isdigit():
        return None
    return WebSession(kind, int(subject), csrf, expires)


async def signed_in_admin(
    session: AsyncSession, web: WebSession
) -> tuple[User | None, ApiToken | None] | None:
    """The admin (member or API token) a session names, if still an admin; None otherwise."""
    if web.kind == "member":
        user = await session.get(User, web.subject)
        return (user, None) if user is not None and user.is_admin else None
    token = await session.get(ApiToken, web.subject)
    if token is None or token.revoked_at is not None or token.role != TokenRole.ADMIN:
        return None
    return None, token


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who a web session signs in now: an admin (member or API token) or a performer."""

    session: WebSession
    user: User | None
    token: ApiToken | None
    performer: Performer | None

    @property
    def is_admin(self) -> bool:
        return self.token is not None or (self.user is not None and self.user.is_admin)

    @property
    def is_superadmin(self) -> bool:
        return self.user is not None and self.user.is_superadmin

    @property
    def home(self) -> str:
        return "/admin" if self.is_admin else "/performer"

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user is not None else None

    def as_actor(self) -> Actor:
        """This viewer as the domains record who acted."""
        if self.is_admin:
            return Actor.admin(user_id=self.user_id, token_id=self.token.id if self.token else None)
        assert self.performer is not None
        return Actor.of_performer(self.performer.id, user_id=self.user_id)


async def signed_in(session: AsyncSession, web: WebSession) -> Viewer | None:
    """The admin or performer a session still names; None when they are neither any more."""
    if web.kind == "token":
        admin = await signed_in_admin(session, web)
        return None if admin is None else Viewer(web, None, admin[1], None)
    user = await session.get(User, web.subject)
    if user is None:
        return None
    if user.is_admin:
        return Viewer(web, user, None, None)
    performer = await of_user(session, user.id)
    return None if performer is None else Viewer(web, user, None, performer)


def check_csrf(web: WebSession, submitted: str | None) -> None:
    if not submitted or not hmac.compare_digest(web.csrf, submitted):
        raise CsrfRejected("this form has expired; reload the page and try again")
