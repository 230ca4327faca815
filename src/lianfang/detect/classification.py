"""The record the detector returns for one text."""

from __future__ import annotations

from dataclasses import dataclass, field

from lianfang.taxonomy import Category, Stage


@dataclass(frozen=True, slots=True)
class Classification:
    """Category with per-category probabilities, chain stage, fraud sub-type and the rule ids that fired."""

    label: Category
    scores: dict[str, float] = field(default_factory=dict)
    stage: Stage | None = None
    subtype: str | None = None
    rules: tuple[str, ...] = ()
