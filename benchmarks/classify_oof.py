"""Compare detector settings by out-of-fold scores on several fold splits, gate floor included.

The harness behind docs/detection.md's "what was tried" tables. For each split seed and each
of 5 stratified folds of chineseharm/dev.jsonl, the full detector is fitted on the other four
folds + train_extra + 80 % of COLD train (numpy `default_rng(0).random(n) < 0.2` holds the
rest out: `gate_threshold.split_cold`). The held-out fold's texts are scored with the gate
switched off, next to the gate's probability, so every threshold can be tried afterwards. Per
seed it prints macro-F1 and fraud F1 at the largest gate threshold that keeps the held-out
COLD non-offensive benign rate at `--floor`, and for the harm head alone (no gate). Seed 0
gives the folds of `classify_bench.py`. COLD dev is never read.

Run by hand:  .venv/bin/python benchmarks/classify_oof.py [--seeds 0 1] [--set written_fraud_weight=0]
(about 1.5 minutes per seed with --jobs 2)
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
from concurrent.futures import ProcessPoolExecutor  # noqa: E402
from dataclasses import dataclass, replace  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
from gate_threshold import split_cold  # noqa: E402  (this directory's script)
from sklearn.metrics import f1_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from lianfang.detect.datasets import read_chineseharm, read_cold  # noqa: E402
from lianfang.detect.features import prepare  # noqa: E402
from lianfang.detect.model import (  # noqa: E402
    ModelConfig,
    classify_many,
    fit,
    gate_blend,
    to_scheme,
)
from lianfang.detect.rules import default_rules  # noqa: E402
from lianfang.taxonomy import CHINESEHARM_LABELS  # noqa: E402

LABELS = list(CHINESEHARM_LABELS)
BENIGN = LABELS.index("benign")


@dataclass(frozen=True, slots=True)
class Scored:
    """Texts scored by one fold's model: ChineseHarm probabilities without the gate, and the
    gate's probability."""

    harm: np.ndarray
    gate: np.ndarray

    def labels(self, threshold: float) -> np.ndarray:
        blended = gate_blend(self.harm, self.gate, threshold, BENIGN)
        return np.array(LABELS)[blended.argmax(axis=1)]


Fold = tuple[np.ndarray, Scored, Scored]  # test indices, dev fold scores, COLD held-out scores


def score_fold(seed: int, fold: int, overrides: dict[str, Any]) -> Fold:
    """Fit fold `fold` of split `seed`; return (test indices, dev test scores, COLD held-out scores)."""
    config = replace(ModelConfig(), **overrides)
    dev = read_chineseharm("dev")
    extra = [replace(r, weight=config.extra_weight) for r in read_chineseharm("train_extra")]
    kept, cold_texts = split_cold(read_cold("train"))
    truth = np.array([r.label for r in dev])
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    train_idx, test_idx = list(folds.split(np.zeros(len(dev)), truth))[fold]
    model = fit([dev[i] for i in train_idx] + extra, kept, config)
    ungated = replace(model, config=replace(config, gate_threshold=1.0))

    def scored(texts: list[str]) -> Scored:
        rules = default_rules()
        prepared = [prepare(t, rules) for t in texts]
        gate = model.gate_proba(model.scores(model.features(prepared)))
        results = [to_scheme(c, "chineseharm").scores for c in classify_many(texts, ungated)]
        harm = np.array([[s[label] for label in LABELS] for s in results])
        return Scored(harm, gate)

    return test_idx, scored([dev[i].text for i in test_idx]), scored(cold_texts)


def report(seed: int, truth: np.ndarray, folds: list[Fold], floor: float) -> None:
    """Print macro-F1 / fraud F1 at the floor's threshold and for the harm head alone."""

    def predict(threshold: float) -> np.ndarray:
        pred = np.empty(len(truth), dtype=object)
        for test_idx, dev_scored, _ in folds:
            pred[test_idx] = dev_scored.labels(threshold)
        return pred

    def cold_rate(threshold: float) -> float:
        return float(np.mean([np.mean(cold.labels(threshold) == "benign") for _, _, cold in folds]))

    thresholds = [t for t in np.round(np.arange(0.50, 1.0, 0.01), 2) if cold_rate(t) >= floor]
    for name, threshold in (("gate", max(thresholds, default=None)), ("harm head alone", 1.01)):
        if threshold is None:
            print(f"seed {seed}: no threshold keeps the held-out COLD benign rate >= {floor}")
            continue
        per = f1_score(truth, predict(threshold), labels=LABELS, average=None)
        print(
            f"seed {seed} {name} (threshold {threshold:.2f}, held-out COLD benign rate "
            f"{cold_rate(threshold):.4f}): macro-F1 {per.mean():.4f}  fraud F1 "
            f"{per[LABELS.index('fraud')]:.4f}  per-class "
            + " ".join(f"{label} {f:.3f}" for label, f in zip(LABELS, per, strict=True))
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--floor", type=float, default=0.97)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--set", action="append", default=[], metavar="FIELD=JSON", help="a ModelConfig override"
    )
    args = parser.parse_args()
    overrides = {key: json.loads(value) for key, value in (s.split("=", 1) for s in args.set)}
    truth = np.array([r.label for r in read_chineseharm("dev")])
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for seed in args.seeds:
            folds = list(pool.map(score_fold, [seed] * 5, range(5), [overrides] * 5))
            report(seed, truth, folds, args.floor)


if __name__ == "__main__":
    main()
