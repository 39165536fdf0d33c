"""The optional model classifier: TF-IDF character n-grams and logistic regression.

It needs the ``ml`` extra (scikit-learn, numpy). Training (``pnplive moderation train``) reads the
labelled train split and writes one gzip'd JSON file shipped in the package: the n-gram
vocabulary, the idf weights, the coefficients, and the thresholds chosen by cross-validation on
the train split. Classifying needs only numpy and scikit-learn's n-gram analyser; nothing is
downloaded and no pickle is loaded. Without the extra, or without the file, the classifier says
it is unavailable and the rules run alone.

Per category the model holds a message when the category's probability reaches ``hold_at`` and
blocks it at ``block_at``, but never beyond the decision the labelled data gives that category
most often (self-harm is held, never blocked).
"""

from __future__ import annotations

import gzip
import json
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pnplive.moderation.categories import OK_LABEL, Category, Decision
from pnplive.moderation.classifier import Finding, Verdict
from pnplive.moderation.evaluation import Example
from pnplive.moderation.normalise import normalise

FORMAT = "pnplive-moderation-model/1"
NGRAMS = (2, 5)


def model_path() -> Path:
    return Path(str(resources.files("pnplive.moderation") / "data" / "model.json.gz"))


def ml_missing() -> str | None:
    """Why the model cannot run here, or None when it can."""
    try:
        import numpy  # type: ignore[import-not-found, unused-ignore]  # noqa: F401
        import sklearn  # type: ignore[import-untyped, import-not-found, unused-ignore]  # noqa: F401
    except ImportError:
        return "the ml extra is not installed (pip install 'pnplive[ml]')"
    return None


def model_text(text: str) -> str:
    # The model reads the same normalised words the rules read: obfuscations are undone first.
    return normalise(text).words


def _analyser() -> Callable[[str], list[str]]:
    from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped, import-not-found, unused-ignore]

    analyse: Callable[[str], list[str]] = TfidfVectorizer(
        analyzer="char_wb", ngram_range=NGRAMS, lowercase=False
    ).build_analyzer()
    return analyse


@dataclass(frozen=True)
class Thresholds:
    hold_at: float
    block_at: float


class ModelClassifier:
    name = "model"

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or model_path()
        self.why_unavailable = ml_missing()
        if self.why_unavailable is None and not self.path.exists():
            self.why_unavailable = f"no model file at {self.path} (pnplive moderation train)"
        self._loaded: _Loaded | None = None

    @property
    def available(self) -> bool:
        return self.why_unavailable is None

    def _model(self) -> _Loaded:
        if self._loaded is None:
            if self.why_unavailable is not None:
                raise RuntimeError(self.why_unavailable)
            self._loaded = _Loaded(json.loads(gzip.decompress(self.path.read_bytes())))
        return self._loaded

    def probabilities(self, text: str) -> dict[str, float]:
        return self._model().probabilities(model_text(text))

    def classify(self, text: str) -> Verdict:
        model = self._model()
        probs = model.probabilities(model_text(text))
        findings = []
        for category in Category:
            p = probs.get(category.value, 0.0)
            decision = model.decide(category, p)
            if decision != Decision.ALLOW:
                findings.append(
                    Finding(
                        category, decision, round(p, 4), f"char n-gram model p={p:.2f}", "model"
                    )
                )
        return Verdict(tuple(findings))


class _Loaded:
    """The model file in memory; scoring is a sparse dot product done with numpy."""

    def __init__(self, data: dict[str, Any]) -> None:
        import numpy as np  # type: ignore[import-not-found, unused-ignore]

        if data.get("format") != FORMAT:
            raise ValueError(f"not a moderation model file: {data.get('format')!r}")
        self.classes: list[str] = data["classes"]
        self.index = {gram: i for i, gram in enumerate(data["vocabulary"])}
        self.idf = np.asarray(data["idf"], dtype=np.float64)
        self.coef = np.asarray(data["coef"], dtype=np.float64)  # features x classes
        self.intercept = np.asarray(data["intercept"], dtype=np.float64)
        self.thresholds = Thresholds(data["hold_at"], data["block_at"])
        self.ceilings = {c: Decision(d) for c, d in data["ceilings"].items()}
        self.analyse = _analyser()

    def probabilities(self, text: str) -> dict[str, float]:
        import numpy as np  # type: ignore[import-not-found, unused-ignore]

        counts = Counter(g for g in self.analyse(text) if g in self.index)
        if counts:
            idx = np.fromiter((self.index[g] for g in counts), dtype=np.int64)
            tf = np.fromiter((1.0 + math.log(n) for n in counts.values()), dtype=np.float64)
            x = tf * self.idf[idx]
            x /= np.linalg.norm(x)
            scores = x @ self.coef[idx] + self.intercept
        else:
            scores = self.intercept.copy()
        scores -= scores.max()
        p = np.exp(scores)
        p /= p.sum()
        return {c: float(v) for c, v in zip(self.classes, p, strict=True)}

    def decide(self, category: Category, p: float) -> Decision:
        ceiling = self.ceilings.get(category.value, Decision.HOLD)
        if p >= self.thresholds.block_at and ceiling == Decision.BLOCK:
            return Decision.BLOCK
        if p >= self.thresholds.hold_at:
            return Decision.HOLD
        return Decision.ALLOW


# --- training ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trained:
    data: dict[str, Any]  # what the model file holds
    notes: list[str]
    fitted: tuple[Any, Any]  # scikit-learn's vectoriser and classifier, for checking the file

    def write(self, path: Path) -> int:
        raw = json.dumps(self.data, separators=(",", ":"), sort_keys=True).encode()
        packed = gzip.compress(raw, compresslevel=9, mtime=0)  # same input, same bytes
        path.write_bytes(packed)
        return len(packed)


def _fit(texts: Sequence[str], labels: Sequence[str]) -> tuple[Any, Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped, import-not-found, unused-ignore]
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped, import-not-found, unused-ignore]

    vectoriser = TfidfVectorizer(
        analyzer="char_wb", ngram_range=NGRAMS, lowercase=False, sublinear_tf=True, min_df=2
    )
    x = vectoriser.fit_transform(texts)
    model = LogisticRegression(C=20.0, max_iter=5000, class_weight="balanced")
    model.fit(x, labels)
    return vectoriser, model


def _ceilings(examples: Sequence[Example]) -> dict[str, str]:
    ceilings: dict[str, str] = {}
    for category in Category:
        decisions = Counter(e.decision for e in examples if e.label == category.value)
        if decisions:
            ceilings[category.value] = decisions.most_common(1)[0][0].value
    return ceilings


def choose_thresholds(
    examples: Sequence[Example],
    probs: Sequence[dict[str, float]],
    ceilings: dict[str, str],
) -> tuple[Thresholds, list[str]]:
    """Thresholds from out-of-fold probabilities on the train split, for the model alone (the
    rules were tuned on the same split, so with them every threshold would look alike): the
    ones with the best recall that block no chatter and keep blocking precision at least 0.97
    and hold-or-block precision at least 0.95; ties go to the higher (safer) thresholds."""
    grid = [round(0.95 - 0.05 * i, 2) for i in range(14)]  # 0.95 .. 0.30

    def combined(t: Thresholds, i: int) -> Decision:
        decision = Decision.ALLOW
        for category, p in probs[i].items():
            if category == OK_LABEL:
                continue
            ceiling = Decision(ceilings.get(category, Decision.HOLD.value))
            if p >= t.block_at and ceiling == Decision.BLOCK:
                decision = Decision.strictest([decision, Decision.BLOCK])
            elif p >= t.hold_at:
                decision = Decision.strictest([decision, Decision.HOLD])
        return decision

    best: tuple[float, Thresholds] | None = None
    for hold_at in grid:
        for block_at in grid:
            if block_at < hold_at:
                continue
            t = Thresholds(hold_at, block_at)
            got = [combined(t, i) for i in range(len(examples))]
            blocked = [(e, g) for e, g in zip(examples, got, strict=True) if g == Decision.BLOCK]
            flagged = [(e, g) for e, g in zip(examples, got, strict=True) if g != Decision.ALLOW]
            if any(e.label == OK_LABEL for e, _ in blocked):
                continue
            block_p = sum(e.decision == Decision.BLOCK for e, _ in blocked) / max(len(blocked), 1)
            flag_p = sum(e.decision != Decision.ALLOW for e, _ in flagged) / max(len(flagged), 1)
            if block_p < 0.97 or flag_p < 0.95:
                continue
            want_block = sum(e.decision == Decision.BLOCK for e in examples)
            want_flag = sum(e.decision != Decision.ALLOW for e in examples)
            block_r = sum(e.decision == Decision.BLOCK for e, _ in blocked) / max(want_block, 1)
            flag_r = sum(e.decision != Decision.ALLOW for e, _ in flagged) / max(want_flag, 1)
            score = block_r + flag_r
            if best is None or score > best[0] + 1e-9:
                best = (score, t)
    if best is None:
        return Thresholds(1.01, 1.01), ["no threshold kept precision: the model never decides"]
    score, t = best
    return t, [
        f"thresholds from 5-fold cross-validation on train: hold at {t.hold_at}, "
        f"block at {t.block_at} (model alone: block recall + hold-or-block recall {score:.3f})"
    ]


def train(examples: Sequence[Example]) -> Trained:
    """Fit on the examples; thresholds come from out-of-fold predictions on the same examples."""
    import numpy as np  # type: ignore[import-not-found, unused-ignore]
    from sklearn.model_selection import StratifiedKFold  # type: ignore[import-untyped, import-not-found, unused-ignore]

    texts = [model_text(e.text) for e in examples]
    labels = [e.label for e in examples]
    ceilings = _ceilings(examples)

    oof: list[dict[str, float]] = [{} for _ in examples]
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=7)
    for fit_idx, test_idx in folds.split(texts, labels):
        vec, clf = _fit([texts[i] for i in fit_idx], [labels[i] for i in fit_idx])
        proba = clf.predict_proba(vec.transform([texts[i] for i in test_idx]))
        for row, i in zip(proba, test_idx, strict=True):
            oof[i] = {str(c): float(p) for c, p in zip(clf.classes_, row, strict=True)}
    thresholds, notes = choose_thresholds(examples, oof, ceilings)

    vec, clf = _fit(texts, labels)
    vocabulary = sorted(vec.vocabulary_, key=lambda g: vec.vocabulary_[g])
    coef = np.round(clf.coef_.T, 5)  # features x classes
    data = {
        "format": FORMAT,
        "ngrams": list(NGRAMS),
        "classes": [str(c) for c in clf.classes_],
        "vocabulary": vocabulary,
        "idf": [round(float(v), 6) for v in vec.idf_],
        "coef": coef.tolist(),
        "intercept": [round(float(v), 6) for v in clf.intercept_],
        "hold_at": thresholds.hold_at,
        "block_at": thresholds.block_at,
        "ceilings": ceilings,
        "trained_on": len(examples),
    }
    notes.insert(
        0, f"{len(examples)} messages, {len(vocabulary)} n-grams, {len(clf.classes_)} classes"
    )
    return Trained(data, notes, (vec, clf))
