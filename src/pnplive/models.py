"""Every ORM model, imported once so the metadata is complete (Alembic, tests)."""

from pnplive.auth.models import ApiToken, LoginLink
from pnplive.availability.models import (
    AvailabilityVersion,
    BlockedInterval,
    ExtraAvailability,
    WeeklyRule,
)
from pnplive.booking.idempotency import IdempotencyKey
from pnplive.booking.models import Booking, BookingEvent, Proposal, SlotCell
from pnplive.calendar.models import CalendarFeed
from pnplive.earning.models import Payout
from pnplive.kit.jobs import Job
from pnplive.kit.orm import Base
from pnplive.moderation.models import Violation, ViolationOverride
from pnplive.notification.models import Broadcast, BroadcastDelivery, Subscription
from pnplive.payment.models import LedgerEntry, Payment, Refund, WebhookEvent
from pnplive.performer.models import Performer, PerformerPhoto
from pnplive.review.models import Review
from pnplive.safety.models import AbuseEvent, Incident
from pnplive.user.models import User, UserEvent
from pnplive.video.models import CallActivity, CallPass, CallRoom

metadata = Base.metadata

__all__ = [
    "AbuseEvent",
    "ApiToken",
    "AvailabilityVersion",
    "BlockedInterval",
    "Booking",
    "BookingEvent",
    "Broadcast",
    "BroadcastDelivery",
    "CalendarFeed",
    "CallActivity",
    "CallPass",
    "CallRoom",
    "ExtraAvailability",
    "IdempotencyKey",
    "Incident",
    "Job",
    "LedgerEntry",
    "LoginLink",
    "Payment",
    "Payout",
    "Performer",
    "PerformerPhoto",
    "Proposal",
    "Refund",
    "Review",
    "SlotCell",
    "Subscription",
    "User",
    "UserEvent",
    "Violation",
    "ViolationOverride",
    "WebhookEvent",
    "WeeklyRule",
    "metadata",
]
