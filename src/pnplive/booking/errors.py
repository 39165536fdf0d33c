"""Errors of the booking domain, each with its own stable code."""

from __future__ import annotations

from pnplive.errors import Conflict, Forbidden, InvalidInput, NotFound


class SlotTaken(Conflict):
    code = "slot_taken"


class SlotUnavailable(InvalidInput):
    """The requested start is not an offered slot (off grid, too soon, outside hours ...)."""

    code = "slot_unavailable"


class HoldInProgress(Conflict):
    code = "hold_in_progress"


class BookingNotFound(NotFound):
    code = "booking_not_found"


class BookingChanged(Conflict):
    """Someone else changed the booking's status first."""

    code = "booking_changed"


class AccessDenied(Forbidden):
    """A failed access rule (F-ACC-1); ``code`` is the rule's own code."""

    def __init__(self, rule: str, message: str, **details: object) -> None:
        super().__init__(message, rule=rule, **details)
        self.code = rule  # type: ignore[misc]


class CancelNotAllowed(Conflict):
    code = "cancel_not_allowed"


class RescheduleNotAllowed(Conflict):
    code = "reschedule_not_allowed"


class NotYourBooking(Forbidden):
    code = "not_your_booking"


class ConsentRequired(Forbidden):
    """A performer moves a booking only with the member's consent (asked in the bot)."""

    code = "user_consent_required"
