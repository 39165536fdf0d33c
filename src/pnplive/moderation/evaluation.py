"""Labelled messages and how well a classifier does on them.

Each labelled message has a category label ("ok" for messages that must pass) and the decision
expected (allow, hold, block). Figures, per category and overall:

- flagged: the message is held or blocked (per category: that category is held or blocked);
- blocked: the message is blocked.

Precision is the share of the classifier's flags that were right; recall the share of the
expected flags it made.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from pnplive.moderation.categories import OK_LABEL, Category, Decision
from pnplive.moderation.classifier import Classifier, Verdict

SPLITS = ("train", "dev")


@dataclass(frozen=True)
class Example:
    text: str
    lang: str
    label: str  # a Category value, or "ok"
    decision: Decision


def split_path(name: str) -> Path:
    """The packaged file of a split ("train", "dev")."""
    return Path(str(resources.files("pnplive.moderation") / "data" / f"{name}.jsonl"))


def load(path: Path | str) -> list[Example]:
    """Read a JSONL file of labelled messages; a malformed line names its line number."""
    examples: list[Example] = []
    labels = {c.value for c in Category} | {OK_LABEL}
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            example = Example(
                str(row["text"]), str(row["lang"]), str(row["label"]), Decision(row["decision"])
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{n}: not a labelled message ({exc})") from exc
        if example.label not in labels:
            raise ValueError(f"{path}:{n}: unknown label {example.label!r}")
        if (example.label == OK_LABEL) != (example.decision == Decision.ALLOW):
            raise ValueError(f"{path}:{n}: 'ok' goes with 'allow', a category with hold or block")
        examples.append(example)
    return examples


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, truth: bool, predicted: bool) -> None:
        if truth and predicted:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif truth:
            self.fn += 1

    @property
    def precision(self) -> float:
        flagged = self.tp + self.fp
        return self.tp / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        expected = self.tp + self.fn
        return self.tp / expected if expected else 1.0


@dataclass
class Report:
    total: int = 0
    flagged: dict[Category, Counts] = field(default_factory=dict)
    blocked: dict[Category, Counts] = field(default_factory=dict)
    overall_flagged: Counts = field(default_factory=Counts)
    overall_blocked: Counts = field(default_factory=Counts)
    support: dict[str, int] = field(default_factory=dict)
    chatter_flagged: list[tuple[Example, Verdict]] = field(default_factory=list)
    missed: list[tuple[Example, Verdict]] = field(default_factory=list)

    @property
    def chatter_blocked(self) -> list[tuple[Example, Verdict]]:
        return [(e, v) for e, v in self.chatter_flagged if v.decision == Decision.BLOCK]


def evaluate(classifier: Classifier, examples: Iterable[Example]) -> Report:
    report = Report(
        flagged={c: Counts() for c in Category}, blocked={c: Counts() for c in Category}
    )
    for example in examples:
        verdict = classifier.classify(example.text)
        report.total += 1
        report.support[example.label] = report.support.get(example.label, 0) + 1
        expected_flag = example.decision != Decision.ALLOW
        expected_block = example.decision == Decision.BLOCK
        got = verdict.decision
        report.overall_flagged.add(expected_flag, got != Decision.ALLOW)
        report.overall_blocked.add(expected_block, got == Decision.BLOCK)
        for category in Category:
            mine = example.label == category.value
            decided = verdict.decision_for(category)
            report.flagged[category].add(mine, decided != Decision.ALLOW)
            report.blocked[category].add(mine and expected_block, decided == Decision.BLOCK)
        if example.label == OK_LABEL and got != Decision.ALLOW:
            report.chatter_flagged.append((example, verdict))
        elif expected_flag and got == Decision.ALLOW:
            report.missed.append((example, verdict))
    return report


def render(report: Report, title: str, show_missed: bool = False) -> list[str]:
    """The report as lines of text: a table per category, overall figures, false positives."""
    lines = [
        title,
        f"{report.total} messages",
        "",
        f"{'category':<14} {'n':>4}   {'flag P':>6} {'flag R':>6}   {'block P':>7} {'block R':>7}",
    ]
    for category in Category:
        f, b = report.flagged[category], report.blocked[category]
        lines.append(
            f"{category.value:<14} {report.support.get(category.value, 0):>4}   "
            f"{f.precision:>6.3f} {f.recall:>6.3f}   {b.precision:>7.3f} {b.recall:>7.3f}"
        )
    of, ob = report.overall_flagged, report.overall_blocked
    lines += [
        f"{'ok (chatter)':<14} {report.support.get(OK_LABEL, 0):>4}",
        "",
        f"overall hold-or-block: precision {of.precision:.3f}  recall {of.recall:.3f}  "
        f"(tp {of.tp}, fp {of.fp}, fn {of.fn})",
        f"overall block:         precision {ob.precision:.3f}  recall {ob.recall:.3f}  "
        f"(tp {ob.tp}, fp {ob.fp}, fn {ob.fn})",
        "",
        f"chatter held or blocked: {len(report.chatter_flagged)} "
        f"(blocked: {len(report.chatter_blocked)})",
    ]
    for example, verdict in report.chatter_flagged:
        lines.append(f"  [{verdict.decision.value}] {example.text}")
        lines += [f"      {reason}" for reason in verdict.reasons()]
    if show_missed:
        lines.append(f"missed (expected hold or block, allowed): {len(report.missed)}")
        lines += [f"  [{e.label}/{e.decision.value}] {e.text}" for e, _ in report.missed]
    return lines
