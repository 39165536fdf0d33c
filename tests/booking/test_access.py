"""Who may see, cancel or move a booking (``booking/access.py``): pure decisions on an Actor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pnplive.booking.access import (
    Party,
    acting_party,
    may_cancel,
    may_confirm,
    may_reschedule,
    may_view,
    viewer_party,
)
from pnplive.booking.errors import ConsentRequired, NotYourBooking, RescheduleNotAllowed
from pnplive.booking.models import Booking
from pnplive.booking.states import Status
from pnplive.kit.actor import CLI, SYSTEM, Actor, ActorKind

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
MEMBER, PERFORMER = 7, 3


def booking(status: Status = Status.CONFIRMED, hours_ahead: int = 48) -> Booking:
    return Booking(
        public_id="00000000000000aa",
        user_id=MEMBER,
        performer_id=PERFORMER,
        status=status.value,
        start_at=NOW + timedelta(hours=hours_ahead),
    )


OWNER = Actor.member(MEMBER)
STRANGER = Actor.member(MEMBER + 1)
ITS_PERFORMER = Actor.of_performer(PERFORMER, user_id=90)
OTHER_PERFORMER = Actor.of_performer(PERFORMER + 1, user_id=91)
ADMIN = Actor.admin(user_id=92)
ADMIN_TOKEN = Actor.admin(token_id=5)
INTEGRATION = Actor(ActorKind.INTEGRATION, token_id=6)


@pytest.mark.parametrize(
    ("actor", "party"),
    [
        (OWNER, Party.MEMBER),
        (ITS_PERFORMER, Party.PERFORMER),
        (ADMIN, Party.ADMIN),
        (ADMIN_TOKEN, Party.ADMIN),
        (CLI, Party.ADMIN),
        (SYSTEM, Party.SYSTEM),
        (STRANGER, None),
        (OTHER_PERFORMER, None),
        (INTEGRATION, None),
    ],
)
def test_who_acts_as_what(actor: Actor, party: Party | None) -> None:
    b = booking()
    assert acting_party(actor, b) is party
    assert viewer_party(actor, b) is party
    if party is None:
        with pytest.raises(NotYourBooking):
            may_cancel(actor, b)
        with pytest.raises(NotYourBooking):
            may_view(actor, b)
    else:
        assert may_cancel(actor, b) is party
        assert may_view(actor, b) is party


def test_an_admin_sees_their_own_booking_as_its_member_but_changes_it_as_an_admin() -> None:
    # The join link they get is the member's; a cancellation by them is an admin's (full refund).
    admin_who_booked = Actor.admin(user_id=MEMBER)
    admin_who_performs = Actor.admin(user_id=93, performer_id=PERFORMER)
    b = booking()
    assert viewer_party(admin_who_booked, b) is Party.MEMBER
    assert viewer_party(admin_who_performs, b) is Party.PERFORMER
    assert acting_party(admin_who_booked, b) is Party.ADMIN
    assert acting_party(admin_who_performs, b) is Party.ADMIN
    may_confirm(admin_who_booked, b)
    with pytest.raises(NotYourBooking):
        may_confirm(admin_who_performs, b)


def test_a_performer_moves_only_with_the_members_consent() -> None:
    with pytest.raises(ConsentRequired):
        may_reschedule(ITS_PERFORMER, booking(), now=NOW, cutoff_hours=2)
    with pytest.raises(NotYourBooking):
        may_reschedule(OTHER_PERFORMER, booking(), now=NOW, cutoff_hours=2)


def test_the_member_moves_before_the_cutoff_staff_any_time() -> None:
    assert may_reschedule(OWNER, booking(hours_ahead=3), now=NOW, cutoff_hours=2) is Party.MEMBER
    with pytest.raises(RescheduleNotAllowed, match="too close"):
        may_reschedule(OWNER, booking(hours_ahead=1), now=NOW, cutoff_hours=2)
    assert may_reschedule(ADMIN, booking(hours_ahead=1), now=NOW, cutoff_hours=2) is Party.ADMIN
    with pytest.raises(NotYourBooking):
        may_reschedule(STRANGER, booking(hours_ahead=3), now=NOW, cutoff_hours=2)


@pytest.mark.parametrize("status", [s for s in Status if s is not Status.CONFIRMED])
def test_only_a_confirmed_booking_moves(status: Status) -> None:
    with pytest.raises(RescheduleNotAllowed, match="only a confirmed"):
        may_reschedule(ADMIN, booking(status), now=NOW, cutoff_hours=0)


def test_only_the_member_confirms() -> None:
    b = booking(Status.HELD)
    may_confirm(OWNER, b)
    for actor in (STRANGER, ITS_PERFORMER, ADMIN, ADMIN_TOKEN, INTEGRATION, SYSTEM):
        with pytest.raises(NotYourBooking):
            may_confirm(actor, b)
