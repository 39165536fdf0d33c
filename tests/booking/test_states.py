"""The booking state machine (F-BK-2), checked against the product's rules, not against a copy
of its table: random walks from ``held`` and every pair of statuses (hypothesis).

The rules, from the specification:
- a booking starts ``held`` and every way it can go ends (no loops); ``refunded`` is the end;
- a finished booking (its time given back) moves only to ``refunded``, except a payment arriving
  after expiry, which confirms it when the time is still free (F-BK-4);
- money is taken only by paying a ``pending_payment`` booking (rules accepted first, F-BK-1);
- once it leaves the unpaid states a booking never becomes unpaid again;
- a call goes live only once confirmed, and completes only after it went live (F-BK-8);
- a refund follows a booking that gave its time back; it never happens while it holds time.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pnplive.booking.states import (
    OCCUPYING,
    PAYABLE,
    TRANSITIONS,
    UNPAID,
    IllegalTransition,
    Status,
    can_transition,
    check_transition,
)

S = Status
statuses = st.sampled_from(list(Status))
# Paid for, with the call ahead, under way or over (the product's meaning of "paid").
PAID = frozenset({S.CONFIRMED, S.LIVE, S.COMPLETED, S.NO_SHOW_USER, S.NO_SHOW_PERFORMER})
LATE_PAYMENT = (S.EXPIRED, S.CONFIRMED)


def successors(status: Status) -> list[Status]:
    return [t for t in Status if can_transition(status, t)]


@st.composite
def walks(draw: st.DrawFn) -> list[Status]:
    """A history a booking can have: from ``held``, legal steps, stopping anywhere."""
    path = [S.HELD]
    for _ in range(3 * len(Status)):
        nxt = successors(path[-1])
        if not nxt or draw(st.booleans()):
            break
        path.append(draw(st.sampled_from(nxt)))
    return path


@st.composite
def complete_walks(draw: st.DrawFn) -> list[Status]:
    """A history taken as far as it goes."""
    path = [S.HELD]
    while nxt := successors(path[-1]):
        path.append(draw(st.sampled_from(nxt)))
        assert len(path) <= len(Status), f"a booking can loop: {path}"
    return path


@given(complete_walks())
def test_every_history_from_held_ends_refunded_without_loops(path: list[Status]) -> None:
    assert len(set(path)) == len(path)
    assert path[-1] is S.REFUNDED


def test_refunded_is_the_only_end_and_every_status_can_happen() -> None:
    assert [s for s in Status if not successors(s)] == [S.REFUNDED]
    seen, todo = {S.HELD}, [S.HELD]
    while todo:
        for t in successors(todo.pop()):
            if t not in seen:
                seen.add(t)
                todo.append(t)
    assert seen == set(Status)


@given(statuses, statuses)
def test_a_finished_booking_only_moves_to_refunded_or_a_late_payment(a: Status, b: Status) -> None:
    if a not in OCCUPYING and can_transition(a, b):
        assert b is S.REFUNDED or (a, b) == LATE_PAYMENT


@given(statuses, statuses)
def test_money_is_taken_only_by_paying_a_pending_booking(a: Status, b: Status) -> None:
    if a not in PAID and b in PAID and can_transition(a, b):
        assert (a, b) in {(S.PENDING_PAYMENT, S.CONFIRMED), LATE_PAYMENT}


@given(walks())
def test_an_unpaid_booking_is_paid_only_through_pending_payment(path: list[Status]) -> None:
    first_paid = next((i for i, s in enumerate(path) if s in PAID), None)
    if first_paid is not None and path[first_paid - 1] in UNPAID:
        assert path[first_paid - 1 : first_paid + 1] == [S.PENDING_PAYMENT, S.CONFIRMED]
    # (A late payment needs an earlier checkout, which opens only for pending_payment: that
    # part of the rule lives in the payment side, the machine cannot see history.)


@given(walks())
def test_a_booking_never_becomes_unpaid_again(path: list[Status]) -> None:
    left = next((i for i, s in enumerate(path) if s not in UNPAID), len(path))
    assert all(s not in UNPAID for s in path[left:])
    assert all(s in UNPAID for s in path[:left])


@given(walks())
def test_time_is_given_back_once_and_retaken_only_by_a_late_payment(path: list[Status]) -> None:
    for a, b in itertools.pairwise(path):
        if a not in OCCUPYING and b in OCCUPYING:
            assert (a, b) == LATE_PAYMENT


def test_occupying_means_unpaid_or_a_call_still_to_end() -> None:
    assert UNPAID | {S.CONFIRMED, S.LIVE} == OCCUPYING
    assert OCCUPYING - UNPAID <= PAID
    assert PAYABLE <= UNPAID and S.HELD not in PAYABLE  # a hold is paid only once confirmed


@given(statuses, statuses)
def test_calls_go_live_when_confirmed_and_complete_after_going_live(a: Status, b: Status) -> None:
    if can_transition(a, b) and b is S.LIVE:
        assert a is S.CONFIRMED
    if can_transition(a, b) and b is S.COMPLETED:
        assert a is S.LIVE


@given(statuses, statuses)
def test_a_refund_never_happens_while_the_booking_holds_time(a: Status, b: Status) -> None:
    if can_transition(a, b) and b is S.REFUNDED:
        assert a not in OCCUPYING


@given(statuses, statuses)
def test_illegal_moves_are_refused_with_a_409_naming_both(a: Status, b: Status) -> None:
    if can_transition(a, b):
        assert check_transition(a.value, b.value) is b
        return
    with pytest.raises(IllegalTransition) as info:
        check_transition(a, b)
    assert info.value.status == 409
    assert info.value.details == {"current": a.value, "target": b.value}


def test_every_status_has_a_row_and_unknown_ones_are_refused() -> None:
    assert set(TRANSITIONS) == set(Status)
    with pytest.raises(ValueError):
        check_transition("held", "teleported")
