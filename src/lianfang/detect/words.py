"""Words for the detector's word n-gram block.

Words carry what character n-grams split apart or cannot reach: a pair of words as one feature
(`返利`+`平台`, `代理`+`招募`) and words longer than four characters (`中华人民共和国`).
Segmentation is jieba's dictionary and max-probability route with the HMM off (only dictionary
words and single characters), computed by `rjieba`, the Rust port: the same words as the
Python `jieba` on every ChineseHarm and COLD dev text, about ten times faster, and its
dictionary is built in the import (0.16 s) instead of 1-2 s. Python jieba's 3-5 ms per 1,000
characters would have doubled the detector's time on a web page.

`WordCoder.encode` writes each word as one code point (the vocabulary's words from U+10001 on,
any other word U+10000: no whitespace up there, so scikit-learn's char analyzer and `CharTfidf`
take it as it is), which lets the char n-gram TF-IDF code count word 1-2-grams unchanged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import repeat

import numpy as np
import rjieba

__all__ = ["WordCoder"]

_OTHER = chr(0x10000)  # every word outside the vocabulary
_FIRST = 0x10001
# jieba gives each blank (and "\r\n") as a word of its own; they encode to nothing.
_BLANKS = {c: "" for c in map(chr, range(0x3001)) if c.isspace()} | {"\r\n": ""}


def segment(folded: str) -> list[str]:
    """jieba words of `folded` (HMM off), blanks dropped."""
    return [w for w in rjieba.cut(folded, hmm=False) if not w.isspace()]


@dataclass(frozen=True, slots=True)
class WordCoder:
    """The word vocabulary (`words`, sorted) and the one-code-point-per-word encoding it gives."""

    words: np.ndarray
    _codes: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        codes = {w: chr(_FIRST + i) for i, w in enumerate(self.words.tolist())}
        object.__setattr__(self, "_codes", codes | _BLANKS)

    @classmethod
    def fit(cls, folded_texts: Iterable[str], min_df: int = 2) -> WordCoder:
        """Keep the words found in at least `min_df` of `folded_texts`."""
        df: Counter[str] = Counter()
        for text in folded_texts:
            df.update(set(segment(text)))
        return cls(np.array(sorted(w for w, n in df.items() if n >= min_df), dtype=str))

    def encode(self, folded: str) -> str:
        """`folded` as one code point per word; words outside the vocabulary share one code."""
        return "".join(map(self._codes.get, rjieba.cut(folded, hmm=False), repeat(_OTHER)))

    def encode_many(self, folded: Sequence[str]) -> list[str]:
        """`encode` for each text."""
        return [self.encode(t) for t in folded]
