"""Bookings (holds are bookings in state ``held``), their history, and the slot cells.

A booking occupies the UTC cells from ``occupied_start`` to ``occupied_end`` (the call plus the
performer's buffers) while its status is in ``OCCUPYING``. ``slot_cells`` has one row per occupied
cell with ``PRIMARY KEY (performer_id, cell_start)``: the database refuses a second occupant.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column

from pnplive.booking.states import UNPAID
from pnplive.kit.orm import Base, UTCDateTime

CELL_MINUTES = 5

_UNPAID_SQL = "status IN ({})".format(", ".join(f"'{s.value}'" for s in sorted(UNPAID)))


class Booking(Base):
    __tablename__ = "bookings"
    __table_args__ = (
        # F-AV-5: one live (unpaid) hold per user, also under concurrency.
        Index(
            "uq_bookings_one_unpaid_per_user",
            "user_id",
            unique=True,
            sqlite_where=text(_UNPAID_SQL),
            postgresql_where=text(_UNPAID_SQL),
        ),
        Index("ix_bookings_performer_start", "performer_id", "start_at"),
        Index("ix_bookings_status_expires", "status", "expires_at"),
        Index("ix_bookings_user_start", "user_id", "start_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    performer_id: Mapped[int] = mapped_column(ForeignKey("performers.id"))
    status: Mapped[str] = mapped_column(String(24))
    call_type: Mapped[str] = mapped_column(String(16), default="video")
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    occupied_start: Mapped[datetime] = mapped_column(UTCDateTime)
    occupied_end: Mapped[datetime] = mapped_column(UTCDateTime)
    # Lapse time of an unpaid booking: hold expiry while held, payment deadline while pending.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Price snapshot (F-PRF-4) and commission split (F-PAY-6).
    price_per_minute: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(4))
    commission_bps: Mapped[int] = mapped_column(Integer)
    commission_amount: Mapped[int] = mapped_column(Integer)
    performer_amount: Mapped[int] = mapped_column(Integer)
    user_timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # An instant call (F-AV-8): booked on presence, so it owes nothing to the weekly schedule.
    instant: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    rules_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by: Mapped[str | None] = mapped_column(String(16))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    reschedule_count: Mapped[int] = mapped_column(Integer, default=0)
    # An incident was reported about this call (F-SAF-1); admins look at flagged bookings first.
    flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Reduced to its minimal record by the archival job (F-SAF-6).
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class BookingEvent(Base):
    """Every status change (and reschedule) of a booking: who, when, from, to, why."""

    __tablename__ = "booking_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(16))  # user | performer | admin | system
    actor_id: Mapped[int | None] = mapped_column(Integer)
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str] = mapped_column(String(256), default="")


class SlotCell(Base):
    __tablename__ = "slot_cells"

    performer_id: Mapped[int] = mapped_column(
        ForeignKey("performers.id", ondelete="CASCADE"), primary_key=True
    )
    cell_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), index=True
    )


class Proposal(Base):
    """A new time for a confirmed booking, proposed by its performer (or an admin) and answered
    by its member (F-BK-6): a performer never moves a member's call without their consent."""

    __tablename__ = "reschedule_proposals"
    __table_args__ = (
        # At most one open proposal per booking, under concurrency too.
        Index(
            "uq_reschedule_proposals_open",
            "booking_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    proposed_by: Mapped[str] = mapped_column(String(16))  # performer | admin
    proposer_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The booking's start when proposed: a proposal about a time the call no longer has is void.
    from_start: Mapped[datetime] = mapped_column(UTCDateTime)
    new_start: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16))  # open|accepted|declined|withdrawn|expired
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
