"""The signed-in member's own standing: who I am, age confirmation, terms, zone and language.

Open to members who have not passed the gates yet (that is what these are for).
"""

from __future__ import annotations

from fastapi import APIRouter

from pnplive.api.common import errors
from pnplive.api.deps import ClockDep, Principal, PrincipalDep, SessionDep, SettingsDep
from pnplive.auth.errors import RoleRequired
from pnplive.user import membership
from pnplive.user import schemas as us
from pnplive.user.models import User

router = APIRouter(prefix="/api/me", tags=["me"])


def _member(principal: Principal) -> User:
    if principal.user is None:
        raise RoleRequired(
            "this needs a member signed in through Telegram", role=principal.role, needed="user"
        )
    return principal.user


def me_out(principal: Principal, terms_version: str) -> us.MeOut:
    user = _member(principal)
    st = membership.standing(user, terms_version)
    return us.MeOut(
        id=user.id,
        telegram_id=user.telegram_id,
        first_name=user.first_name,
        username=user.username,
        role=principal.role,
        language=user.language,
        timezone=user.timezone,
        is_prime=st.is_prime,
        age_verified=st.age_verified,
        terms_accepted=st.terms_accepted,
        terms_version=terms_version,
        missing=st.missing,
        restricted=st.restricted,
        restricted_reason=st.restricted_reason,
        performer_id=principal.performer.id if principal.performer is not None else None,
    )


@router.get(
    "",
    response_model=us.MeOut,
    summary="Who I am and what is left to do (F-ACC-1)",
    responses=errors(401, 403, 429),
)
async def get_me(principal: PrincipalDep, settings: SettingsDep) -> us.MeOut:
    return me_out(principal, settings.terms_version)


@router.put(
    "",
    response_model=us.MeOut,
    summary="Set my time zone and language (F-UX-1/2)",
    responses=errors(401, 403, 422, 429),
)
async def update_me(
    body: us.MeIn, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> us.MeOut:
    await membership.update_profile(
        session, _member(principal), timezone=body.timezone, language=body.language
    )
    return me_out(principal, settings.terms_version)


@router.post(
    "/age-confirmation",
    response_model=us.MeOut,
    summary="I confirm I am 18 or older",
    responses=errors(401, 403, 422, 429),
)
async def confirm_age(
    body: us.AgeIn,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> us.MeOut:
    await membership.confirm_age(session, _member(principal), clock.now())
    return me_out(principal, settings.terms_version)


@router.post(
    "/terms",
    response_model=us.MeOut,
    summary="I accept the terms in force",
    description="`version` must be the version shown to the member (`terms_version` of "
    "`GET /api/me`); an older one answers 409 terms_outdated.",
    responses=errors(401, 403, 409, 422, 429),
)
async def accept_terms(
    body: us.TermsIn,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> us.MeOut:
    await membership.accept_terms(
        session, _member(principal), body.version, settings.terms_version, clock.now()
    )
    return me_out(principal, settings.terms_version)
