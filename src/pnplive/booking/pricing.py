"""Price and commission split (F-PAY-6, F-PRF-4), in integer minor units.

Rounding rule: the platform commission is ``amount * bps / 10000`` rounded half up to a whole
minor unit; the performer gets the rest, so ``commission + earnings == amount`` exactly.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Split:
    amount: int
    commission_bps: int
    commission: int
    performer: int


def call_price(price_per_minute: int, duration_minutes: int) -> int:
    if price_per_minute < 0 or duration_minutes <= 0:
        raise ValueError("price must be >= 0 and duration > 0")
    return price_per_minute * duration_minutes


def split(amount: int, commission_bps: int) -> Split:
    if amount < 0:
        raise ValueError("amount must be >= 0")
    if not 0 <= commission_bps <= 10_000:
        raise ValueError("commission_bps must be within 0..10000")
    commission = (amount * commission_bps + 5_000) // 10_000
    return Split(amount, commission_bps, commission, amount - commission)
