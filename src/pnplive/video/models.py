"""Video calls (models): one room per booking, one pass (join link) per participant, and what
happened in the call (joins, leaves, the room ending) from our links and the provider's webhooks.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pnplive.kit.orm import Base, UTCDateTime


class Side(StrEnum):
    MEMBER = "member"
    PERFORMER = "performer"


class RoomStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class CallRoom(Base):
    """The provider's room of a booking; reopened (new name, new tokens) when the call moves."""

    __tablename__ = "call_rooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), unique=True
    )
    provider: Mapped[str] = mapped_column(String(24))
    room_name: Mapped[str] = mapped_column(String(128), index=True)
    status: Mapped[str] = mapped_column(String(16), default=RoomStatus.OPEN)
    # The booking's reschedule count the room was opened for: a moved call needs a new room.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CallPass(Base):
    """One participant's way into the call: our opaque link token and the provider's room URL
    (which carries that participant's own provider token)."""

    __tablename__ = "call_passes"
    __table_args__ = (UniqueConstraint("booking_id", "side"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    # The performer's pass has no user while the performer has no linked account.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    side: Mapped[str] = mapped_column(String(16))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    room_url: Mapped[str | None] = mapped_column(Text)
    first_joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Activity(StrEnum):
    JOINED = "joined"
    LEFT = "left"
    ENDED = "ended"


class CallActivity(Base):
    """A join, a leave or the room's end; ``(source, event_id)`` makes provider retries harmless."""

    __tablename__ = "call_activity"
    __table_args__ = (UniqueConstraint("source", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    side: Mapped[str | None] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(24))  # link | jaas | daily | system
    event_id: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
