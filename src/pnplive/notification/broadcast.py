"""'Performer is online' to the members who follow them (F-NTF-5).

Starting a broadcast writes one pending delivery row per reachable follower and a job, in the
caller's transaction. The job sends in batches, paced (``Pacer``), and records each delivery's
outcome in its own short transaction right after sending, so a worker that restarts resumes with
the rows still pending and resends nothing. A run stops after a time budget well inside the job
lease and queues its continuation, so no other worker can take a broadcast that is still sending.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    delete,
    func,
    insert,
    literal,
    select,
    true,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.errors import NotFound
from pnplive.kit.clock import Clock
from pnplive.kit.db import Database
from pnplive.kit.i18n import N_, t
from pnplive.kit.jobs import enqueue
from pnplive.notification.messages import OutMessage
from pnplive.notification.models import Broadcast, BroadcastDelivery, Subscription
from pnplive.notification.notifier import Delivery, Notifier, RetryLater
from pnplive.notification.pacing import Pacer
from pnplive.performer.models import Performer
from pnplive.user.models import User

log = logging.getLogger(__name__)

BROADCAST_JOB = "broadcast"
PENDING, SENT, FAILED, UNREACHABLE = "pending", "sent", "failed", "unreachable"
SENDING, DONE = "sending", "done"
MAX_ATTEMPTS = 3
MAX_WAIT_SECONDS = 60.0


# --- following --------------------------------------------------------------------------------


async def subscribe(session: AsyncSession, user: User, performer: Performer, now: datetime) -> bool:
    """Follow ``performer``'s online alerts; False when already following."""
    existing = await session.scalar(
        select(Subscription.id).where(
            Subscription.user_id == user.id, Subscription.performer_id == performer.id
        )
    )
    if existing is not None:
        return False
    session.add(Subscription(user_id=user.id, performer_id=performer.id, created_at=now))
    await session.flush()
    return True


async def unsubscribe(session: AsyncSession, user: User, performer_id: int) -> bool:
    result = await session.execute(
        delete(Subscription).where(
            Subscription.user_id == user.id, Subscription.performer_id == performer_id
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def follow(
    session: AsyncSession, user: User, performer_id: int, now: datetime, *, admin: bool = False
) -> bool:
    """Follow a performer the member can see (hidden or inactive ones are not found)."""
    performer = await session.get(Performer, performer_id)
    if performer is None or not (performer.is_bookable or admin):
        raise NotFound("no such performer", performer=performer_id)
    return await subscribe(session, user, performer, now)


async def followed(session: AsyncSession, user: User) -> list[int]:
    q = select(Subscription.performer_id).where(Subscription.user_id == user.id)
    return list((await session.scalars(q.order_by(Subscription.performer_id))).all())


# --- starting and progress --------------------------------------------------------------------


async def start_online(session: AsyncSession, performer_id: int, now: datetime) -> Broadcast:
    """A broadcast to every reachable follower of the performer, sent by the worker."""
    own_user = await session.scalar(select(Performer.user_id).where(Performer.id == performer_id))
    b = Broadcast(
        performer_id=performer_id,
        kind="online",
        status=SENDING,
        total=0,
        sent=0,
        failed=0,
        unreachable=0,
        created_at=now,
    )
    session.add(b)
    await session.flush()
    followers = (
        select(
            literal(b.id).label("broadcast_id"),
            Subscription.user_id,
            literal(PENDING).label("status"),
            literal(0).label("attempts"),
        )
        .select_from(Subscription)
        .join(User, User.id == Subscription.user_id)
        .where(Subscription.performer_id == performer_id, User.unreachable.is_(False))
    )
    if own_user is not None:
        followers = followers.where(Subscription.user_id != own_user)
    await session.execute(
        insert(BroadcastDelivery).from_select(
            ["broadcast_id", "user_id", "status", "attempts"], followers
        )
    )
    b.total = int(
        await session.scalar(select(func.count()).where(BroadcastDelivery.broadcast_id == b.id))
        or 0
    )
    await enqueue(
        session,
        BROADCAST_JOB,
        f"broadcast:{b.id}:0",
        due_at=now,
        now=now,
        payload={"broadcast": b.id, "part": 0},
    )
    return b


@dataclass(frozen=True, slots=True)
class Progress:
    id: int
    performer_id: int
    status: str
    total: int
    pending: int
    sent: int
    failed: int
    unreachable: int
    created_at: datetime
    finished_at: datetime | None


async def progress(session: AsyncSession, broadcast_id: int) -> Progress:
    found = await list_progress(session, broadcast_id=broadcast_id, limit=1, offset=0)
    if not found[0]:
        raise NotFound("no such broadcast", broadcast=broadcast_id)
    return found[0][0]


async def list_progress(
    session: AsyncSession,
    *,
    performer_id: int | None = None,
    broadcast_id: int | None = None,
    limit: int,
    offset: int,
) -> tuple[list[Progress], int]:
    """Broadcasts newest first, each with its deliveries counted by outcome (one query)."""
    d = BroadcastDelivery
    counts = (
        select(
            d.broadcast_id.label("bid"),
            *(
                func.sum(case((d.status == s, 1), else_=0)).label(s)
                for s in (PENDING, SENT, FAILED, UNREACHABLE)
            ),
        )
        .group_by(d.broadcast_id)
        .subquery()
    )
    where: list[ColumnElement[bool]] = []
    if performer_id is not None:
        where.append(Broadcast.performer_id == performer_id)
    if broadcast_id is not None:
        where.append(Broadcast.id == broadcast_id)
    cond = and_(*where) if where else true()
    total = (await session.scalar(select(func.count(Broadcast.id)).where(cond))) or 0
    rows = await session.execute(
        select(Broadcast, counts)
        .outerjoin(counts, counts.c.bid == Broadcast.id)
        .where(cond)
        .order_by(Broadcast.id.desc())
        .limit(limit)
        .offset(offset)
    )
    out = []
    for row in rows:
        b: Broadcast = row[0]
        out.append(
            Progress(
                id=b.id,
                performer_id=b.performer_id,
                status=b.status,
                total=b.total,
                pending=int(row.pending or 0),
                sent=int(row.sent or 0),
                failed=int(row.failed or 0),
                unreachable=int(row.unreachable or 0),
                created_at=b.created_at,
                finished_at=b.finished_at,
            )
        )
    return out, total


# --- sending ----------------------------------------------------------------------------------


def online_message(performer_name: str, language: str) -> OutMessage:
    return OutMessage(t(language, N_("notify.online"), performer=performer_name))


@dataclass(frozen=True, slots=True)
class _Recipient:
    delivery_id: int
    user_id: int
    chat_id: int
    language: str
    attempts: int


async def run_broadcast(
    db: Database,
    notifier: Notifier,
    pacer: Pacer,
    clock: Clock,
    broadcast_id: int,
    part: int = 0,
    *,
    budget_seconds: float = 120.0,
    batch: int = 200,
) -> str:
    """Send what is still pending of a broadcast, for at most ``budget_seconds``."""
    started = time.monotonic()
    while True:
        async with db.transaction() as session:
            b = await session.get(Broadcast, broadcast_id)
            if b is None:
                return "skipped: no such broadcast"
            name = await session.scalar(
                select(Performer.display_name).where(Performer.id == b.performer_id)
            )
            rows = await session.execute(
                select(
                    BroadcastDelivery.id,
                    User.id,
                    User.telegram_id,
                    User.language,
                    BroadcastDelivery.attempts,
                )
                .join(User, User.id == BroadcastDelivery.user_id)
                .where(
                    BroadcastDelivery.broadcast_id == broadcast_id,
                    BroadcastDelivery.status == PENDING,
                )
                .order_by(BroadcastDelivery.id)
                .limit(batch)
            )
            todo = [_Recipient(*row) for row in rows]
            if not todo:
                b.status = DONE
                b.finished_at = b.finished_at or clock.now()
                return "done"
        for r in todo:
            await _send_one(db, notifier, pacer, clock, r, online_message(name or "", r.language))
            if time.monotonic() - started > budget_seconds:
                async with db.transaction() as session:
                    await enqueue(
                        session,
                        BROADCAST_JOB,
                        f"broadcast:{broadcast_id}:{part + 1}",
                        due_at=clock.now(),
                        now=clock.now(),
                        payload={"broadcast": broadcast_id, "part": part + 1},
                    )
                return "continues"


async def _send_one(
    db: Database,
    notifier: Notifier,
    pacer: Pacer,
    clock: Clock,
    r: _Recipient,
    message: OutMessage,
) -> None:
    status = PENDING
    attempts = r.attempts
    while status == PENDING and attempts < MAX_ATTEMPTS:
        await pacer.wait(r.chat_id)
        attempts += 1
        try:
            outcome = await notifier.send(r.chat_id, message)
        except RetryLater as exc:  # Telegram asks everyone to slow down: honour it
            attempts -= 1
            await pacer.pause(min(exc.seconds, MAX_WAIT_SECONDS))
            continue
        except Exception as exc:  # recorded on the row; the other followers still get theirs
            log.warning("broadcast message to chat %s failed: %s", r.chat_id, exc)
            continue
        status = SENT if outcome is Delivery.SENT else UNREACHABLE
    if status == PENDING:
        status = FAILED
    async with db.transaction() as session:
        await session.execute(
            update(BroadcastDelivery)
            .where(BroadcastDelivery.id == r.delivery_id)
            .values(status=status, attempts=attempts, done_at=clock.now())
        )
        if status == UNREACHABLE:
            await session.execute(update(User).where(User.id == r.user_id).values(unreachable=True))
