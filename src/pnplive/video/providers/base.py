"""What every video provider offers the call lifecycle (SPEC §7, INTEGRATIONS.md).

A provider opens one private room per booking with one join URL per participant (each URL
carries that participant's own token where the provider has tokens), closes the room after the
call, and turns its signed webhooks into call events. Webhooks are verified on the raw body
before anything is parsed; a body that is not what the provider sends raises
``WebhookRejected`` and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from pnplive.errors import PnpError


class WebhookRejected(PnpError):
    """A video webhook we refuse (bad or missing signature, stale, malformed); nothing changed."""

    code = "webhook_rejected"
    status = 400


class InvalidSignature(WebhookRejected):
    code = "invalid_signature"
    status = 401


class StaleWebhook(InvalidSignature):
    """Signed, but too long ago (or too far ahead) to tell apart from a replay."""

    code = "stale_webhook"


class VideoProviderError(PnpError):
    """A provider call failed; the job that made it retries later."""

    code = "video_provider_error"
    status = 502


@dataclass(frozen=True, slots=True)
class Participant:
    user_id: str  # our user id; providers echo it back in their webhooks
    name: str  # display name shown in the room
    moderator: bool  # the performer moderates; the member never does


@dataclass(frozen=True, slots=True)
class RoomRequest:
    booking_id: str
    not_before: datetime  # UTC: start minus the early-join window
    expires: datetime  # UTC: end plus the grace
    participants: Sequence[Participant]


@dataclass(frozen=True, slots=True)
class OpenedRoom:
    provider: str
    room_name: str
    join_urls: Mapping[str, str]  # user_id -> the URL that participant opens


class EventKind(StrEnum):
    JOINED = "joined"
    LEFT = "left"
    ENDED = "ended"


@dataclass(frozen=True, slots=True)
class CallEvent:
    event_id: str  # the provider's id for deduplication
    kind: EventKind
    room_name: str
    user_id: str | None  # None for room-level events
    at: datetime  # UTC


class VideoProvider(Protocol):
    name: str
    # Whether this provider sends webhooks we can verify (joins are also recorded by /j/ links).
    has_webhooks: bool

    async def open_room(self, request: RoomRequest) -> OpenedRoom: ...

    async def close_room(self, room_name: str) -> None: ...

    def parse_webhook(
        self, headers: Mapping[str, str], body: bytes, now: datetime
    ) -> list[CallEvent]: ...
