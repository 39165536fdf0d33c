"""Access rules (F-ACC-1): may user U book performer P now? One answer, one failing rule."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AccessRule(StrEnum):
    AGE_NOT_VERIFIED = "age_not_verified"
    TERMS_NOT_ACCEPTED = "terms_not_accepted"
    PERFORMERS_CANNOT_BOOK = "performers_cannot_book"
    PRIME_REQUIRED = "prime_required"
    USER_RESTRICTED = "user_restricted"
    PERFORMER_UNAVAILABLE = "performer_unavailable"
    NO_AVAILABILITY = "no_availability"


MESSAGES: dict[AccessRule, str] = {
    AccessRule.AGE_NOT_VERIFIED: "Please verify your age before booking.",
    AccessRule.TERMS_NOT_ACCEPTED: "Please accept the terms before booking.",
    AccessRule.PERFORMERS_CANNOT_BOOK: "Performer accounts cannot book calls.",
    AccessRule.PRIME_REQUIRED: "Private calls are a PRIME benefit. Upgrade to PRIME to book.",
    AccessRule.USER_RESTRICTED: "Your booking access is restricted.",
    AccessRule.PERFORMER_UNAVAILABLE: "This performer is not taking bookings.",
    AccessRule.NO_AVAILABILITY: "This performer has no availability set.",
}


def terms_current(accepted_version: str | None, current_version: str) -> bool:
    """Accepted terms count only for the version in force: new terms are accepted again."""
    return accepted_version is not None and accepted_version == current_version


@dataclass(frozen=True, slots=True)
class UserFacts:
    age_verified: bool
    terms_accepted: bool
    is_prime: bool
    restricted: bool
    is_performer: bool


@dataclass(frozen=True, slots=True)
class PerformerFacts:
    bookable: bool  # active and public
    has_availability: bool


def booking_denial(
    user: UserFacts, performer: PerformerFacts, pay_per_call_enabled: bool
) -> AccessRule | None:
    """The first rule that forbids booking, in the order the user must fix them; None if allowed."""
    if not user.age_verified:
        return AccessRule.AGE_NOT_VERIFIED
    if not user.terms_accepted:
        return AccessRule.TERMS_NOT_ACCEPTED
    if user.is_performer:
        return AccessRule.PERFORMERS_CANNOT_BOOK
    if user.restricted:
        return AccessRule.USER_RESTRICTED
    if not user.is_prime and not pay_per_call_enabled:
        return AccessRule.PRIME_REQUIRED
    if not performer.bookable:
        return AccessRule.PERFORMER_UNAVAILABLE
    if not performer.has_availability:
        return AccessRule.NO_AVAILABILITY
    return None
