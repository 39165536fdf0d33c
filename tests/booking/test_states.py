"""The state machine refuses every illegal transition, tested over all pairs (F-BK-2)."""

from __future__ import annotations

import itertools

import pytest

from pnplive.booking.states import (
    OCCUPYING,
    TRANSITIONS,
    IllegalTransition,
    Status,
    can_transition,
    check_transition,
)

LEGAL = {
    ("held", "pending_payment"),
    ("held", "cancelled"),
    ("held", "expired"),
    ("pending_payment", "confirmed"),
    ("pending_payment", "cancelled"),
    ("pending_payment", "expired"),
    ("confirmed", "live"),
    ("confirmed", "cancelled"),
    ("confirmed", "no_show_user"),
    ("confirmed", "no_show_performer"),
    ("live", "completed"),
    ("live", "no_show_user"),
    ("live", "no_show_performer"),
    ("expired", "confirmed"),
    ("expired", "refunded"),
    ("cancelled", "refunded"),
    ("no_show_performer", "refunded"),
    ("completed", "refunded"),
    ("no_show_user", "refunded"),
}


@pytest.mark.parametrize(("a", "b"), list(itertools.product(Status, Status)))
def test_every_pair(a: Status, b: Status) -> None:
    if (a.value, b.value) in LEGAL:
        assert can_transition(a, b)
        assert check_transition(a, b) is b
    else:
        assert not can_transition(a, b)
        with pytest.raises(IllegalTransition) as info:
            check_transition(a, b)
        assert info.value.status == 409
        assert info.value.details == {"current": a.value, "target": b.value}


def test_table_covers_every_status_and_refunded_is_terminal() -> None:
    assert set(TRANSITIONS) == set(Status)
    assert TRANSITIONS[Status.REFUNDED] == frozenset()


def test_only_live_statuses_occupy_time() -> None:
    assert {s.value for s in OCCUPYING} == {"held", "pending_payment", "confirmed", "live"}


def test_unknown_status_is_refused() -> None:
    with pytest.raises(ValueError):
        check_transition("held", "teleported")
