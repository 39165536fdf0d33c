"""Input and output models of the payment endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PayIn(Strict):
    provider: str | None = Field(
        default=None,
        max_length=24,
        description="One of the providers offered for the booking's currency; default: the first.",
        examples=["stripe"],
    )


class PayOptionsOut(BaseModel):
    booking_id: str
    currency: str = Field(examples=["USD"])
    offered: list[str] = Field(
        description="Providers that take this currency, the default first.",
        examples=[["stripe", "sandbox"]],
    )


class CheckoutOut(BaseModel):
    payment_id: str = Field(examples=["pay_3f2a9c0d1e2b3a4c5d6e7f80"])
    booking_id: str
    provider: str = Field(examples=["sandbox"])
    status: str = Field(examples=["open"])
    amount: int = Field(description="Minor units; whole stars for XTR.", examples=[6000])
    currency: str = Field(examples=["USD"])
    checkout_url: str | None = Field(description="Where to send the payer, when a link exists.")
    invoice: dict[str, Any] | None = Field(
        description="Invoice or widget data, for providers that pay in place (Telegram Stars, "
        "ePayco's checkout script)."
    )
    expires_at: datetime | None
    offered: list[str] = Field(description="Providers offered for this currency.")


class WebhookAck(BaseModel):
    received: bool = True
    duplicate: bool
    outcomes: list[str]


class BalanceOut(BaseModel):
    currency: str
    earned: int
    refunded: int
    earnings: int
    paid_out: int
    balance: int
    pending: int = Field(description="Earnings of calls that may still be refunded.")
    available: int = Field(description="What may be paid out now.")


class LedgerEntryOut(BaseModel):
    kind: str
    booking_id: str | None
    provider: str | None
    provider_ref: str | None
    amount: int
    currency: str
    commission: int
    performer_amount: int
    status: str
    memo: str
    created_at: datetime


class PayoutIn(Strict):
    performer_id: int = Field(ge=1, le=2**31 - 1)
    amount: int = Field(gt=0, le=10**12, description="Minor units.")
    currency: str = Field(min_length=3, max_length=4, examples=["USD"])
    method: str = Field(min_length=1, max_length=32, examples=["bank_transfer"])
    reference: str = Field(default="", max_length=255)
    note: str = Field(default="", max_length=1000)


class PayoutOut(BaseModel):
    id: str
    performer_id: int
    amount: int
    currency: str
    method: str
    reference: str
    note: str
    created_at: datetime


class EarningsOut(BaseModel):
    balances: list[BalanceOut]
    entries: list[LedgerEntryOut]
    payouts: list[PayoutOut]


class RevenueLineOut(BaseModel):
    currency: str
    payments: int
    payments_count: int
    refunds: int
    refunds_count: int
    net: int
    commission: int
    performer_earnings: int
    payouts: int


class RevenueOut(BaseModel):
    start: datetime | None
    end: datetime | None
    lines: list[RevenueLineOut]


class RefundIn(Strict):
    amount: int | None = Field(
        default=None, gt=0, le=10**12, description="Minor units; default: all that is left."
    )
    reason: str = Field(default="", max_length=200)


class RefundOut(BaseModel):
    id: str
    booking_id: str
    payment_id: str
    provider: str
    amount: int
    currency: str
    status: str
    reason: str
    created_at: datetime


class RefundDoneIn(Strict):
    reference: str = Field(default="", max_length=255, examples=["bank transfer 2027-03-01"])
