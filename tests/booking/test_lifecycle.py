"""The call lifecycle's decisions: properties over any joins and moments, and named cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from pnplive.booking.lifecycle import CallState, LifecycleRules, Step, due_at, next_step
from pnplive.booking.states import Status, can_transition

START = datetime(2027, 3, 1, 20, 0, tzinfo=UTC)
RULES = LifecycleRules(no_show_grace=timedelta(minutes=10), end_grace=timedelta(minutes=5))


def call(
    status: Status = Status.CONFIRMED,
    minutes: int = 30,
    member: int | None = None,
    performer: int | None = None,
) -> CallState:
    """Joins given as minutes after the start (negative: early join)."""
    return CallState(
        status=status,
        start=START,
        end=START + timedelta(minutes=minutes),
        member_joined=None if member is None else START + timedelta(minutes=member),
        performer_joined=None if performer is None else START + timedelta(minutes=performer),
    )


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def test_first_join_of_either_side_makes_the_call_live() -> None:
    assert next_step(call(member=-2), at(-2), RULES) is Step.GO_LIVE
    assert next_step(call(performer=1), at(1), RULES) is Step.GO_LIVE
    assert next_step(call(), at(5), RULES) is None


def test_a_performer_who_never_joins_is_a_no_show_after_the_grace() -> None:
    assert next_step(call(member=0), at(9.9), RULES) is Step.GO_LIVE
    assert next_step(call(Status.LIVE, member=0), at(9.9), RULES) is None
    assert next_step(call(Status.LIVE, member=0), at(10), RULES) is Step.PERFORMER_NO_SHOW
    assert next_step(call(), at(10), RULES) is Step.PERFORMER_NO_SHOW  # nobody came


def test_a_member_who_never_joins_while_the_performer_did_is_a_no_show() -> None:
    assert next_step(call(Status.LIVE, performer=0), at(10), RULES) is Step.MEMBER_NO_SHOW


def test_a_live_call_completes_after_its_end_and_grace() -> None:
    live = call(Status.LIVE, member=0, performer=1)
    assert next_step(live, at(34.9), RULES) is None
    assert next_step(live, at(35), RULES) is Step.COMPLETE


def test_a_call_shorter_than_the_grace_decides_no_shows_at_its_end() -> None:
    short = call(Status.LIVE, minutes=5, performer=0)
    assert next_step(short, at(5), RULES) is Step.MEMBER_NO_SHOW


st_join = st.one_of(st.none(), st.integers(min_value=-5, max_value=40))


@given(
    status=st.sampled_from(list(Status)),
    minutes=st.sampled_from([15, 30, 45, 60, 120]),
    member=st_join,
    performer=st_join,
    now=st.floats(min_value=-60, max_value=200),
)
def test_every_step_is_a_legal_transition_and_no_call_is_left_behind(
    status: Status, minutes: int, member: int | None, performer: int | None, now: float
) -> None:
    c = call(status, minutes, member, performer)
    step = next_step(c, at(now), RULES)
    if step is not None:
        assert can_transition(status, Status(step.value))
    if status in (Status.CONFIRMED, Status.LIVE):
        # Long after the end, every call has somewhere to go: nothing stays live forever.
        late = next_step(c, c.end + timedelta(days=1), RULES)
        assert late is not None
        when = due_at(c, RULES)
        assert when is not None and when <= c.end + RULES.end_grace
    else:
        assert step is None and due_at(c, RULES) is None


@given(member=st_join, performer=st_join, now=st.floats(min_value=-60, max_value=200))
def test_a_no_show_is_only_ever_of_a_side_that_never_joined(
    member: int | None, performer: int | None, now: float
) -> None:
    for status in (Status.CONFIRMED, Status.LIVE):
        step = next_step(call(status, 30, member, performer), at(now), RULES)
        if step is Step.PERFORMER_NO_SHOW:
            assert performer is None and now >= 10
        if step is Step.MEMBER_NO_SHOW:
            assert member is None and performer is not None and now >= 10
