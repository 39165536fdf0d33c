"""Members for admins (F-ACC-1..3, F-ADM-5): find, see their history, PRIME, restriction; and
the membership integration that grants PRIME from outside."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from pnplive.api import render
from pnplive.api import schemas as s
from pnplive.api.common import PagingDep, errors
from pnplive.api.deps import AdminDep, ClockDep, Principal, PrincipalDep, SessionDep, SettingsDep
from pnplive.auth.errors import RoleRequired
from pnplive.errors import NotFound
from pnplive.performer.directory import MemberFilters, MemberRow, find_members, member
from pnplive.user import membership
from pnplive.user import schemas as us
from pnplive.user import service as users

router = APIRouter(tags=["admin"])

UserId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Member id.")]
TelegramId = Annotated[int, Path(ge=1, le=2**53, description="Telegram user id.")]


async def require_membership_writer(principal: PrincipalDep) -> Principal:
    """Admins, and the membership integration's API token."""
    if not (principal.is_admin or principal.is_integration):
        raise RoleRequired(
            "this is for admins and the membership integration",
            role=principal.role,
            needed="integration",
        )
    return principal


MembershipWriterDep = Annotated[Principal, Depends(require_membership_writer)]


async def _row(session: SessionDep, user_id: int) -> MemberRow:
    row = await member(session, user_id)
    if row is None:
        raise NotFound("no such member", user=user_id)
    return row


def _out(row: MemberRow) -> s.MemberOut:
    return render.member(row.user, row.performer_id)


@router.get(
    "/api/admin/users",
    response_model=s.Page[s.MemberOut],
    summary="Find members (filters and pages in SQL)",
    responses=errors(401, 403, 422, 429),
)
async def list_users(
    session: SessionDep,
    _admin: AdminDep,
    page: PagingDep,
    role: Annotated[str | None, Query(pattern=r"^(user|admin|superadmin|performer)$")] = None,
    prime: bool | None = None,
    restricted: bool | None = None,
    q: Annotated[str | None, Query(max_length=64, description="Username, name or id.")] = None,
) -> dict[str, object]:
    rows, total = await find_members(
        session,
        MemberFilters(role=role, prime=prime, restricted=restricted, q=q or None),
        limit=page.limit,
        offset=page.offset,
    )
    return s.page_of([_out(r) for r in rows], total, page.limit, page.offset)


@router.get(
    "/api/admin/users/{user_id}",
    response_model=us.MemberDetailOut,
    summary="One member: standing and the history of changes to it",
    responses=errors(401, 403, 404, 422, 429),
)
async def get_user(user_id: UserId, session: SessionDep, _admin: AdminDep) -> us.MemberDetailOut:
    row = await _row(session, user_id)
    u = row.user
    events = await membership.history(session, u.id)
    return us.MemberDetailOut(
        id=u.id,
        telegram_id=u.telegram_id,
        username=u.username,
        first_name=u.first_name,
        role=u.role,
        performer_id=row.performer_id,
        is_prime=u.is_prime,
        restricted=u.restricted_at is not None,
        restricted_reason=u.restricted_reason,
        age_verified_at=u.age_verified_at,
        terms_accepted_at=u.terms_accepted_at,
        terms_version=u.terms_version,
        unreachable=u.unreachable,
        created_at=u.created_at,
        history=[us.UserEventOut.model_validate(e, from_attributes=True) for e in events],
    )


@router.post(
    "/api/admin/users/{user_id}/prime",
    response_model=s.MemberOut,
    summary="Grant PRIME",
    responses=errors(401, 403, 404, 422, 429),
)
async def grant_prime(
    user_id: UserId,
    session: SessionDep,
    admin: AdminDep,
    clock: ClockDep,
    body: us.ReasonIn | None = None,
) -> s.MemberOut:
    row = await _row(session, user_id)
    reason = body.reason if body else ""
    await membership.set_prime(session, row.user, True, admin.as_actor(), clock.now(), reason)
    return _out(row)


@router.delete(
    "/api/admin/users/{user_id}/prime",
    response_model=s.MemberOut,
    summary="Revoke PRIME",
    responses=errors(401, 403, 404, 422, 429),
)
async def revoke_prime(
    user_id: UserId, session: SessionDep, admin: AdminDep, clock: ClockDep
) -> s.MemberOut:
    row = await _row(session, user_id)
    await membership.set_prime(session, row.user, False, admin.as_actor(), clock.now())
    return _out(row)


@router.post(
    "/api/admin/users/{user_id}/restriction",
    response_model=s.MemberOut,
    summary="Restrict a member's booking access, with the reason (F-ACC-3)",
    responses=errors(401, 403, 404, 422, 429),
)
async def restrict_user(
    user_id: UserId, body: us.RestrictIn, session: SessionDep, admin: AdminDep, clock: ClockDep
) -> s.MemberOut:
    row = await _row(session, user_id)
    await membership.restrict(session, row.user, body.reason, admin.as_actor(), clock.now())
    return _out(row)


@router.delete(
    "/api/admin/users/{user_id}/restriction",
    response_model=s.MemberOut,
    summary="Lift a restriction",
    responses=errors(401, 403, 404, 422, 429),
)
async def lift_restriction(
    user_id: UserId, session: SessionDep, admin: AdminDep, clock: ClockDep
) -> s.MemberOut:
    row = await _row(session, user_id)
    await membership.lift_restriction(session, row.user, admin.as_actor(), clock.now())
    return _out(row)


@router.put(
    "/api/integrations/membership/{telegram_id}",
    response_model=s.MemberOut,
    summary="PRIME from the community's membership system (integration token)",
    description="Grants or revokes PRIME by Telegram id, registering the member if they have "
    "not opened the bot yet. Repeating a call changes nothing.",
    responses=errors(401, 403, 422, 429),
)
async def set_membership(
    telegram_id: TelegramId,
    body: us.MembershipIn,
    session: SessionDep,
    writer: MembershipWriterDep,
    clock: ClockDep,
    settings: SettingsDep,
) -> s.MemberOut:
    now = clock.now()
    user = await users.register(
        session, telegram_id, now, superadmin_ids=settings.superadmin_telegram_ids
    )
    await membership.set_prime(session, user, body.prime, writer.as_actor(), now, body.reason)
    return _out(await _row(session, user.id))
