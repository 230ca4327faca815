"""The pure core: text in, analysis out. No I/O here; edges (API, CLI, batch) call `analyze`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lianfang.detect.classification import Classification
from lianfang.detect.model import classify_many_normalized
from lianfang.errors import InputError
from lianfang.indicators.extract import extract_normalized
from lianfang.indicators.model import Indicator, Rejected
from lianfang.text.normalize import normalize


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything Lianfang derives from one text; indicator offsets index the original text."""

    text: str
    indicators: tuple[Indicator, ...]
    rejected: tuple[Rejected, ...]
    classification: Classification


def analyze(text: str) -> Analysis:
    """Extract validated indicators and classify `text`; pure and deterministic."""
    return analyze_many([text])[0]


def analyze_many(texts: Sequence[str]) -> list[Analysis]:
    """`analyze` for a batch, in order; same results, but the classifier runs once over the batch.

    Each text is normalised once and the result feeds both extraction and the classifier.
    Per-call overhead of the vectorisers dominates one-text classification, so bulk intake
    should use this form. Raises InputError for a non-str item.
    """
    for text in texts:
        if not isinstance(text, str):
            raise InputError(f"analyze expects str, got {type(text).__name__}")
    norms = [normalize(t) for t in texts]
    classifications = classify_many_normalized(norms)
    out = []
    for text, norm, classification in zip(texts, norms, classifications, strict=True):
        found, rejected = extract_normalized(norm)
        out.append(Analysis(text=text, indicators=tuple(found), rejected=tuple(rejected),
                            classification=classification))
    return out
