"""Create, list, revoke and check API tokens (``Authorization: Bearer <token>``)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.auth.errors import InvalidToken
from pnplive.auth.models import ApiToken, TokenRole
from pnplive.errors import InvalidInput, NotFound

TOKEN_PREFIX = "pnp_"
# ``last_used_at`` is refreshed at most this often, so a busy token does not write on every call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create(
    session: AsyncSession, name: str, role: TokenRole | str, now: datetime
) -> tuple[ApiToken, str]:
    """A new token; the plain text is returned here once and never stored."""
    name = name.strip()
    if not name or len(name) > 64:
        raise InvalidInput("a token name must have 1-64 characters", field="name")
    try:
        role = TokenRole(role)
    except ValueError as exc:
        raise InvalidInput(
            f"role must be one of {', '.join(r.value for r in TokenRole)}", field="role"
        ) from exc
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name,
        role=role.value,
        token_hash=hash_token(plain),
        prefix=plain[: len(TOKEN_PREFIX) + 6],
        created_at=now,
    )
    session.add(token)
    await session.flush()
    return token, plain


async def list_all(session: AsyncSession) -> list[ApiToken]:
    return list((await session.scalars(select(ApiToken).order_by(ApiToken.id))).all())


async def revoke(session: AsyncSession, ident: str, now: datetime) -> list[ApiToken]:
    """Revoke the token with this id, or every active token with this name."""
    q = select(ApiToken).where(ApiToken.revoked_at.is_(None))
    q = q.where(ApiToken.id == int(ident)) if ident.isdigit() else q.where(ApiToken.name == ident)
    found = list((await session.scalars(q)).all())
    if not found:
        raise NotFound("no active token with that id or name", token=ident)
    for t in found:
        t.revoked_at = now
    await session.flush()
    return found


async def authenticate(session: AsyncSession, plain: str, now: datetime) -> ApiToken:
    """The active token matching ``plain``; ``InvalidToken`` otherwise."""
    if not plain.startswith(TOKEN_PREFIX) or len(plain) > 128:
        raise InvalidToken("unknown or revoked API token")
    token = await session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(plain)))
    if token is None or token.revoked_at is not None:
        raise InvalidToken("unknown or revoked API token")
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        await session.execute(
            update(ApiToken)
            .where(ApiToken.id == token.id)
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )
        token.last_used_at = now
    return token
