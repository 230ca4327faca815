"""Char n-gram TF-IDF rows from a fitted vocabulary, without scikit-learn at prediction time.

The detector is fitted with scikit-learn's `TfidfVectorizer`; what prediction needs of it (the
vocabulary, the idf weights, the n-gram range) is kept in a `CharTfidf`. `TfidfVectorizer.transform`
validates its input and output on every call and counts n-grams in a Python loop (about 4 ms
for one 1,000-character text, most of a page inspection's detector time), and importing
scikit-learn costs about 1.3 s of a fresh process's model load. Here the n-grams are counted by
`collections.Counter` (C) and only the distinct ones are looked up; the weighting is the
vectorizer's own (sublinear tf, idf, l2 norm), so the rows equal `vectorizer.transform(docs)`
up to float32 rounding (tests/detect/test_tfidf.py).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

__all__ = ["CharTfidf", "char_ngrams"]

# scikit-learn's char analyzer first squeezes every run of two or more blanks to one space.
_WHITE_SPACES = re.compile(r"\s\s+")


def char_ngrams(text: str, n_min: int, n_max: int) -> list[str]:
    """The char n-grams scikit-learn's `analyzer="char"` yields for `text`, in the same order."""
    text = _WHITE_SPACES.sub(" ", text)
    grams = list(text) if n_min == 1 else []
    for n in range(max(n_min, 2), min(n_max, len(text)) + 1):
        grams += [text[i : i + n] for i in range(len(text) - n + 1)]
    return grams


@dataclass(frozen=True, slots=True)
class CharTfidf:
    """A fitted char n-gram TF-IDF table: n-gram -> column, idf per column (l2-normalised rows)."""

    vocabulary: dict[str, int]
    idf: np.ndarray
    ngram_range: tuple[int, int]
    sublinear_tf: bool = True

    @classmethod
    def of(cls, vectorizer: Any) -> CharTfidf:
        """The table of a fitted scikit-learn `TfidfVectorizer(analyzer="char", lowercase=False)`."""
        n_min, n_max = vectorizer.ngram_range
        return cls(dict(vectorizer.vocabulary_), vectorizer.idf_, (n_min, n_max), vectorizer.sublinear_tf)

    def rows(self, docs: Sequence[str]) -> sp.csr_matrix:
        """One float32 TF-IDF row per text (what `TfidfVectorizer.transform` gives)."""
        lookup = self.vocabulary.get
        n_min, n_max = self.ngram_range
        columns: list[int] = []
        counts: list[int] = []
        sizes: list[int] = []
        for doc in docs:
            counted = Counter(char_ngrams(doc, n_min, n_max))
            columns += [lookup(gram, -1) for gram in counted]
            counts += counted.values()
            sizes.append(len(counted))
        rows = np.repeat(np.arange(len(docs)), sizes)
        column = np.asarray(columns, dtype=np.int64)
        known = column >= 0
        rows, column, count = rows[known], column[known], np.asarray(counts, dtype=np.float64)[known]
        order = np.lexsort((column, rows))  # CSR wants each row's columns in ascending order
        rows, column, count = rows[order], column[order], count[order]
        tf = np.log(count) + 1.0 if self.sublinear_tf else count
        weights = tf * self.idf[column]
        norms = np.sqrt(np.bincount(rows, weights=weights * weights, minlength=len(docs)))
        norms[norms == 0] = 1.0
        indptr = np.r_[0, np.cumsum(np.bincount(rows, minlength=len(docs)))]
        data = (weights / norms[rows]).astype(np.float32)
        return sp.csr_matrix((data, column, indptr), shape=(len(docs), len(self.idf)))
