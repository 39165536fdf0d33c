"""Moderation records: a violation per category for every text that was not allowed, and the
admins' overrides of those decisions. A violation keeps the text's SHA-256 and a short excerpt,
never the whole text."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pnplive.kit.orm import Base, UTCDateTime

EXCERPT_MAX = 120
REASON_MAX = 500


class Violation(Base):
    __tablename__ = "moderation_violations"
    __table_args__ = (
        CheckConstraint("decision IN ('hold', 'block')", name="decision"),
        CheckConstraint("final_decision IN ('allow', 'hold', 'block')", name="final_decision"),
        CheckConstraint("score >= 0 AND score <= 1", name="score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # What was moderated: "message", "review", "bio" ... and its id in its own domain.
    subject_kind: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str] = mapped_column(String(64))
    author_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    text_sha256: Mapped[str] = mapped_column(String(64), index=True)
    excerpt: Mapped[str] = mapped_column(String(EXCERPT_MAX))
    category: Mapped[str] = mapped_column(String(32))
    decision: Mapped[str] = mapped_column(String(16))  # as classified
    final_decision: Mapped[str] = mapped_column(String(16))  # after the latest override
    score: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(32))  # "rules", "model", a provider
    reason: Mapped[str] = mapped_column(String(REASON_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ViolationOverride(Base):
    __tablename__ = "moderation_overrides"
    __table_args__ = (CheckConstraint("decision IN ('allow', 'hold', 'block')", name="decision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    violation_id: Mapped[int] = mapped_column(
        ForeignKey("moderation_violations.id", ondelete="CASCADE"), index=True
    )
    admin_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    previous_decision: Mapped[str] = mapped_column(String(16))
    decision: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
