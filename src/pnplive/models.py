"""Every ORM model, imported once so the metadata is complete (Alembic, tests)."""

from pnplive.availability.models import BlockedInterval, ExtraAvailability, WeeklyRule
from pnplive.booking.models import Booking, BookingEvent, SlotCell
from pnplive.kit.orm import Base
from pnplive.performer.models import Performer, PerformerPhoto
from pnplive.user.models import User
from pnplive.worker.models import Job

metadata = Base.metadata

__all__ = [
    "BlockedInterval",
    "Booking",
    "BookingEvent",
    "ExtraAvailability",
    "Job",
    "Performer",
    "PerformerPhoto",
    "SlotCell",
    "User",
    "WeeklyRule",
    "metadata",
]
