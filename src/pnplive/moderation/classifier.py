"""The classifier protocol, its verdicts, and combining several classifiers.

A classifier looks at one text and reports findings: per category, a decision (allow, hold for
review, block), a score in [0, 1] and the reason (the rule or model that decided). A category with
no finding is allowed. Combining classifiers keeps every finding; per category and overall the
strictest decision wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from pnplive.moderation.categories import Category, Decision


@dataclass(frozen=True)
class Finding:
    category: Category
    decision: Decision
    score: float
    reason: str  # the rule or the model that decided, readable by an admin
    source: str  # "rules", "model", an external provider's name

    def __post_init__(self) -> None:
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"score out of [0, 1]: {self.score}")


@dataclass(frozen=True)
class Verdict:
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def decision(self) -> Decision:
        return Decision.strictest([f.decision for f in self.findings])

    def decision_for(self, category: Category) -> Decision:
        return Decision.strictest([f.decision for f in self.findings if f.category == category])

    def categories(self, at_least: Decision = Decision.HOLD) -> set[Category]:
        """Categories whose decision is at least as strict as ``at_least``."""
        return {f.category for f in self.findings if f.decision.severity >= at_least.severity}

    def deciding(self, category: Category) -> Finding | None:
        """The finding that decides a category: strictest decision, then highest score."""
        found = [f for f in self.findings if f.category == category]
        if not found:
            return None
        return max(found, key=lambda f: (f.decision.severity, f.score))

    def reasons(self, category: Category | None = None) -> list[str]:
        return [
            f"{f.source}: {f.reason}"
            for f in self.findings
            if category is None or f.category == category
        ]


@runtime_checkable
class Classifier(Protocol):
    """Anything that classifies a text; it must not keep the text."""

    name: str

    @property
    def available(self) -> bool:
        """False when the classifier cannot run here (a missing extra, no model file)."""
        ...

    def classify(self, text: str) -> Verdict: ...


class Combined:
    """Several classifiers as one: every finding kept; an unavailable classifier is skipped."""

    def __init__(self, classifiers: Sequence[Classifier]) -> None:
        self.classifiers = [c for c in classifiers if c.available]
        self.name = "+".join(c.name for c in self.classifiers) or "none"

    @property
    def available(self) -> bool:
        return True

    def classify(self, text: str) -> Verdict:
        return merge(c.classify(text) for c in self.classifiers)


def merge(verdicts: Iterable[Verdict]) -> Verdict:
    return Verdict(tuple(f for v in verdicts for f in v.findings))
