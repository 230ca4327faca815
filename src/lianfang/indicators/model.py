"""The record every indicator family yields."""

from __future__ import annotations

from dataclasses import dataclass

from lianfang.taxonomy import IndicatorType


@dataclass(frozen=True, slots=True)
class Indicator:
    """A validated indicator; `start`/`end` index the ORIGINAL text and `raw` == text[start:end]."""

    type: IndicatorType
    value: str
    start: int
    end: int
    raw: str


@dataclass(frozen=True, slots=True)
class Rejected:
    """A candidate that looked like an indicator but failed validation (bad checksum, bad date, ...)."""

    type: IndicatorType
    raw: str
    start: int
    end: int
    reason: str
