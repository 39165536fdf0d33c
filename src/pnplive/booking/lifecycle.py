"""What happens next to a paid call, pure (F-BK-8, F-SAF-2, F-SAF-4).

The worker feeds it a booking's facts (status, times, first joins of each side) and the clock;
it answers with at most one step. Rules:
- the first join of either side makes a confirmed call live;
- at ``start + no_show_grace`` a side that never joined is a no-show: the performer first
  (the member is refunded), then the member (the performer is paid);
- a live call completes at ``end + end_grace`` (its room ends then).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from pnplive.booking.states import Status


class Step(StrEnum):
    GO_LIVE = "live"
    COMPLETE = "completed"
    PERFORMER_NO_SHOW = "no_show_performer"
    MEMBER_NO_SHOW = "no_show_user"


@dataclass(frozen=True, slots=True)
class CallState:
    status: Status
    start: datetime
    end: datetime
    member_joined: datetime | None
    performer_joined: datetime | None


@dataclass(frozen=True, slots=True)
class LifecycleRules:
    no_show_grace: timedelta = timedelta(minutes=10)
    end_grace: timedelta = timedelta(minutes=5)


def next_step(call: CallState, now: datetime, rules: LifecycleRules) -> Step | None:
    """The one step due now, or None."""
    if call.status not in (Status.CONFIRMED, Status.LIVE):
        return None
    deadline = call.start + min(rules.no_show_grace, call.end - call.start)
    if now >= deadline:
        if call.performer_joined is None:
            return Step.PERFORMER_NO_SHOW
        if call.member_joined is None:
            return Step.MEMBER_NO_SHOW
    if call.status is Status.CONFIRMED and (call.member_joined or call.performer_joined):
        return Step.GO_LIVE
    if call.status is Status.LIVE and now >= call.end + rules.end_grace:
        return Step.COMPLETE
    return None


def due_at(call: CallState, rules: LifecycleRules) -> datetime | None:
    """When this call next needs a look if nobody joins or leaves (for scheduling the worker)."""
    if call.status not in (Status.CONFIRMED, Status.LIVE):
        return None
    deadline = call.start + min(rules.no_show_grace, call.end - call.start)
    if call.performer_joined is None or call.member_joined is None:
        return deadline
    return call.end + rules.end_grace
