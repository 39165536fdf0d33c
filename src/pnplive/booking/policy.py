"""Cancellation refund policy (F-BK-5): a pure function of (policy, who, now, start)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class PolicyStep:
    min_hours_before: int
    refund_bps: int


@dataclass(frozen=True, slots=True)
class CancelPolicy:
    """Steps ordered by ``min_hours_before`` descending; the first the notice meets applies.

    ``cutoff_hours``: a user cannot cancel later than this before the start.
    """

    steps: tuple[PolicyStep, ...]
    cutoff_hours: int = 0

    @classmethod
    def parse(cls, text: str, cutoff_hours: int = 0) -> CancelPolicy:
        """Parse ``"24:10000,2:5000,0:0"`` (hours before start : refund in basis points)."""
        steps = []
        for part in text.split(","):
            hours, _, bps = part.strip().partition(":")
            step = PolicyStep(int(hours), int(bps))
            if step.min_hours_before < 0 or not 0 <= step.refund_bps <= 10_000:
                raise ValueError(f"bad cancellation policy step {part!r}")
            steps.append(step)
        if not steps:
            raise ValueError("empty cancellation policy")
        steps.sort(key=lambda s: -s.min_hours_before)
        return cls(tuple(steps), cutoff_hours)


@dataclass(frozen=True, slots=True)
class Refund:
    allowed: bool
    refund_bps: int
    amount: int
    reason: str


def cancellation_refund(
    policy: CancelPolicy, by: str, amount: int, now: datetime, start: datetime
) -> Refund:
    """What a cancellation by ``by`` (user, performer, admin, system) refunds of ``amount``."""
    if by in ("performer", "admin", "system"):
        return Refund(True, 10_000, amount, "full refund: cancelled by the service side")
    if now >= start:
        return Refund(False, 0, 0, "the call has already started")
    notice = start - now
    if notice < timedelta(hours=policy.cutoff_hours):
        return Refund(False, 0, 0, f"cancellation closes {policy.cutoff_hours} h before the start")
    for step in policy.steps:
        if notice >= timedelta(hours=step.min_hours_before):
            refunded = amount * step.refund_bps // 10_000
            return Refund(True, step.refund_bps, refunded, f"{step.min_hours_before} h or more")
    return Refund(True, 0, 0, "no refund this close to the start")


def cancel_preview(
    status: str,
    paid: bool,
    policy: CancelPolicy,
    by: str,
    amount: int,
    now: datetime,
    start: datetime,
) -> Refund:
    """What cancelling now would give back, before anyone confirms it (the same rule
    ``booking.service.cancel`` applies)."""
    if status in ("held", "pending_payment") or not paid:
        return Refund(True, 0, 0, "nothing was paid")
    if status != "confirmed":
        return Refund(False, 0, 0, f"a {status} booking cannot be cancelled")
    return cancellation_refund(policy, by, amount, now, start)
