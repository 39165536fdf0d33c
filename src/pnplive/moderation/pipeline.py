"""The classifier the product uses: the rules, plus the model when it can run here."""

from __future__ import annotations

from functools import lru_cache

from pnplive.moderation.classifier import Classifier, Combined
from pnplive.moderation.model import ModelClassifier
from pnplive.moderation.rules import RulesClassifier


def build(with_model: bool = True) -> tuple[Combined, list[str]]:
    """Rules, and the model if asked for and available; notes say what was left out and why."""
    classifiers: list[Classifier] = [RulesClassifier()]
    notes: list[str] = []
    if with_model:
        model = ModelClassifier()
        if model.available:
            classifiers.append(model)
        else:
            notes.append(f"model unavailable: {model.why_unavailable}")
    return Combined(classifiers), notes


@lru_cache(maxsize=1)
def default_classifier() -> Combined:
    return build(with_model=True)[0]


@lru_cache(maxsize=1)
def rules_classifier() -> Combined:
    """The rules alone: for short texts such as names, where a character model is unreliable."""
    return build(with_model=False)[0]
