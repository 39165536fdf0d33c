"""Who follows which performer, and the "performer is online" broadcasts (F-NTF-5)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pnplive.kit.orm import Base, UTCDateTime


class Subscription(Base):
    """A member asked to be told when this performer comes online."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("user_id", "performer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    performer_id: Mapped[int] = mapped_column(
        ForeignKey("performers.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Broadcast(Base):
    """One "performer is online" announcement and its progress."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    performer_id: Mapped[int] = mapped_column(ForeignKey("performers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24), default="online")
    status: Mapped[str] = mapped_column(String(16))  # sending | done
    total: Mapped[int] = mapped_column(Integer, default=0)
    sent: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    unreachable: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class BroadcastDelivery(Base):
    """One recipient of a broadcast; its status is what makes a restart resend nothing."""

    __tablename__ = "broadcast_deliveries"
    __table_args__ = (
        UniqueConstraint("broadcast_id", "user_id"),
        Index("ix_broadcast_deliveries_pending", "broadcast_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))  # pending | sent | failed | unreachable
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
