"""What a notice is about (F-NTF-1..3)."""

from __future__ import annotations

from enum import StrEnum


class Notice(StrEnum):
    CONFIRMED = "confirmed"
    REMINDER = "reminder"
    STARTING = "starting"
    COMPLETED = "completed"
    FEEDBACK = "feedback"
    CANCELLED = "cancelled"
    RESCHEDULED = "rescheduled"
    REFUNDED = "refunded"
    EXPIRED = "expired"
    ALERT = "alert"
    PROPOSED = "proposed"  # the performer asks to move the call (F-BK-6)
    PROPOSAL_DECLINED = "proposal_declined"
    MESSAGE = "message"  # a moderated message from the other side of a call, relayed


# Notices that are about a future moment of a call: stale once the call moved or ended.
TIMED = frozenset({Notice.REMINDER, Notice.STARTING})
