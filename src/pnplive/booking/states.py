"""The booking state machine (F-BK-2): every legal transition, and nothing else."""

from __future__ import annotations

from enum import StrEnum

from pnplive.errors import Conflict


class Status(StrEnum):
    HELD = "held"
    PENDING_PAYMENT = "pending_payment"
    CONFIRMED = "confirmed"
    LIVE = "live"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    REFUNDED = "refunded"
    NO_SHOW_USER = "no_show_user"
    NO_SHOW_PERFORMER = "no_show_performer"


S = Status

# Statuses whose booking occupies its slot cells (and the PostgreSQL exclusion constraint).
OCCUPYING: frozenset[Status] = frozenset({S.HELD, S.PENDING_PAYMENT, S.CONFIRMED, S.LIVE})
# Not yet paid: the booking lapses at ``expires_at``.
UNPAID: frozenset[Status] = frozenset({S.HELD, S.PENDING_PAYMENT})
# A provider checkout is opened only for these: leaving them unpaid must close it.
PAYABLE: frozenset[Status] = frozenset({S.PENDING_PAYMENT})

TRANSITIONS: dict[Status, frozenset[Status]] = {
    # A hold is confirmed by the user (rules accepted) into pending_payment, released or lapses.
    S.HELD: frozenset({S.PENDING_PAYMENT, S.CANCELLED, S.EXPIRED}),
    S.PENDING_PAYMENT: frozenset({S.CONFIRMED, S.CANCELLED, S.EXPIRED}),
    S.CONFIRMED: frozenset({S.LIVE, S.CANCELLED, S.NO_SHOW_USER, S.NO_SHOW_PERFORMER}),
    S.LIVE: frozenset({S.COMPLETED, S.NO_SHOW_USER, S.NO_SHOW_PERFORMER}),
    # A payment arriving after expiry confirms (slot re-acquired) or is refunded (F-BK-4).
    S.EXPIRED: frozenset({S.CONFIRMED, S.REFUNDED}),
    # A cancelled booking that had been paid, or is paid late, is refunded.
    S.CANCELLED: frozenset({S.REFUNDED}),
    # Performer no-show: automatic full refund (F-SAF-2).
    S.NO_SHOW_PERFORMER: frozenset({S.REFUNDED}),
    # Manual refunds by an admin after the fact (F-ADM-2).
    S.COMPLETED: frozenset({S.REFUNDED}),
    S.NO_SHOW_USER: frozenset({S.REFUNDED}),
    S.REFUNDED: frozenset(),
}


class IllegalTransition(Conflict):
    code = "illegal_transition"


def can_transition(current: Status, target: Status) -> bool:
    return target in TRANSITIONS[current]


def check_transition(current: Status | str, target: Status | str) -> Status:
    cur, tgt = Status(current), Status(target)
    if not can_transition(cur, tgt):
        raise IllegalTransition(
            f"a booking cannot go from {cur.value} to {tgt.value}",
            current=cur.value,
            target=tgt.value,
        )
    return tgt
