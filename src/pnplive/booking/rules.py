"""The booking rules in force, taken from settings once and passed to services."""

from __future__ import annotations

from dataclasses import dataclass

from pnplive.booking.policy import CancelPolicy
from pnplive.config import Settings

DEFAULT_POLICY = CancelPolicy.parse("24:10000,2:5000,0:0", cutoff_hours=2)


@dataclass(frozen=True, slots=True)
class BookingRules:
    hold_minutes: int = 10
    payment_timeout_minutes: int = 10
    notice_minutes: int = 60
    horizon_days: int = 14
    step_minutes: int = 15
    commission_bps: int = 3000
    pay_per_call_enabled: bool = False
    cancel_policy: CancelPolicy = DEFAULT_POLICY
    terms_version: str = "1"

    @classmethod
    def from_settings(cls, s: Settings) -> BookingRules:
        return cls(
            hold_minutes=s.hold_minutes,
            payment_timeout_minutes=s.payment_timeout_minutes,
            notice_minutes=s.min_notice_minutes,
            horizon_days=s.horizon_days,
            step_minutes=s.slot_step_minutes,
            commission_bps=s.commission_bps,
            pay_per_call_enabled=s.pay_per_call_enabled,
            cancel_policy=CancelPolicy.parse(s.cancel_policy, cutoff_hours=s.cancel_cutoff_hours),
            terms_version=s.terms_version,
        )
