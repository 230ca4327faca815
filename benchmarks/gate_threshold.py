"""Choose the everyday-chat gate's threshold on held-out COLD *train* posts (COLD dev stays unseen).

Fits the detector on ChineseHarm dev + train_extra and 80 % of COLD train (numpy
`default_rng(0).random(n) < 0.2` holds the rest out), then prints, for each threshold, the share
of held-out non-offensive posts that come out `benign` under `--scheme chineseharm`, and the
largest threshold whose share stays at or above the floor (`ModelConfig.gate_threshold` is set
from it). Run by hand:  .venv/bin/python benchmarks/gate_threshold.py [--floor 0.97]  (2-3 min)
"""

from __future__ import annotations

import argparse
from dataclasses import replace

import numpy as np

from lianfang.detect.datasets import LabelledText, read_chineseharm, read_cold
from lianfang.detect.model import ModelConfig, classify_many, fit, to_scheme


def split_cold(cold: list[LabelledText]) -> tuple[list[LabelledText], list[str]]:
    """COLD train rows to fit on (80 %) and the held-out non-offensive texts (of the other 20 %)."""
    held = np.random.default_rng(0).random(len(cold)) < 0.2
    kept = [r for r, h in zip(cold, held, strict=True) if not h]
    texts = [r.text for r, h in zip(cold, held, strict=True) if h and r.label == "non_offensive"]
    return kept, texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--floor", type=float, default=0.97)
    floor = parser.parse_args().floor
    config = ModelConfig()
    kept, texts = split_cold(read_cold("train"))
    extra = [replace(r, weight=config.extra_weight) for r in read_chineseharm("train_extra")]
    model = fit(read_chineseharm("dev") + extra, kept, config)
    rates = {}
    for threshold in np.round(np.arange(0.70, 0.99, 0.01), 2):
        tried = replace(model, config=replace(config, gate_threshold=float(threshold)))
        labels = [to_scheme(c, "chineseharm").label for c in classify_many(texts, tried)]
        rates[float(threshold)] = float(np.mean(np.array(labels) == "benign"))
        print(f"gate_threshold {threshold:.2f}: benign rate {rates[float(threshold)]:.4f} (n={len(texts)})")
    best = max((t for t, rate in rates.items() if rate >= floor), default=None)
    print(f"RESULT largest threshold with held-out benign rate >= {floor}: {best}")


if __name__ == "__main__":
    main()
