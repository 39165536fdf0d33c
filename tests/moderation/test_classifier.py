"""Verdicts and combining classifiers: the strictest decision wins and every reason is kept."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pnplive.moderation.categories import Category, Decision
from pnplive.moderation.classifier import Classifier, Combined, Finding, Verdict, merge
from pnplive.moderation.rules import RulesClassifier

findings = st.builds(
    Finding,
    category=st.sampled_from(list(Category)),
    decision=st.sampled_from(list(Decision)),
    score=st.floats(min_value=0, max_value=1),
    reason=st.text(max_size=5),
    source=st.sampled_from(["rules", "model"]),
)


class Fixed:
    def __init__(self, name: str, verdict: Verdict, available: bool = True) -> None:
        self.name = name
        self.verdict = verdict
        self.available = available
        self.seen: list[str] = []

    def classify(self, text: str) -> Verdict:
        self.seen.append(text)
        return self.verdict


def test_no_findings_allows() -> None:
    v = Verdict()
    assert v.decision == Decision.ALLOW
    assert v.decision_for(Category.SPAM) == Decision.ALLOW
    assert v.categories() == set()


def test_score_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError):
        Finding(Category.SPAM, Decision.BLOCK, 1.5, "r", "rules")


@given(st.lists(st.lists(findings, max_size=4), max_size=4))
def test_merge_keeps_every_finding_and_the_strictest_decision(groups: list[list[Finding]]) -> None:
    merged = merge(Verdict(tuple(g)) for g in groups)
    everything = [f for g in groups for f in g]
    assert list(merged.findings) == everything
    strictest = max((f.decision.severity for f in everything), default=0)
    assert merged.decision.severity == strictest
    for category in Category:
        mine = [f.decision.severity for f in everything if f.category == category]
        assert merged.decision_for(category).severity == max(mine, default=0)


def test_combined_strictest_wins_and_reasons_are_kept() -> None:
    hold = Fixed("a", Verdict((Finding(Category.SPAM, Decision.HOLD, 0.6, "maybe", "a"),)))
    block = Fixed("b", Verdict((Finding(Category.SPAM, Decision.BLOCK, 0.9, "sure", "b"),)))
    v = Combined([hold, block]).classify("text")
    assert v.decision == Decision.BLOCK
    assert v.reasons(Category.SPAM) == ["a: maybe", "b: sure"]
    deciding = v.deciding(Category.SPAM)
    assert deciding is not None and deciding.source == "b"


def test_combined_skips_unavailable_classifiers() -> None:
    off = Fixed("off", Verdict((Finding(Category.SPAM, Decision.BLOCK, 1, "x", "off"),)), False)
    combined = Combined([RulesClassifier(), off])
    assert combined.name == "rules"
    assert combined.classify("can we do 30 min?").decision == Decision.ALLOW
    assert off.seen == []


def test_rules_classifier_meets_the_protocol() -> None:
    assert isinstance(RulesClassifier(), Classifier)
