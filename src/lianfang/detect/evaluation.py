"""Scoring the detector on a labelled JSONL file (`lianfang model eval`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import orjson
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

from lianfang.detect.datasets import LabelledText, read_labelled
from lianfang.detect.model import COLD_LABELS, DetectorModel, classify_many, load, to_scheme
from lianfang.errors import InputError
from lianfang.taxonomy import CHINESEHARM_LABELS, Category

__all__ = ["EvalReport", "evaluate_file", "evaluate_rows", "format_report"]


@dataclass(frozen=True, slots=True)
class EvalReport:
    """Accuracy, macro-F1, per-class F1 and the confusion matrix (rows = truth, cols = predicted)."""

    scheme: str
    n: int
    accuracy: float
    macro_f1: float
    per_class_f1: dict[str, float]
    labels: tuple[str, ...]
    confusion: tuple[tuple[int, ...], ...]


def _scheme_for(labels: set[str]) -> str:
    if labels <= set(CHINESEHARM_LABELS):
        return "chineseharm"
    if labels <= {str(c) for c in Category}:
        return "native"
    if labels <= set(COLD_LABELS):
        return "cold"
    raise InputError(f"labels {sorted(labels)} fit no scheme (native, chineseharm or cold)")


def evaluate_rows(rows: Sequence[LabelledText], model: DetectorModel | None = None) -> EvalReport:
    """Score `rows` in the scheme their labels belong to; raises InputError for no rows/unknown labels."""
    if not rows:
        raise InputError("no labelled rows to evaluate")
    scheme = _scheme_for({r.label for r in rows})
    truth = [r.label for r in rows]
    results = classify_many([r.text for r in rows], model or load())
    predicted = [to_scheme(r, scheme).label for r in results]
    if scheme == "chineseharm":
        labels = CHINESEHARM_LABELS
    elif scheme == "cold":
        labels = COLD_LABELS
    else:
        labels = tuple(str(c) for c in Category)
    present = [label for label in labels if label in set(truth) | set(predicted)]
    per_class = f1_score(truth, predicted, labels=present, average=None, zero_division=0)
    matrix = confusion_matrix(truth, predicted, labels=present)
    return EvalReport(
        scheme=scheme,
        n=len(rows),
        accuracy=float(accuracy_score(truth, predicted)),
        macro_f1=float(f1_score(truth, predicted, labels=present, average="macro", zero_division=0)),
        per_class_f1={label: float(f) for label, f in zip(present, per_class, strict=True)},
        labels=tuple(present),
        confusion=tuple(tuple(int(v) for v in row) for row in matrix),
    )


def evaluate_file(path: Path, model: DetectorModel | None = None) -> EvalReport:
    """Read `path` (JSONL with "text" and "label", or COLD's "offensive" 0/1) and score it."""
    with Path(path).open("rb") as handle:
        first = next((line for line in handle if line.strip()), b"")
    try:
        head = orjson.loads(first) if first else {}
        has_label = isinstance(head, dict) and "label" in head
    except orjson.JSONDecodeError as exc:
        raise InputError(f"{path}:1: not valid JSON: {exc}") from exc
    if has_label:
        rows = read_labelled(path)
    else:
        raw = read_labelled(path, label_field="offensive")
        rows = [
            LabelledText(r.text, "offensive" if r.label in {"1", "True"} else "non_offensive") for r in raw
        ]
    return evaluate_rows(rows, model)


def format_report(report: EvalReport) -> str:
    """Plain-text report: header line, per-class F1 lines and the confusion matrix."""
    width = max(len(label) for label in report.labels) + 2
    lines = [
        f"scheme={report.scheme} n={report.n} accuracy={report.accuracy:.4f} macro_f1={report.macro_f1:.4f}",
        *(f"  f1 {label:<{width}}{f1:.4f}" for label, f1 in report.per_class_f1.items()),
        "confusion (rows = truth, columns = predicted):",
        " " * width + "".join(f"{label[:10]:>11}" for label in report.labels),
        *(
            f"{label:<{width}}" + "".join(f"{v:>11}" for v in row)
            for label, row in zip(report.labels, report.confusion, strict=True)
        ),
    ]
    return "\n".join(lines)
