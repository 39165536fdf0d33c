"""Smart matching (F-AV-7): score free slots across performers against a member's wish.

Pure: everything, including the zone and the slots, comes in as arguments. A slot's score is

    0.6 * closeness to the wished time-of-day window (1 inside it, falling to 0 three hours away)
  + 0.3 * rating (Bayesian: two phantom 3-star reviews, so one 5-star review is not "the best")
  + 0.1 * online now

and every score carries the reasons that made it (``Reason``; ``explain`` words them for a reader).
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

W_CLOSENESS = 0.6
W_RATING = 0.3
W_ONLINE = 0.1
FALLOFF_MINUTES = 180
PRIOR_RATING = 3.0
PRIOR_WEIGHT = 2
DAY_MINUTES = 1440


@dataclass(frozen=True, slots=True)
class Wish:
    """Time-of-day window in ``zone`` as minutes after midnight; ``window_end`` may pass 1440."""

    zone: ZoneInfo
    duration: int
    window_start: int | None = None
    window_end: int | None = None

    def __post_init__(self) -> None:
        if (self.window_start is None) != (self.window_end is None):
            raise ValueError("give both ends of the time window or neither")
        if self.window_start is not None and self.window_end is not None:
            if not 0 <= self.window_start < DAY_MINUTES:
                raise ValueError("window_start must be within the day")
            if not self.window_start < self.window_end <= self.window_start + DAY_MINUTES:
                raise ValueError("window_end must come after window_start, within a day")


@dataclass(frozen=True, slots=True)
class Candidate:
    performer_id: int
    start: datetime  # UTC
    rating_sum: int
    rating_count: int
    online: bool


@dataclass(frozen=True, slots=True)
class Reason:
    """One part of a score, as data: every front door words it in its reader's language."""

    kind: str  # INSIDE, OUTSIDE, RATED, NEW or ONLINE
    window: str = ""  # the wished window, "18:00–20:00"
    minutes: int = 0  # how far outside it
    rating: float = 0.0
    count: int = 0


INSIDE, OUTSIDE, RATED, NEW, ONLINE = "inside", "outside", "rated", "new", "online"


@dataclass(frozen=True, slots=True)
class Match:
    candidate: Candidate
    score: float
    reasons: tuple[Reason, ...] = field(default_factory=tuple)


def _hhmm(minutes: int) -> str:
    minutes %= DAY_MINUTES
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def window_distance(wish: Wish, start: datetime) -> int:
    """Minutes between the call [start, start + duration) and the wished window; 0 inside it.

    The window repeats every day, so the distance is taken to the nearest occurrence.
    """
    if wish.window_start is None or wish.window_end is None:
        return 0
    local = start.astimezone(wish.zone)
    s = local.hour * 60 + local.minute
    e = s + wish.duration
    best: int | None = None
    for shift in (-DAY_MINUTES, 0, DAY_MINUTES):
        ws, we = wish.window_start + shift, wish.window_end + shift
        if ws <= s and e <= we:
            return 0
        if s < ws:
            d = ws - s
        elif e > we:
            d = e - we
        else:  # pragma: no cover - covered by the containment test above
            d = 0
        best = d if best is None else min(best, d)
    assert best is not None
    return best


def closeness(wish: Wish, start: datetime) -> float:
    return max(0.0, 1.0 - window_distance(wish, start) / FALLOFF_MINUTES)


def shrunk_rating(rating_sum: int, rating_count: int) -> float:
    return (rating_sum + PRIOR_RATING * PRIOR_WEIGHT) / (rating_count + PRIOR_WEIGHT)


def score(wish: Wish, c: Candidate) -> Match:
    reasons: list[Reason] = []
    dist = window_distance(wish, c.start)
    close = max(0.0, 1.0 - dist / FALLOFF_MINUTES)
    if wish.window_start is not None and wish.window_end is not None:
        window = f"{_hhmm(wish.window_start)}–{_hhmm(wish.window_end)}"
        if dist == 0:
            reasons.append(Reason(INSIDE, window=window))
        else:
            reasons.append(Reason(OUTSIDE, window=window, minutes=dist))
    rating = shrunk_rating(c.rating_sum, c.rating_count)
    if c.rating_count:
        avg = c.rating_sum / c.rating_count
        reasons.append(Reason(RATED, rating=avg, count=c.rating_count))
    else:
        reasons.append(Reason(NEW))
    if c.online:
        reasons.append(Reason(ONLINE))
    total = W_CLOSENESS * close + W_RATING * (rating / 5.0) + W_ONLINE * (1.0 if c.online else 0.0)
    return Match(c, round(total, 4), tuple(reasons))


@dataclass(frozen=True, slots=True)
class Offer:
    """One performer's free starts (UTC), with what the score needs to know of them."""

    performer_id: int
    rating_sum: int
    rating_count: int
    online: bool
    starts: Sequence[datetime]


def best_matches(
    wish: Wish, offers: Iterable[Offer], *, limit: int, per_performer: int = 3
) -> list[Match]:
    """The ``limit`` best slots, at most ``per_performer`` per performer, best first.

    Ties go to the earlier slot, then the lower performer id, so the answer is deterministic.
    Closeness is computed once per distinct start; a performer whose best possible score
    cannot reach the current ``limit``-th best is skipped without scoring their slots; the
    reasons are written for the winners alone. The answer is the one scoring every slot gives.
    """
    offers = [o for o in offers if o.starts]
    if not offers or limit <= 0:
        return []
    distinct: set[datetime] = set().union(*(o.starts for o in offers))
    weighted = {t: W_CLOSENESS * closeness(wish, t) for t in distinct}
    closeness_of = weighted.__getitem__

    def base(offer: Offer) -> tuple[float, float]:
        rating = W_RATING * (shrunk_rating(offer.rating_sum, offer.rating_count) / 5.0)
        return rating, W_ONLINE * (1.0 if offer.online else 0.0)

    # Rounding and adding are monotone, so a performer's best score is reached at their
    # closest start: an exact upper bound of every score they can have.
    ranked = []
    for offer in offers:
        rating, online = base(offer)
        bound = round(max(map(closeness_of, offer.starts)) + rating + online, 4)
        ranked.append((bound, rating, online, offer))
    ranked.sort(key=lambda r: -r[0])

    kept: list[tuple[float, datetime, int, Offer]] = []
    starts: Sequence[datetime]
    for bound, rating, online, offer in ranked:
        starts = offer.starts
        if len(kept) >= limit:
            kept = heapq.nsmallest(limit, kept, key=lambda k: k[:3])
            last_score, last_start = -kept[-1][0], kept[-1][1]
            if bound < last_score:
                break  # nobody further down can reach the board
            if bound == last_score:
                # At best a tie with the last on the board, which goes to the earlier start
                # (starts are in order): the later ones cannot enter.
                starts = starts[: bisect.bisect_right(starts, last_start)]
        # The same sum, in the same order, as ``score``: equal floats, equal rounding.
        keyed = [(-round(closeness_of(t) + rating + online, 4), t) for t in starts]
        for neg, t in heapq.nsmallest(per_performer, keyed):
            kept.append((neg, t, offer.performer_id, offer))
    return [
        score(
            wish,
            Candidate(
                performer_id=offer.performer_id,
                start=t,
                rating_sum=offer.rating_sum,
                rating_count=offer.rating_count,
                online=offer.online,
            ),
        )
        for _neg, t, _pid, offer in heapq.nsmallest(limit, kept, key=lambda k: k[:3])
    ]
