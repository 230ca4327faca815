"""The pure core: text in, analysis out. No I/O here; edges (API, CLI, batch) call `analyze`."""

from __future__ import annotations

from dataclasses import dataclass

from lianfang.detect.classification import Classification
from lianfang.detect.model import classify
from lianfang.indicators.extract import extract_with_rejections
from lianfang.indicators.model import Indicator, Rejected


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything Lianfang derives from one text; indicator offsets index the original text."""

    text: str
    indicators: tuple[Indicator, ...]
    rejected: tuple[Rejected, ...]
    classification: Classification


def analyze(text: str) -> Analysis:
    """Extract validated indicators and classify `text`; pure and deterministic."""
    found, rejected = extract_with_rejections(text)
    return Analysis(
        text=text,
        indicators=tuple(found),
        rejected=tuple(rejected),
        classification=classify(text),
    )
