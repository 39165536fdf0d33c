"""Calls for the video tests: a paid booking (through the sandbox provider's signed webhook),
a video provider that records what it was asked, and the worker that drives it all."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from pnplive.booking import service as bookings
from pnplive.booking.models import Booking
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.payment import service as payments
from pnplive.performer.models import Performer
from pnplive.user.models import User
from pnplive.video.models import CallPass, CallRoom, Side
from pnplive.video.providers.base import (
    CallEvent,
    EventKind,
    InvalidSignature,
    OpenedRoom,
    RoomRequest,
    VideoProviderError,
    WebhookRejected,
)
from pnplive.video.settings import VideoSettings
from pnplive.worker.app import build_runner
from pnplive.worker.runner import Runner, RunnerConfig
from tests.factories import make_user
from tests.payment.signers import SIGNERS
from tests.payment.support import all_providers, pending_booking

SANDBOX = next(signer for signer in SIGNERS if signer.provider == "sandbox")
WEBHOOK_SECRET = b"test-video-webhook-secret"
VIDEO = VideoSettings(
    _env_file=None,  # type: ignore[call-arg]
    early_join_minutes=5,
    end_grace_minutes=5,
    no_show_grace_minutes=10,
    no_show_pause_count=2,
    no_show_pause_window_days=30,
)


@dataclass
class RecordingProvider:
    """A video provider that opens numbered rooms, records every request, can be made to fail,
    and accepts webhooks signed with ``WEBHOOK_SECRET`` (hex HMAC of the body)."""

    name: str = "recording"
    has_webhooks: bool = True
    opened: list[RoomRequest] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    failing: bool = False

    async def open_room(self, request: RoomRequest) -> OpenedRoom:
        if self.failing:
            raise VideoProviderError("the provider is down")
        self.opened.append(request)
        room = f"room-{len(self.opened)}"
        return OpenedRoom(
            provider=self.name,
            room_name=room,
            join_urls={
                p.user_id: f"https://video.test/{room}?as={p.user_id}&mod={p.moderator}"
                for p in request.participants
            },
        )

    async def close_room(self, room_name: str) -> None:
        if self.failing:
            raise VideoProviderError("the provider is down")
        self.closed.append(room_name)

    def parse_webhook(
        self, headers: Mapping[str, str], body: bytes, now: datetime
    ) -> list[CallEvent]:
        given = headers.get("x-signature", "")
        expected = hmac.new(WEBHOOK_SECRET, body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(given, expected):
            raise InvalidSignature("bad signature")
        try:
            data = json.loads(body)
            return [
                CallEvent(
                    event_id=str(data["id"]),
                    kind=EventKind(data["kind"]),
                    room_name=str(data["room"]),
                    user_id=data.get("user"),
                    at=datetime.fromtimestamp(int(data["ts"]), UTC),
                )
            ]
        except (ValueError, KeyError, TypeError) as exc:
            raise WebhookRejected("malformed") from exc


def signed_event(**event: object) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(event).encode()
    sig = hmac.new(WEBHOOK_SECRET, body, hashlib.sha256).hexdigest()
    return body, {"x-signature": sig, "content-type": "application/json"}


@dataclass
class PaidCall:
    booking: str
    member: User
    performer_user: User
    performer_id: int
    start: datetime
    end: datetime


async def paid_call(
    db: Database,
    clock: FrozenClock,
    *,
    days: int = 1,
    hour: int = 18,
    performer_id: int | None = None,
) -> PaidCall:
    """A booking paid through the sandbox provider's signed webhook, the performer with an
    account in Madrid and the member in New York speaking Spanish."""
    setup = await pending_booking(db, clock, days=days, hour=hour, performer_id=performer_id)
    async with db.transaction() as s:
        performer = await s.get(Performer, setup.performer_id)
        assert performer is not None
        if performer.user_id is None:
            performer_user = await make_user(s, clock.now(), timezone="Europe/Madrid")
            performer.user_id = performer_user.id
            performer.timezone = "Europe/Madrid"
        else:
            found = await s.get(User, performer.user_id)
            assert found is not None
            performer_user = found
        member = await s.get(User, setup.user_id)
        assert member is not None
        member.language = "es"
        member.first_name = "Carlos"
        member.timezone = "America/New_York"
    providers = all_providers()
    payment = await payments.start_checkout(
        db,
        setup.booking_id,
        providers=providers,
        clock=clock,
        public_base_url="http://testserver",
        provider="sandbox",
    )
    body, headers = SANDBOX.paid(payment, clock.now())
    result = await payments.process_webhook(
        db, "sandbox", body, headers, providers=providers, clock=clock
    )
    assert [r.outcome for r in result.results] == ["confirmed"]
    b = await booking(db, setup.booking_id)
    return PaidCall(b.public_id, member, performer_user, setup.performer_id, b.start_at, b.end_at)


def worker(db: Database, clock: FrozenClock, provider: RecordingProvider) -> Runner:
    cfg = RunnerConfig(max_attempts=5, base_backoff=timedelta(seconds=30))
    return build_runner(
        db, clock, providers=all_providers(), cfg=cfg, video=provider, video_settings=VIDEO
    )


async def run_due(runner: Runner, rounds: int = 4) -> None:
    """Ticks until the due work (and the jobs it queues for now) is done."""
    for _ in range(rounds):
        await runner.tick()


async def booking(db: Database, public_id: str) -> Booking:
    async with db.transaction() as s:
        return await bookings.get_booking(s, public_id)


async def passes(db: Database, public_id: str) -> dict[Side, CallPass]:
    async with db.transaction() as s:
        b = await bookings.get_booking(s, public_id)
        rows = await s.scalars(select(CallPass).where(CallPass.booking_id == b.id))
        return {Side(p.side): p for p in rows}


async def room(db: Database, public_id: str) -> CallRoom | None:
    async with db.transaction() as s:
        b = await bookings.get_booking(s, public_id)
        found: CallRoom | None = await s.scalar(select(CallRoom).where(CallRoom.booking_id == b.id))
        return found


async def performer(db: Database, performer_id: int) -> Performer:
    async with db.transaction() as s:
        p = await s.get(Performer, performer_id)
        assert p is not None
        return p
