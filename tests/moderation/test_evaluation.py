"""The labelled data, the evaluation figures and the ``pnplive moderation`` commands."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pnplive.cli import app
from pnplive.moderation import evaluation, model
from pnplive.moderation.categories import OK_LABEL, Category, Decision
from pnplive.moderation.classifier import Finding, Verdict
from pnplive.moderation.evaluation import Example, evaluate, load, split_path
from pnplive.moderation.rules import RulesClassifier

runner = CliRunner()


class ByText:
    name = "by-text"
    available = True

    def __init__(self, answers: dict[str, tuple[Category, Decision]]) -> None:
        self.answers = answers

    def classify(self, text: str) -> Verdict:
        if text not in self.answers:
            return Verdict()
        category, decision = self.answers[text]
        return Verdict((Finding(category, decision, 0.9, "fixed", "test"),))


def write(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_figures_count_holds_blocks_and_chatter() -> None:
    examples = [
        Example("a", "en", "spam", Decision.BLOCK),  # blocked: right
        Example("b", "en", "spam", Decision.BLOCK),  # missed
        Example("c", "en", "self_harm", Decision.HOLD),  # held: right
        Example("d", "en", OK_LABEL, Decision.ALLOW),  # chatter blocked as spam: wrong
        Example("e", "en", OK_LABEL, Decision.ALLOW),  # passes
    ]
    classifier = ByText(
        {
            "a": (Category.SPAM, Decision.BLOCK),
            "c": (Category.SELF_HARM, Decision.HOLD),
            "d": (Category.SPAM, Decision.BLOCK),
        }
    )
    report = evaluate(classifier, examples)
    assert (report.overall_blocked.tp, report.overall_blocked.fp) == (1, 1)
    assert report.overall_blocked.fn == 1
    assert report.overall_blocked.precision == 0.5
    assert report.overall_flagged.recall == pytest.approx(2 / 3)
    assert report.flagged[Category.SPAM].precision == 0.5
    assert report.flagged[Category.SPAM].recall == 0.5
    assert report.flagged[Category.SELF_HARM].precision == 1.0
    assert [e.text for e, _ in report.chatter_blocked] == ["d"]
    assert [e.text for e, _ in report.missed] == ["b"]
    lines = evaluation.render(report, "t", show_missed=True)
    assert any(line.startswith("overall block:") and "precision 0.500" in line for line in lines)
    assert "  [block] d" in lines


@pytest.mark.parametrize(
    ("row", "complaint"),
    [
        ({"text": "x", "lang": "en", "label": "gossip", "decision": "block"}, "unknown label"),
        ({"text": "x", "lang": "en", "label": "ok", "decision": "block"}, "'ok' goes with"),
        ({"text": "x", "lang": "en", "label": "spam", "decision": "allow"}, "'ok' goes with"),
        ({"text": "x", "lang": "en", "label": "spam", "decision": "maybe"}, "not a labelled"),
        ({"lang": "en", "label": "spam", "decision": "block"}, "not a labelled"),
    ],
)
def test_bad_labelled_lines_are_refused_with_their_line(
    tmp_path: Path, row: dict[str, str], complaint: str
) -> None:
    good = {"text": "fine", "lang": "en", "label": "ok", "decision": "allow"}
    path = write(tmp_path, [good, row])
    with pytest.raises(ValueError, match=complaint) as info:
        load(path)
    assert ":2:" in str(info.value)


def test_the_shipped_data_covers_every_category_in_both_languages_and_splits() -> None:
    train, dev = load(split_path("train")), load(split_path("dev"))
    assert len(train) + len(dev) >= 600
    assert 0.25 <= len(dev) / (len(train) + len(dev)) <= 0.35
    assert not {e.text.lower() for e in train} & {e.text.lower() for e in dev}
    for part in (train, dev):
        seen = Counter((e.label, e.lang) for e in part)
        for label in [c.value for c in Category] + [OK_LABEL]:
            assert seen[(label, "en")] > 0 and seen[(label, "es")] > 0, (label, part is dev)


def test_rules_never_block_dev_chatter_and_block_precisely() -> None:
    report = evaluate(RulesClassifier(), load(split_path("dev")))
    assert report.chatter_blocked == []
    assert report.overall_blocked.precision >= 0.95


def test_evaluate_command_prints_the_figures() -> None:
    result = runner.invoke(app, ["moderation", "evaluate", "dev"])
    assert result.exit_code == 0, result.output
    assert "rules on dev.jsonl" in result.output
    for category in Category:
        assert any(line.startswith(category.value) for line in result.output.splitlines())
    assert "overall block:" in result.output
    assert "overall hold-or-block:" in result.output
    assert "chatter held or blocked:" in result.output


def test_evaluate_command_reads_a_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            {"text": "can we do 30 min?", "lang": "en", "label": "ok", "decision": "allow"},
            {"text": "kys", "lang": "en", "label": "harassment", "decision": "block"},
        ],
    )
    result = runner.invoke(app, ["moderation", "evaluate", str(path), "--missed"])
    assert result.exit_code == 0, result.output
    assert "2 messages" in result.output
    assert "overall block:         precision 1.000  recall 1.000" in result.output


def test_evaluate_command_refuses_an_unreadable_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["moderation", "evaluate", str(tmp_path / "none.jsonl")])
    assert result.exit_code == 2


def test_with_model_says_so_when_the_model_cannot_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model, "ml_missing", lambda: "the ml extra is not installed")
    result = runner.invoke(app, ["moderation", "evaluate", "dev", "--with-model"])
    assert result.exit_code == 3
    assert "the ml extra is not installed" in result.output
