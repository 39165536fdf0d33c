"""Who did something: a member, a performer, an admin, an integration, the CLI or the system.

Every domain records and checks its changes against one of these rather than free strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ActorKind(StrEnum):
    MEMBER = "user"
    PERFORMER = "performer"
    ADMIN = "admin"
    INTEGRATION = "integration"
    CLI = "cli"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class Actor:
    kind: ActorKind
    user_id: int | None = None  # the member account acting, when there is one
    token_id: int | None = None  # the API token acting, when there is one
    performer_id: int | None = None  # the performer account of ``user_id``, when it has one

    @classmethod
    def member(cls, user_id: int) -> Actor:
        return cls(ActorKind.MEMBER, user_id=user_id)

    @classmethod
    def of_performer(cls, performer_id: int, user_id: int | None = None) -> Actor:
        return cls(ActorKind.PERFORMER, user_id=user_id, performer_id=performer_id)

    @classmethod
    def admin(
        cls,
        user_id: int | None = None,
        token_id: int | None = None,
        performer_id: int | None = None,
    ) -> Actor:
        return cls(ActorKind.ADMIN, user_id=user_id, token_id=token_id, performer_id=performer_id)

    @property
    def is_staff(self) -> bool:
        return self.kind in (ActorKind.ADMIN, ActorKind.CLI, ActorKind.SYSTEM)


SYSTEM = Actor(ActorKind.SYSTEM)
CLI = Actor(ActorKind.CLI)
