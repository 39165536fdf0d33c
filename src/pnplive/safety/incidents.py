"""Incident reports (F-SAF-1): either side of a call reports what happened, during or after it.

A report about a live call can end it at once: the call is completed early (its room closes
through the usual ``call_over`` job) and both join links are revoked, so nobody gets back in.
The booking is flagged and admins are alerted. Only a short excerpt of the text and its hash are
kept, as for moderation. Repeated reports about one user raise their risk (``risk.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.booking import service as bookings
from pnplive.booking.access import Party
from pnplive.booking.errors import NotYourBooking
from pnplive.booking.models import Booking
from pnplive.booking.states import Status
from pnplive.errors import Conflict, InvalidInput, NotFound
from pnplive.kit.ids import new_public_id
from pnplive.moderation.service import excerpt, text_hash
from pnplive.payment.refunds import alert_admins
from pnplive.performer.models import Performer
from pnplive.safety.models import Incident, IncidentCategory, IncidentStatus
from pnplive.user.models import User
from pnplive.video.models import CallPass

TEXT_MAX = 2000
# A call is reported about once it is paid for: before it (what was said), during and after.
REPORTABLE = frozenset(
    {
        Status.CONFIRMED,
        Status.LIVE,
        Status.COMPLETED,
        Status.NO_SHOW_USER,
        Status.NO_SHOW_PERFORMER,
        Status.REFUNDED,
    }
)


class IncidentNotAllowed(Conflict):
    code = "incident_not_allowed"


class IncidentNotFound(NotFound):
    code = "incident_not_found"


@dataclass(frozen=True, slots=True)
class Reported:
    incident: Incident
    booking: Booking


def check_report(category: str, text: str) -> tuple[IncidentCategory, str]:
    try:
        kind = IncidentCategory(category)
    except ValueError as exc:
        allowed = ", ".join(c.value for c in IncidentCategory)
        raise InvalidInput(f"category is one of {allowed}", field="category") from exc
    text = text.strip()
    if len(text) > TEXT_MAX:
        raise InvalidInput(f"a report has at most {TEXT_MAX} characters", field="text")
    return kind, text


async def _end_call(session: AsyncSession, booking: Booking, party: Party, now: datetime) -> None:
    """The call stops now: completed early (its room closes), nobody's link opens it again."""
    await bookings.transition(
        session,
        booking,
        Status.COMPLETED,
        actor=party.value,
        now=now,
        reason="ended after an incident report",
    )
    await session.execute(
        update(CallPass)
        .where(CallPass.booking_id == booking.id, CallPass.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def side_of(booking: Booking, reporter: User, reporter_performer_id: int | None) -> Party | None:
    if booking.user_id == reporter.id:
        return Party.MEMBER
    if reporter_performer_id is not None and reporter_performer_id == booking.performer_id:
        return Party.PERFORMER
    return None


async def report(
    session: AsyncSession,
    public_id: str,
    reporter: User,
    reporter_performer_id: int | None,
    *,
    category: str,
    text: str,
    end_call: bool,
    now: datetime,
) -> Reported:
    """Record a report by the member or the performer of the booking; end a live call when
    asked; flag the booking; alert admins."""
    kind, text = check_report(category, text)
    booking = await bookings.get_booking(session, public_id, lock=True)
    # As who they stand to this call, whatever else they are (an admin may also be a member).
    party = side_of(booking, reporter, reporter_performer_id)
    if party is None:
        raise NotYourBooking("only the two sides of a call report about it", booking=public_id)
    if Status(booking.status) not in REPORTABLE:
        raise IncidentNotAllowed(
            f"a {booking.status} booking had no call to report about", status=booking.status
        )
    performer = await session.get(Performer, booking.performer_id)
    assert performer is not None
    reported = performer.user_id if party is Party.MEMBER else booking.user_id
    ended = end_call and booking.status == Status.LIVE.value
    if ended:
        await _end_call(session, booking, party, now)
    incident = Incident(
        public_id=new_public_id(),
        booking_id=booking.id,
        reporter_user_id=reporter.id,
        reporter_side="member" if party is Party.MEMBER else "performer",
        reported_user_id=reported,
        category=kind.value,
        excerpt=excerpt(text) if text else "",
        text_sha256=text_hash(text) if text else None,
        call_ended=ended,
        status=IncidentStatus.OPEN.value,
        created_at=now,
    )
    session.add(incident)
    booking.flagged_at = booking.flagged_at or now
    await session.flush()
    await alert_admins(
        session,
        f"incident:{incident.public_id}",
        now,
        kind="incident",
        booking=booking.public_id,
        incident=incident.public_id,
        category=kind.value,
        reported_by=incident.reporter_side,
        call_ended="yes" if ended else "no",
    )
    return Reported(incident, booking)


async def get(session: AsyncSession, public_id: str) -> Incident:
    found = await session.scalar(select(Incident).where(Incident.public_id == public_id))
    if found is None:
        raise IncidentNotFound("no such incident", incident=public_id)
    return found


async def listing(
    session: AsyncSession, *, status: str | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[tuple[Incident, str]], int]:
    """Reports with their booking's public id, newest first; and how many there are."""
    where = [] if status is None else [Incident.status == status]
    total = await session.scalar(select(func.count()).select_from(Incident).where(*where))
    rows = await session.execute(
        select(Incident, Booking.public_id)
        .join(Booking, Booking.id == Incident.booking_id)
        .where(*where)
        .order_by(Incident.created_at.desc(), Incident.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [(i, b) for i, b in rows.tuples().all()], int(total or 0)


async def booking_of(session: AsyncSession, incident: Incident) -> str:
    public_id = await session.scalar(
        select(Booking.public_id).where(Booking.id == incident.booking_id)
    )
    assert public_id is not None
    return public_id


async def resolve(
    session: AsyncSession, public_id: str, admin: User, note: str, now: datetime
) -> Incident:
    """An admin closes a report, saying briefly what was done."""
    note = note.strip()
    if not note:
        raise InvalidInput("say what was done", field="resolution")
    incident = await get(session, public_id)
    if incident.status == IncidentStatus.RESOLVED.value:
        raise IncidentNotAllowed("this incident is already resolved", incident=public_id)
    incident.status = IncidentStatus.RESOLVED.value
    incident.resolved_by = admin.id
    incident.resolution = excerpt(note)
    incident.resolved_at = now
    await session.flush()
    return incident
