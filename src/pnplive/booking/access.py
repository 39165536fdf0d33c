"""Who may see, cancel or move a booking: pure decisions on an ``Actor`` and the booking.

Every front door (API, bot, web pages, worker) builds an ``Actor`` and asks here, so the rules
are the same everywhere. The answer is the ``Party`` the actor acts as, which is also the name
the booking's history records (``booking_events.actor``, ``bookings.cancelled_by``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from pnplive.booking.errors import ConsentRequired, NotYourBooking, RescheduleNotAllowed
from pnplive.booking.models import Booking
from pnplive.booking.states import Status
from pnplive.kit.actor import Actor, ActorKind


class Party(StrEnum):
    """How an actor stands to a booking; the values are the ones stored in its history."""

    MEMBER = "user"
    PERFORMER = "performer"
    ADMIN = "admin"
    SYSTEM = "system"


def _own(actor: Actor, booking: Booking) -> Party | None:
    if actor.user_id is not None and actor.user_id == booking.user_id:
        return Party.MEMBER
    if actor.performer_id is not None and actor.performer_id == booking.performer_id:
        return Party.PERFORMER
    return None


def viewer_party(actor: Actor, booking: Booking) -> Party | None:
    """As whom ``actor`` sees the booking: its member or its performer first (their side of
    the call), then staff; None for anyone else."""
    own = _own(actor, booking) if actor.kind is not ActorKind.INTEGRATION else None
    if own is not None:
        return own
    return _staff(actor)


def _staff(actor: Actor) -> Party | None:
    if actor.kind in (ActorKind.ADMIN, ActorKind.CLI):
        return Party.ADMIN
    if actor.kind is ActorKind.SYSTEM:
        return Party.SYSTEM
    return None


def acting_party(actor: Actor, booking: Booking) -> Party | None:
    """As whom ``actor`` changes the booking: staff act as staff on any booking (an admin
    always cancels with a full refund and moves without the cutoff); a member or a performer
    only on their own bookings; integrations never."""
    staff = _staff(actor)
    if staff is not None:
        return staff
    if actor.kind in (ActorKind.MEMBER, ActorKind.PERFORMER):
        return _own(actor, booking)
    return None


def may_view(actor: Actor, booking: Booking) -> Party:
    party = viewer_party(actor, booking)
    if party is None:
        raise NotYourBooking("this booking belongs to someone else", booking=booking.public_id)
    return party


def may_confirm(actor: Actor, booking: Booking) -> None:
    """Only the member who booked accepts the call rules of their hold."""
    if viewer_party(actor, booking) is not Party.MEMBER:
        raise NotYourBooking("only the member who booked confirms", booking=booking.public_id)


def may_cancel(actor: Actor, booking: Booking) -> Party:
    """The party cancelling; how much comes back is the policy's business (``policy.py``)."""
    party = acting_party(actor, booking)
    if party is None:
        raise NotYourBooking("this booking belongs to someone else", booking=booking.public_id)
    return party


def may_reschedule(actor: Actor, booking: Booking, *, now: datetime, cutoff_hours: int) -> Party:
    """The member (before the cutoff) or staff move a confirmed booking; a performer needs the
    member's consent, which is asked in the bot."""
    party = acting_party(actor, booking)
    if party is None:
        raise NotYourBooking("this booking belongs to someone else", booking=booking.public_id)
    if party is Party.PERFORMER:
        raise ConsentRequired(
            "a performer moves a booking only with the member's consent",
            booking=booking.public_id,
        )
    if booking.status != Status.CONFIRMED:
        raise RescheduleNotAllowed("only a confirmed booking can be moved", why="not_confirmed")
    if party is Party.MEMBER and booking.start_at - now < timedelta(hours=cutoff_hours):
        raise RescheduleNotAllowed(
            "it is too close to the start to move this booking", why="cutoff"
        )
    return party
