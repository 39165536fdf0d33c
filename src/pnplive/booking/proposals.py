"""A performer proposes a new time; the member accepts or declines (F-BK-6).

A performer never moves a member's call by themselves (``access.may_reschedule`` refuses them):
they propose a free time of theirs, and the booking moves only when the member accepts, through
the same ``reschedule`` every other move takes (the time is checked again then). One proposal is
open per booking; a new one replaces it. A proposal lapses when the booking is no longer
confirmed, has moved meanwhile, or the proposed time has passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.booking import events
from pnplive.booking import service as bookings
from pnplive.booking.access import Party, acting_party, may_view
from pnplive.booking.errors import NotYourBooking
from pnplive.booking.models import Booking, Proposal
from pnplive.booking.rules import BookingRules
from pnplive.booking.states import Status
from pnplive.errors import Conflict, NotFound
from pnplive.kit.actor import Actor
from pnplive.kit.ids import new_public_id
from pnplive.performer.models import Performer


class ProposalState(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"  # replaced by a newer proposal
    EXPIRED = "expired"


class ProposalNotAllowed(Conflict):
    code = "proposal_not_allowed"


class NoOpenProposal(NotFound):
    code = "no_open_proposal"


PROPOSED_EVENT = "proposal_made"
DECLINED_EVENT = "proposal_declined"


@dataclass(frozen=True, slots=True)
class Answered:
    proposal: Proposal
    booking: Booking


def lapsed(proposal: Proposal, booking: Booking, now: datetime) -> bool:
    return (
        booking.status != Status.CONFIRMED.value
        or booking.start_at != proposal.from_start
        or proposal.new_start <= now
    )


async def open_proposal(session: AsyncSession, booking: Booking, now: datetime) -> Proposal | None:
    """The proposal the member can still answer, if any."""
    found = await session.scalar(
        select(Proposal).where(
            Proposal.booking_id == booking.id, Proposal.status == ProposalState.OPEN.value
        )
    )
    if found is None or lapsed(found, booking, now):
        return None
    return found


async def propose(
    session: AsyncSession,
    public_id: str,
    by: Actor,
    new_start: datetime,
    *,
    now: datetime,
    rules: BookingRules,
) -> Proposal:
    booking = await bookings.get_booking(session, public_id, lock=True)
    party = acting_party(by, booking)
    if party not in (Party.PERFORMER, Party.ADMIN):
        raise NotYourBooking("only the call's performer or an admin proposes a new time")
    if booking.status != Status.CONFIRMED.value:
        raise ProposalNotAllowed(
            f"a {booking.status} booking cannot be moved", status=booking.status
        )
    if new_start == booking.start_at:
        raise ProposalNotAllowed("that is the call's time already")
    performer = await session.get(Performer, booking.performer_id)
    assert performer is not None
    await bookings.check_new_start(session, booking, performer, new_start, now=now, rules=rules)
    await session.execute(
        update(Proposal)
        .where(Proposal.booking_id == booking.id, Proposal.status == ProposalState.OPEN.value)
        .values(status=ProposalState.WITHDRAWN.value, answered_at=now)
    )
    proposal = Proposal(
        public_id=new_public_id(),
        booking_id=booking.id,
        proposed_by=party.value,
        proposer_user_id=by.user_id,
        from_start=booking.start_at,
        new_start=new_start,
        status=ProposalState.OPEN.value,
        created_at=now,
    )
    session.add(proposal)
    await session.flush()
    await events.announce(session, PROPOSED_EVENT, booking, now, proposal=proposal.public_id)
    return proposal


async def answer(
    session: AsyncSession,
    public_id: str,
    member_user_id: int,
    accept: bool,
    *,
    now: datetime,
    rules: BookingRules,
) -> Answered:
    """The member's answer. Accepting moves the booking (checked again; ``SlotTaken`` leaves the
    proposal open so the member can decline); declining keeps it and tells the performer."""
    booking = await bookings.get_booking(session, public_id, lock=True)
    if booking.user_id != member_user_id:
        raise NotYourBooking("only the member who booked answers", booking=public_id)
    proposal = await session.scalar(
        select(Proposal)
        .where(Proposal.booking_id == booking.id, Proposal.status == ProposalState.OPEN.value)
        .with_for_update()
    )
    if proposal is None:
        raise NoOpenProposal("there is no proposal to answer", booking=public_id)
    if lapsed(proposal, booking, now):
        proposal.status = ProposalState.EXPIRED.value
        proposal.answered_at = now
        await session.flush()
        raise NoOpenProposal("the proposal has lapsed", booking=public_id, lapsed=True)
    if accept:
        performer = await session.get(Performer, booking.performer_id)
        assert performer is not None
        # The member consents: the move is theirs, so their rules apply (the cutoff included).
        await bookings.reschedule(
            session,
            booking,
            performer,
            new_start=proposal.new_start,
            by=Actor.member(member_user_id),
            now=now,
            rules=rules,
        )
        proposal.status = ProposalState.ACCEPTED.value
    else:
        proposal.status = ProposalState.DECLINED.value
        await events.announce(session, DECLINED_EVENT, booking, now, proposal=proposal.public_id)
    proposal.answered_at = now
    await session.flush()
    return Answered(proposal, booking)


async def current(session: AsyncSession, public_id: str, viewer: Actor, now: datetime) -> Proposal:
    """The open proposal of a booking the viewer may see."""
    booking = await bookings.get_booking(session, public_id)
    may_view(viewer, booking)
    found = await open_proposal(session, booking, now)
    if found is None:
        raise NoOpenProposal("there is no open proposal", booking=public_id)
    return found
