"""Lianfang detector vs the TF-IDF + LinearSVC baseline, same run, same folds.

ChineseHarm figures are 5-fold cross-validated on chineseharm/dev.jsonl (train folds +
train_extra [+ COLD train]; a dev row is only ever scored by the model that did not see it),
on the clean texts, on an obfuscated copy (`lianfang.detect.perturb.obfuscate`, seed 7) and
on a pinyin-typed copy (`perturb.type_pinyin`: 15 % of the CJK characters typed as pinyin) and
on a styled pinyin-typed copy (the same share, typed per text with tone marks, apart or in
capitals: `type_pinyin(..., styled=True)`).
COLD figures use COLD dev, which no model here trains on. Throughput is measured on one core
(BLAS threads pinned to 1) including normalisation.

Run by hand:  .venv/bin/python benchmarks/classify_bench.py   (about 5-10 minutes)
The last line prints Lianfang's clean and obfuscated macro-F1 and the baseline's.
`--skip-cv` runs only the COLD, speed and load sections (the last line is then the load time).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402
from sklearn.pipeline import Pipeline, make_pipeline  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

from lianfang.detect.datasets import LabelledText, read_chineseharm, read_cold  # noqa: E402
from lianfang.detect.model import ModelConfig, classify_many, fit, load, to_scheme  # noqa: E402
from lianfang.detect.perturb import obfuscate, type_pinyin  # noqa: E402
from lianfang.detect.synthetic import written_everyday  # noqa: E402
from lianfang.taxonomy import CHINESEHARM_LABELS  # noqa: E402

SEED = 0
OBFUSCATION_SEED = 7
PINYIN_RATE = 0.15
SHORT = 60


def baseline(rows: Sequence[LabelledText]) -> Pipeline:
    """The issue's baseline: TF-IDF char 1-4-grams, sublinear tf, LinearSVC, raw text."""
    model = make_pipeline(
        TfidfVectorizer(analyzer="char", ngram_range=(1, 4), sublinear_tf=True), LinearSVC()
    )
    return model.fit([r.text for r in rows], [r.label for r in rows])


def report(name: str, truth: np.ndarray, pred: np.ndarray, lengths: np.ndarray) -> float:
    """Print macro-F1, per-class F1, fraud F1 and short-text benign F1; return macro-F1."""
    macro = f1_score(truth, pred, labels=list(CHINESEHARM_LABELS), average="macro")
    per = f1_score(truth, pred, labels=list(CHINESEHARM_LABELS), average=None)
    short = lengths < SHORT
    short_benign = f1_score(truth[short] == "benign", pred[short] == "benign")
    recall_short = float(np.mean(pred[short & (truth == "benign")] == "benign"))
    print(
        f"{name}: macro-F1 {macro:.4f}  fraud F1 {per[CHINESEHARM_LABELS.index('fraud')]:.4f}  "
        f"short(<{SHORT})-text benign F1 {short_benign:.4f} (benign recall {recall_short:.4f}, "
        f"n_short_benign {int(np.sum(short & (truth == 'benign')))})"
    )
    print(
        "   per-class F1: "
        + "  ".join(f"{lab} {f:.4f}" for lab, f in zip(CHINESEHARM_LABELS, per, strict=True))
    )
    return float(macro)


def main() -> None:
    skip_cv = "--skip-cv" in sys.argv[1:]
    dev = read_chineseharm("dev")
    extra = read_chineseharm("train_extra")
    cold_train = read_cold("train")
    cold_dev = read_cold("dev")
    cold_benign = [LabelledText(r.text, "benign") for r in cold_train if r.label == "non_offensive"]
    truth = np.array([r.label for r in dev])
    lengths = np.array([len(r.text) for r in dev])
    copies = {  # key suffix -> the dev texts as scored
        "": [r.text for r in dev],
        "_obf": [obfuscate(r.text, OBFUSCATION_SEED) for r in dev],
        "_py": [type_pinyin(r.text, PINYIN_RATE, OBFUSCATION_SEED) for r in dev],
        "_pys": [type_pinyin(r.text, PINYIN_RATE, OBFUSCATION_SEED, styled=True) for r in dev],
    }
    preds = {s + c: np.empty(len(dev), dtype=object) for s in ("lf", "bl", "blc") for c in copies}
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    splits = [] if skip_cv else list(folds.split(np.zeros(len(dev)), truth))
    for k, (train_idx, test_idx) in enumerate(splits):
        started = time.perf_counter()
        train_rows = [dev[i] for i in train_idx] + extra
        scored = {c: [texts[i] for i in test_idx] for c, texts in copies.items()}
        # Lianfang down-weights train_extra (another source than the benchmark) as in `train`.
        extra_weight = ModelConfig().extra_weight
        weighted = [replace(r, weight=extra_weight) for r in extra]
        model = fit([dev[i] for i in train_idx] + weighted, cold_train)
        for c, texts in scored.items():
            results = classify_many(texts, model)
            preds["lf" + c][test_idx] = [to_scheme(r, "chineseharm").label for r in results]
        for key, rows in (("bl", train_rows), ("blc", train_rows + cold_benign)):
            base = baseline(rows)
            for c, texts in scored.items():
                preds[key + c][test_idx] = base.predict(texts)
        print(f"fold {k}: {time.perf_counter() - started:.0f} s", flush=True)

    lf = lf_obf = bl = bl_obf = float("nan")
    if not skip_cv:
        print("== ChineseHarm dev, 5-fold CV (same folds for every system) ==")
        lf, lf_obf, bl, bl_obf = cv_reports(truth, preds, lengths)
    cold_and_speed(dev, extra, cold_dev, cold_benign)
    if skip_cv:
        return
    print(
        f"RESULT lianfang_clean_macro_f1={lf:.4f} lianfang_obfuscated_macro_f1={lf_obf:.4f} "
        f"baseline_clean_macro_f1={bl:.4f} baseline_obfuscated_macro_f1={bl_obf:.4f}"
    )


def cv_reports(truth: np.ndarray, preds: dict[str, np.ndarray], lengths: np.ndarray) -> tuple[float, ...]:
    """Print every system's CV report; return Lianfang and baseline macro-F1, clean and obfuscated."""
    lf = report("Lianfang clean", truth, preds["lf"], lengths)
    lf_obf = report("Lianfang obfuscated", truth, preds["lf_obf"], lengths)
    typed = f"pinyin-typed ({PINYIN_RATE:.0%} of CJK characters)"
    styled = f"pinyin-typed, styled ({PINYIN_RATE:.0%}; tone marks, apart, capitals)"
    report(f"Lianfang {typed}", truth, preds["lf_py"], lengths)
    report(f"Lianfang {styled}", truth, preds["lf_pys"], lengths)
    bl = report("Baseline clean (ChineseHarm rows)", truth, preds["bl"], lengths)
    bl_obf = report("Baseline obfuscated (ChineseHarm rows)", truth, preds["bl_obf"], lengths)
    report(f"Baseline {typed} (ChineseHarm rows)", truth, preds["bl_py"], lengths)
    report(f"Baseline {styled} (ChineseHarm rows)", truth, preds["bl_pys"], lengths)
    report("Baseline+COLD clean (same rows as Lianfang, unweighted)", truth, preds["blc"], lengths)
    report("Baseline+COLD obfuscated", truth, preds["blc_obf"], lengths)
    report(f"Baseline+COLD {typed}", truth, preds["blc_py"], lengths)
    report(f"Baseline+COLD {styled}", truth, preds["blc_pys"], lengths)
    return lf, lf_obf, bl, bl_obf


def cold_and_speed(
    dev: list[LabelledText],
    extra: list[LabelledText],
    cold_dev: list[LabelledText],
    cold_benign: list[LabelledText],
) -> None:
    """COLD dev accuracy and benign rates (Lianfang shipped model vs baselines), then speed and load."""
    print("== COLD dev (never trained on) ==")
    shipped = load()
    cold_texts = [r.text for r in cold_dev]
    results = classify_many(cold_texts, shipped)
    cold_truth = np.array([r.label for r in cold_dev])
    cold_pred = np.array([to_scheme(c, "cold").label for c in results])
    non_off = cold_truth == "non_offensive"
    harm = np.array([to_scheme(c, "chineseharm").label for c in results])
    print(
        f"Lianfang (shipped model) COLD dev accuracy (--scheme cold): {np.mean(cold_pred == cold_truth):.4f}"
    )
    print(
        f"Lianfang (shipped model) benign rate on COLD dev non-offensive (--scheme chineseharm): "
        f"{np.mean(harm[non_off] == 'benign'):.4f} (n={int(non_off.sum())})"
    )
    full_rows = dev + extra
    for name, rows in (("Baseline", full_rows), ("Baseline+COLD", full_rows + cold_benign)):
        base_pred = baseline(rows).predict([t for t, keep in zip(cold_texts, non_off, strict=True) if keep])
        print(
            f"{name} (dev+train_extra{'+COLD train' if 'COLD' in name else ''}) benign rate on COLD dev "
            f"non-offensive: {np.mean(base_pred == 'benign'):.4f}"
        )

    # Plain daily chat: neither data set has it. Hand-written, never trained on (the first 15 were
    # probed with the previous model before the gate's hand-written posts were written).
    probe_file = Path(__file__).parent / "data" / "everyday_probe_zh.txt"
    probe = [r.text for r in written_everyday(probe_file)]
    lf_probe = [to_scheme(c, "chineseharm").label == "benign" for c in classify_many(probe, shipped)]
    base_probe = baseline(full_rows + cold_benign).predict(probe) == "benign"
    print(
        f"benign rate on {len(probe)} hand-written everyday sentences ({probe_file.name}): "
        f"Lianfang {sum(lf_probe)}/{len(probe)} (the last {len(probe) - 15}: {sum(lf_probe[15:])}); "
        f"Baseline+COLD {int(base_probe.sum())}/{len(probe)}"
    )

    print("== speed (one core, normalisation included) ==")
    texts = [r.text for r in dev] + cold_texts
    started = time.perf_counter()
    for i in range(0, len(texts), 256):
        classify_many(texts[i : i + 256], shipped)
    batch_rate = len(texts) / (time.perf_counter() - started)
    single = texts[:2000]
    started = time.perf_counter()
    for text in single:
        classify_many([text], shipped)
    single_rate = len(single) / (time.perf_counter() - started)
    print(
        f"classify_many (batches of 256): {batch_rate:.0f} texts/s; "
        f"classify one at a time: {single_rate:.0f} texts/s"
    )
    probe = (
        "import time; t=time.perf_counter(); from lianfang.detect.model import load, classify; load(); "
        "classify('测试'); print(time.perf_counter()-t)"
    )
    load_s = float(
        subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    )
    print(f"model load (import + load weights + rules + first classify, fresh process): {load_s:.2f} s")


if __name__ == "__main__":
    main()
