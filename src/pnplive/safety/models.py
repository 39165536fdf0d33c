"""Safety records: incident reports about a call, and the abuse events that count towards an
automatic restriction. An incident keeps a short excerpt and the text's hash, never the text."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from pnplive.kit.orm import Base, UTCDateTime
from pnplive.moderation.models import EXCERPT_MAX


class IncidentCategory(StrEnum):
    HARASSMENT = "harassment"
    NON_CONSENT = "non_consent"
    MINOR = "minor"
    THREAT = "threat"
    RECORDING = "recording"
    OFF_PLATFORM = "off_platform"
    SCAM = "scam"
    OTHER = "other"


class IncidentStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class Incident(Base):
    __tablename__ = "incidents"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'resolved')", name="status"),
        CheckConstraint("reporter_side IN ('member', 'performer')", name="reporter_side"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), index=True)
    reporter_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reporter_side: Mapped[str] = mapped_column(String(16))
    # The other side's account; None when a performer without an account is reported.
    reported_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    category: Mapped[str] = mapped_column(String(32))
    excerpt: Mapped[str] = mapped_column(String(EXCERPT_MAX), default="")
    text_sha256: Mapped[str | None] = mapped_column(String(64))
    call_ended: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default=IncidentStatus.OPEN.value)
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution: Mapped[str | None] = mapped_column(String(EXCERPT_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AbuseKind(StrEnum):
    RATE_LIMITED = "rate_limited"
    MESSAGE_BLOCKED = "message_blocked"


class AbuseEvent(Base):
    """One hit of a limit, or one blocked message: counted in a window for auto-restriction."""

    __tablename__ = "abuse_events"
    __table_args__ = (Index("ix_abuse_events_user_kind_at", "user_id", "kind", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
