"""The product's classifier: the rules, plus the model only when it can run here."""

from __future__ import annotations

from pathlib import Path

import pytest

from pnplive.moderation import model, pipeline
from pnplive.moderation.categories import Decision
from pnplive.moderation.model import ModelClassifier


def test_without_the_extra_the_model_is_unavailable_and_the_rules_run_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(model, "ml_missing", lambda: "the ml extra is not installed")
    classifier = ModelClassifier()
    assert not classifier.available
    assert classifier.why_unavailable == "the ml extra is not installed"
    combined, notes = pipeline.build(with_model=True)
    assert combined.name == "rules"
    assert notes and "the ml extra is not installed" in notes[0]
    assert combined.classify("kys").decision == Decision.BLOCK


def test_a_missing_model_file_makes_it_unavailable(tmp_path: Path) -> None:
    classifier = ModelClassifier(tmp_path / "none.json.gz")
    if model.ml_missing() is None:
        assert classifier.why_unavailable is not None
        assert "no model file" in classifier.why_unavailable
    assert not classifier.available


def test_rules_alone_when_the_model_is_not_asked_for() -> None:
    combined, notes = pipeline.build(with_model=False)
    assert (combined.name, notes) == ("rules", [])
