"""联防 Lianfang: joint defence against China's online black/gray industry.

Public face: `extract`, `classify`, `analyze` and their records. Imports are lazy so that
`import lianfang` stays cheap for the CLI and workers that need only one part.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["Analysis", "Classification", "Indicator", "analyze", "classify", "extract"]
__version__ = "0.1.0"

if TYPE_CHECKING:
    from lianfang.detect.classification import Classification
    from lianfang.detect.model import classify
    from lianfang.indicators.extract import extract
    from lianfang.indicators.model import Indicator
    from lianfang.pipeline import Analysis, analyze

_WHERE = {
    "Analysis": "lianfang.pipeline",
    "analyze": "lianfang.pipeline",
    "Classification": "lianfang.detect.classification",
    "classify": "lianfang.detect.model",
    "extract": "lianfang.indicators.extract",
    "Indicator": "lianfang.indicators.model",
}


def __getattr__(attr: str) -> Any:
    if attr not in _WHERE:
        raise AttributeError(f"module 'lianfang' has no attribute {attr!r}")
    import importlib

    return getattr(importlib.import_module(_WHERE[attr]), attr)
