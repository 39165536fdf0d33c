"""Messages between the two sides of a call, relayed by the product (F-SAF-3).

Every message is moderated first. Allowed ones are delivered through the notices; held or
blocked ones are not delivered, and the sender is told so (a held message is not kept for
later: only its excerpt is stored, for the admin who reviews it). Each blocked message counts
towards the sender's abuse limit (F-SAF-5). A delivered message's text leaves the jobs queue
once it is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.booking import service as bookings
from pnplive.booking.access import Party
from pnplive.booking.errors import AccessDenied, NotYourBooking
from pnplive.booking.states import Status
from pnplive.errors import Conflict, InvalidInput
from pnplive.moderation.categories import Decision
from pnplive.moderation.service import Subject, moderate
from pnplive.notification.planner import plan_message
from pnplive.performer.models import Performer
from pnplive.safety import abuse
from pnplive.safety.incidents import side_of
from pnplive.safety.models import AbuseKind
from pnplive.user.access import AccessRule
from pnplive.user.models import User

TEXT_MAX = 1000
RELAYABLE = frozenset({Status.CONFIRMED, Status.LIVE, Status.COMPLETED})


class MessageNotAllowed(Conflict):
    code = "message_not_allowed"


@dataclass(frozen=True, slots=True)
class Relayed:
    status: str  # "sent", "held" or "blocked"
    categories: list[str]
    restricted: bool = False  # this message restricted the sender (abuse limit)


async def relay(
    session: AsyncSession,
    public_id: str,
    sender: User,
    sender_performer_id: int | None,
    text: str,
    now: datetime,
    limits: abuse.Limits,
) -> Relayed:
    text = text.strip()
    if not text or len(text) > TEXT_MAX:
        raise InvalidInput(f"a message has 1-{TEXT_MAX} characters", field="text")
    if sender.restricted_at is not None:
        reason = sender.restricted_reason or ""
        raise AccessDenied(
            AccessRule.USER_RESTRICTED.value,
            f"Your access is restricted. {reason}".strip(),
            reason=reason,
        )
    booking = await bookings.get_booking(session, public_id)
    party = side_of(booking, sender, sender_performer_id)
    if party is None:
        raise NotYourBooking("only the two sides of a call write about it", booking=public_id)
    if Status(booking.status) not in RELAYABLE:
        raise MessageNotAllowed(
            f"a {booking.status} booking has no call to write about", status=booking.status
        )
    to_performer = party is Party.MEMBER
    if to_performer:
        performer = await session.get(Performer, booking.performer_id)
        recipient = performer.user_id if performer is not None else None
    else:
        recipient = booking.user_id
    if recipient is None:
        raise MessageNotAllowed("this performer cannot receive messages in the product yet")
    outcome = await moderate(session, text, Subject("message", booking.public_id), sender.id, now)
    categories = sorted({v.category for v in outcome.violations})
    if outcome.decision == Decision.BLOCK:
        restricted = await abuse.record(session, sender.id, AbuseKind.MESSAGE_BLOCKED, now, limits)
        return Relayed("blocked", categories, restricted)
    if outcome.decision == Decision.HOLD:
        return Relayed("held", categories)
    await plan_message(session, booking, recipient, to_performer, text, now)
    return Relayed("sent", [])
