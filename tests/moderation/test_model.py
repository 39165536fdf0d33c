"""The model classifier (with the ml extra): offline, loaded from the packaged file, the same
figures as scikit-learn. Without the extra: tests/moderation/test_pipeline.py."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from pnplive.moderation import model, pipeline
from pnplive.moderation.categories import Category, Decision
from pnplive.moderation.evaluation import load, split_path
from pnplive.moderation.model import ModelClassifier, model_path, model_text

sklearn = pytest.importorskip("sklearn")


@pytest.fixture(scope="module")
def trained() -> model.Trained:
    return model.train(load(split_path("train")))


def test_the_shipped_model_loads_offline_and_reports_per_category() -> None:
    classifier = ModelClassifier()
    assert classifier.available
    probs = classifier.probabilities("selling tina, dm for prices")
    assert sum(probs.values()) == pytest.approx(1.0)
    assert set(probs) == {c.value for c in Category} | {"ok"}
    verdict = classifier.classify("can we do 30 min?")
    assert verdict.decision == Decision.ALLOW
    for finding in classifier.classify("vendo tusi y perico a domicilio").findings:
        assert finding.source == "model" and finding.reason.startswith("char n-gram model p=")


def test_file_scores_match_scikit_learn(trained: model.Trained, tmp_path: Path) -> None:
    path = tmp_path / "model.json.gz"
    trained.write(path)
    mine = ModelClassifier(path)
    vectoriser, clf = trained.fitted
    for example in load(split_path("dev"))[:60]:
        expected = clf.predict_proba(vectoriser.transform([model_text(example.text)]))[0]
        got = mine.probabilities(example.text)
        for cls, p in zip(clf.classes_, expected, strict=True):
            assert got[str(cls)] == pytest.approx(float(p), abs=2e-3)


def test_writing_is_deterministic(trained: model.Trained, tmp_path: Path) -> None:
    a, b = tmp_path / "a.json.gz", tmp_path / "b.json.gz"
    trained.write(a)
    trained.write(b)
    assert a.read_bytes() == b.read_bytes()


def test_the_shipped_model_is_what_training_on_the_train_split_makes(
    trained: model.Trained, tmp_path: Path
) -> None:
    # Decisions rather than bytes: the last digits of fitted floats may differ between machines.
    path = tmp_path / "fresh.json.gz"
    trained.write(path)
    fresh, shipped = ModelClassifier(path), ModelClassifier()
    for example in load(split_path("dev")):
        assert fresh.classify(example.text).decision == shipped.classify(example.text).decision


def test_self_harm_is_held_never_blocked_by_the_model() -> None:
    data = json.loads(gzip.decompress(model_path().read_bytes()))
    assert data["ceilings"]["self_harm"] == "hold"
    assert data["ceilings"]["spam"] == "block"
    loaded = model._Loaded(data)
    assert loaded.decide(Category.SELF_HARM, 0.999) == Decision.HOLD
    assert loaded.decide(Category.SPAM, 0.999) == Decision.BLOCK
    assert loaded.decide(Category.SPAM, 0.0) == Decision.ALLOW


def test_a_file_of_another_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.json.gz"
    path.write_bytes(gzip.compress(b'{"format": "something else"}'))
    with pytest.raises(ValueError, match="not a moderation model file"):
        ModelClassifier(path).classify("hello")


def test_rules_plus_model_block_no_dev_chatter() -> None:
    combined, notes = pipeline.build(with_model=True)
    assert notes == [] and combined.name == "rules+model"
    for example in load(split_path("dev")):
        if example.label == "ok":
            assert combined.classify(example.text).decision != Decision.BLOCK, example.text
