"""Availability as stored: weekly rules in the performer's zone, blocked and extra UTC intervals."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from pnplive.kit.orm import Base, UTCDateTime


class WeeklyRule(Base):
    """Available every ``weekday`` (0 = Monday) from ``start_minute`` to ``end_minute`` local time.

    ``end_minute`` may exceed 1440: the interval then runs past midnight into the next day.
    """

    __tablename__ = "weekly_rules"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("start_minute >= 0 AND start_minute < 1440", name="start"),
        CheckConstraint(
            "end_minute > start_minute AND end_minute <= start_minute + 1440", name="end"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    performer_id: Mapped[int] = mapped_column(
        ForeignKey("performers.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int] = mapped_column(Integer)
    start_minute: Mapped[int] = mapped_column(Integer)
    end_minute: Mapped[int] = mapped_column(Integer)


class BlockedInterval(Base):
    __tablename__ = "blocked_intervals"
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="order"),
        Index("ix_blocked_intervals_performer_start", "performer_id", "start_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    performer_id: Mapped[int] = mapped_column(ForeignKey("performers.id", ondelete="CASCADE"))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(String(256), default="")


class ExtraAvailability(Base):
    """One-off extra availability ("manual slots")."""

    __tablename__ = "extra_availability"
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="order"),
        Index("ix_extra_availability_performer_start", "performer_id", "start_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    performer_id: Mapped[int] = mapped_column(ForeignKey("performers.id", ondelete="CASCADE"))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(String(256), default="")


class AvailabilityVersion(Base):
    """A counter per performer that moves with every committed change to their free time.

    Written only by database triggers (migration ``0020``) on ``weekly_rules``,
    ``blocked_intervals``, ``extra_availability`` and the occupancy columns of ``bookings``, in
    the transaction of the change, so no write path can forget it. A cached availability answer
    is served only while this number is the one it was computed at. No foreign key: the triggers
    also fire while a performer's rows are deleted. A performer without a row is at version 0.
    """

    __tablename__ = "availability_versions"

    performer_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(Integer)
