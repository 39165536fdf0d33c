"""What the API says about members and takes from them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MeOut(BaseModel):
    """Who I am, and what I still have to do before booking (F-ACC-1)."""

    id: int
    telegram_id: int
    first_name: str | None
    username: str | None
    role: str = Field(description="unverified, free, prime, performer, admin or superadmin")
    language: str
    timezone: str
    is_prime: bool
    age_verified: bool
    terms_accepted: bool
    terms_version: str = Field(description="The terms in force, to be accepted by this id.")
    missing: list[str] = Field(description="Steps left before the feature opens.")
    restricted: bool
    restricted_reason: str | None
    performer_id: int | None


class MeIn(Strict):
    timezone: str | None = Field(default=None, max_length=64, examples=["Europe/Madrid"])
    language: Literal["en", "es"] | None = None


class AgeIn(Strict):
    confirm: Literal[True] = Field(description="I am 18 or older.")


class TermsIn(Strict):
    version: str = Field(min_length=1, max_length=32, description="The terms version read.")


class ReasonIn(Strict):
    reason: str = Field(default="", max_length=512)


class RestrictIn(Strict):
    reason: str = Field(min_length=1, max_length=512, examples=["off-platform payment requests"])


class MembershipIn(Strict):
    prime: bool
    reason: str = Field(default="", max_length=512)


class UserEventOut(BaseModel):
    at: datetime
    action: str
    actor: str
    actor_id: int | None
    detail: str


class MemberDetailOut(BaseModel):
    id: int
    telegram_id: int
    username: str | None
    first_name: str | None
    role: str
    performer_id: int | None
    is_prime: bool
    restricted: bool
    restricted_reason: str | None
    age_verified_at: datetime | None
    terms_accepted_at: datetime | None
    terms_version: str | None
    unreachable: bool
    created_at: datetime
    history: list[UserEventOut]
