"""Performers (models): profile, pricing, durations, buffers, zone, visibility, presence."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pnplive.kit.orm import Base, UTCDateTime


class Visibility(StrEnum):
    PUBLIC = "public"
    HIDDEN = "hidden"


class Lifecycle(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    INACTIVE = "inactive"


class Presence(StrEnum):
    ONLINE = "online"
    BUSY = "busy"
    OFFLINE = "offline"


class CallType(StrEnum):
    VIDEO = "video"
    AUDIO = "audio"


class Performer(Base):
    __tablename__ = "performers"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    bio: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    social_links: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    price_per_minute: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(4))
    min_duration: Mapped[int] = mapped_column(Integer, default=15)
    max_duration: Mapped[int] = mapped_column(Integer, default=120)
    call_types: Mapped[list[str]] = mapped_column(JSON, default=lambda: [CallType.VIDEO.value])
    buffer_before: Mapped[int] = mapped_column(Integer, default=0)
    buffer_after: Mapped[int] = mapped_column(Integer, default=0)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    visibility: Mapped[str] = mapped_column(String(16), default=Visibility.PUBLIC)
    status: Mapped[str] = mapped_column(String(16), default=Lifecycle.ACTIVE)
    presence: Mapped[str] = mapped_column(String(16), default=Presence.OFFLINE)
    presence_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_active_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rating_sum: Mapped[int] = mapped_column(Integer, default=0)
    rating_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    photos: Mapped[list[PerformerPhoto]] = relationship(
        order_by="PerformerPhoto.position", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def rating(self) -> float | None:
        return round(self.rating_sum / self.rating_count, 2) if self.rating_count else None

    @property
    def is_bookable(self) -> bool:
        return self.status == Lifecycle.ACTIVE and self.visibility == Visibility.PUBLIC


class PerformerPhoto(Base):
    __tablename__ = "performer_photos"
    __table_args__ = (UniqueConstraint("performer_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    performer_id: Mapped[int] = mapped_column(ForeignKey("performers.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    url: Mapped[str] = mapped_column(String(512))  # empty for a photo sent in Telegram
    caption: Mapped[str] = mapped_column(String(256), default="")
    # A photo the performer sent the bot: Telegram keeps it, we keep its file id.
    file_id: Mapped[str | None] = mapped_column(String(256))
