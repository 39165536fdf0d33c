"""Moderation throughput on one core: messages per second for the rules alone and for the
rules plus the model (when the ml extra is installed), over every labelled message (train and
dev, English and Spanish). The normalisation cache is cleared before each pass, so no message
is served from it.

    python -m bench.moderation_bench
"""

from __future__ import annotations

import os

# One core, one thread: pin the process before numpy loads its thread pools.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import statistics  # noqa: E402
import time  # noqa: E402

from pnplive.moderation.classifier import Classifier  # noqa: E402
from pnplive.moderation.evaluation import load, split_path  # noqa: E402
from pnplive.moderation.normalise import normalise  # noqa: E402
from pnplive.moderation.pipeline import build  # noqa: E402


def pin_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to core {core}"
    return "not pinned (no sched_setaffinity here)"


def rate(classifier: Classifier, texts: list[str], seconds: float = 3.0) -> tuple[float, int]:
    for text in texts[:50]:  # warm up (the model file loads on first use)
        classifier.classify(text)
    rates, done, started = [], 0, time.perf_counter()
    while time.perf_counter() - started < seconds or len(rates) < 3:
        normalise.cache_clear()
        t0 = time.perf_counter()
        for text in texts:
            classifier.classify(text)
        rates.append(len(texts) / (time.perf_counter() - t0))
        done += len(texts)
    return statistics.median(rates), done


def main() -> None:
    where = pin_one_core()
    texts = [e.text for e in load(split_path("train")) + load(split_path("dev"))]
    mean_len = sum(map(len, texts)) / len(texts)
    print(
        f"moderation classifiers, one core ({where}); {len(texts)} labelled messages, "
        f"mean {mean_len:.0f} characters"
    )
    print(f"{'classifier':<14} {'messages/s':>11} {'µs/message':>11} {'classified':>11}")
    for with_model in (False, True):
        classifier, notes = build(with_model=with_model)
        if notes:
            print(f"{'rules+model':<14} skipped: {'; '.join(notes)}")
            continue
        per_second, done = rate(classifier, texts)
        print(f"{classifier.name:<14} {per_second:>11,.0f} {1e6 / per_second:>11,.0f} {done:>11,}")


if __name__ == "__main__":
    main()
