"""Payments, the webhook inbox, refunds and the append-only ledger (F-PAY-3, F-PAY-4, F-PAY-5).

- ``payments``: one row per checkout attempt, with our own public id (the reference every
  provider carries back), the provider's checkout and transaction ids, amount and status.
- ``webhook_events``: the inbox, ``UNIQUE(provider, event_id)``: an event is applied once.
- ``refunds``: one row per refund we owe, with the idempotency key sent to the provider.
- ``ledger_entries``: payments, refunds and payouts as money movements; never updated or deleted.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from pnplive.kit.orm import Base, UTCDateTime


class PaymentStatus(StrEnum):
    CREATING = "creating"  # row written, provider not asked yet
    OPEN = "open"  # checkout exists, waiting for the payer
    PENDING = "pending"  # the payer started; settlement pending
    PAID = "paid"
    FAILED = "failed"
    EXPIRED = "expired"
    FLAGGED = "flagged"  # money arrived but not as expected (amount/currency): admins decide


OPEN_STATUSES = frozenset({PaymentStatus.CREATING, PaymentStatus.OPEN, PaymentStatus.PENDING})


class RefundStatus(StrEnum):
    PENDING = "pending"  # to be sent to the provider (a "refund" job exists)
    SUBMITTED = "submitted"  # the provider accepted it and settles later
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    MANUAL_REQUIRED = "manual_required"  # the provider has no refund API: admins refund by hand


# Refunds that are owed or done (a failed one may be asked again).
LIVE_REFUND_STATUSES = frozenset(
    {
        RefundStatus.PENDING,
        RefundStatus.SUBMITTED,
        RefundStatus.SUCCEEDED,
        RefundStatus.MANUAL_REQUIRED,
    }
)


class Payment(Base):
    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("provider", "checkout_id", name="uq_payments_provider_checkout"),
        Index("ix_payments_provider_transaction", "provider", "transaction_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), index=True)
    provider: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(8))
    checkout_id: Mapped[str | None] = mapped_column(String(255))
    checkout_url: Mapped[str | None] = mapped_column(Text)
    invoice: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    transaction_id: Mapped[str | None] = mapped_column(String(255))
    payer_ref: Mapped[str | None] = mapped_column(String(64))
    paid_amount: Mapped[int | None] = mapped_column(Integer)
    paid_currency: Mapped[str | None] = mapped_column(String(8))
    # True when this payment is the one that paid for (confirmed) its booking.
    applied: Mapped[bool] = mapped_column(Boolean, default=False)
    flag_reason: Mapped[str | None] = mapped_column(Text)
    last_error: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WebhookEvent(Base):
    __tablename__ = "webhook_events"
    __table_args__ = (UniqueConstraint("provider", "event_id", name="uq_webhook_events_event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(24))
    event_id: Mapped[str] = mapped_column(String(255))
    type: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(64), default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Refund(Base):
    __tablename__ = "refunds"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), index=True)
    provider: Mapped[str] = mapped_column(String(24))
    amount: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(String(256))
    status: Mapped[str] = mapped_column(String(16))
    requested_by: Mapped[str] = mapped_column(String(16))  # system | admin | provider
    actor_id: Mapped[int | None] = mapped_column(Integer)
    provider_refund_id: Mapped[str | None] = mapped_column(String(255))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LedgerKind(StrEnum):
    PAYMENT = "payment"
    REFUND = "refund"  # a negative refund entry reverses a refund the provider later failed
    PAYOUT = "payout"
    # Money that arrived but confirmed nothing (a flagged payment), and what of it went back:
    # held apart, never revenue and never a performer's earnings.
    SUSPENSE = "suspense"


class LedgerEntry(Base):
    """A money movement. ``amount == commission + performer_amount`` for payments and refunds.

    ``source`` names what caused the entry ("payment:<id>", "refund:<id>", ...) and is unique,
    so an entry is written once however often its cause is replayed.
    """

    __tablename__ = "ledger_entries"
    __table_args__ = (
        Index("ix_ledger_performer_currency", "performer_id", "currency"),
        Index("ix_ledger_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"), index=True)
    performer_id: Mapped[int | None] = mapped_column(ForeignKey("performers.id"))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    refund_id: Mapped[int | None] = mapped_column(ForeignKey("refunds.id"))
    payout_id: Mapped[int | None] = mapped_column(ForeignKey("payouts.id"))
    provider: Mapped[str | None] = mapped_column(String(24))
    provider_ref: Mapped[str | None] = mapped_column(String(255))
    amount: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(8))
    commission_bps: Mapped[int | None] = mapped_column(Integer)
    commission: Mapped[int] = mapped_column(Integer, default=0)
    performer_amount: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16))
    memo: Mapped[str] = mapped_column(String(256), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LedgerIsAppendOnly(RuntimeError):
    pass


@event.listens_for(LedgerEntry, "before_update")
def _no_update(*_: object) -> None:
    raise LedgerIsAppendOnly("ledger entries are never changed; append a correcting entry")


@event.listens_for(LedgerEntry, "before_delete")
def _no_delete(*_: object) -> None:
    raise LedgerIsAppendOnly("ledger entries are never deleted")
