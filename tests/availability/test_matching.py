"""Smart matching's pure scoring: the pruned, cached ranking gives exactly the answer of
scoring every free slot and ranking them all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from pnplive.availability.explain import explain
from pnplive.availability.matching import (
    INSIDE,
    NEW,
    ONLINE,
    OUTSIDE,
    RATED,
    Candidate,
    Match,
    Offer,
    Reason,
    Wish,
    best_matches,
    score,
)

BASE = datetime(2027, 3, 27, 0, 0, tzinfo=UTC)  # the weekend Europe/Madrid moves its clocks
ZONES = ("UTC", "Europe/Madrid", "America/Bogota", "Asia/Kathmandu")


def every_slot_ranked(
    wish: Wish, offers: list[Offer], limit: int, per_performer: int
) -> list[Match]:
    """The definition: score each slot, best first (ties: earlier, then lower id), capped."""
    scored = sorted(
        (
            score(wish, Candidate(o.performer_id, t, o.rating_sum, o.rating_count, o.online))
            for o in offers
            for t in o.starts
        ),
        key=lambda m: (-m.score, m.candidate.start, m.candidate.performer_id),
    )
    taken: dict[int, int] = {}
    out = []
    for m in scored:
        if taken.get(m.candidate.performer_id, 0) < per_performer:
            taken[m.candidate.performer_id] = taken.get(m.candidate.performer_id, 0) + 1
            out.append(m)
    return out[:limit]


@st.composite
def offers(draw: st.DrawFn) -> list[Offer]:
    n = draw(st.integers(0, 12))
    out = []
    for pid in draw(st.permutations(range(1, n + 1))):  # in no particular order
        quarters = draw(st.sets(st.integers(0, 4 * 72), max_size=40))
        out.append(
            Offer(
                performer_id=pid,
                # Few distinct ratings, so that equal scores (and the tie rules) are common.
                rating_sum=draw(st.sampled_from((0, 5, 9, 10))),
                rating_count=draw(st.sampled_from((0, 1, 2))),
                online=draw(st.booleans()),
                starts=[BASE + timedelta(minutes=15 * q) for q in sorted(quarters)],
            )
        )
    return out


@st.composite
def wishes(draw: st.DrawFn) -> Wish:
    zone = ZoneInfo(draw(st.sampled_from(ZONES)))
    duration = draw(st.sampled_from((15, 30, 60, 120)))
    if draw(st.booleans()):
        return Wish(zone=zone, duration=duration)
    start = draw(st.integers(0, 1439))
    return Wish(zone, duration, start, start + draw(st.integers(1, 1440)))


@settings(max_examples=300, deadline=None)
@given(wishes(), offers(), st.integers(1, 15), st.integers(1, 4))
def test_the_ranking_is_the_one_scoring_every_slot_gives(
    wish: Wish, offered: list[Offer], limit: int, per_performer: int
) -> None:
    got = best_matches(wish, offered, limit=limit, per_performer=per_performer)
    assert got == every_slot_ranked(wish, offered, limit, per_performer)


def test_reasons_explain_the_winner() -> None:
    wish = Wish(ZoneInfo("Europe/Madrid"), 30, 18 * 60, 20 * 60)
    evening = datetime(2027, 3, 2, 17, 0, tzinfo=UTC)  # 18:00 in Madrid
    rated = Offer(1, 9, 2, True, [evening - timedelta(hours=5), evening])
    new = Offer(2, 0, 0, False, [evening])
    best = best_matches(wish, [new, rated], limit=2)
    assert [(m.candidate.performer_id, m.candidate.start) for m in best] == [
        (1, evening),
        (2, evening),
    ]
    assert best[0].reasons == (
        Reason(INSIDE, window="18:00–20:00"),
        Reason(RATED, rating=4.5, count=2),
        Reason(ONLINE),
    )
    assert best[1].reasons == (Reason(INSIDE, window="18:00–20:00"), Reason(NEW))
    assert explain(best[0].reasons, "en") == [
        "inside your 18:00–20:00 window",
        "rated 4.5 (2 reviews)",
        "online now",
    ]
    assert explain(best[0].reasons, "es") == [
        "dentro de tu franja 18:00–20:00",
        "valoración 4,5 (2 reseñas)",
        "en línea ahora",
    ]


def test_reasons_say_how_far_outside_the_window_and_count_one_review() -> None:
    wish = Wish(ZoneInfo("Europe/Madrid"), 30, 18 * 60, 20 * 60)
    late = datetime(2027, 3, 2, 19, 45, tzinfo=UTC)  # 20:45 in Madrid, ends 21:15
    best = best_matches(wish, [Offer(1, 4, 1, False, [late])], limit=1)
    assert best[0].reasons == (
        Reason(OUTSIDE, window="18:00–20:00", minutes=75),
        Reason(RATED, rating=4.0, count=1),
    )
    assert explain(best[0].reasons, "en") == [
        "75 min outside your 18:00–20:00 window",
        "rated 4.0 (1 review)",
    ]
