"""TF-IDF rows of a fitted char n-gram `TfidfVectorizer`, without scikit-learn's per-call overhead.

`TfidfVectorizer.transform` validates its input and output on every call and counts n-grams in
a Python loop: about 4 ms for one 1,000-character text, most of a page inspection's detector
time. Here the n-grams are counted by `collections.Counter` (C) and only the distinct ones are
looked up; the weighting is the vectorizer's own (sublinear tf, idf, l2 norm), so the rows
equal `vectorizer.transform(docs)` up to float32 rounding (tests/detect/test_tfidf.py).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

__all__ = ["char_ngrams", "tfidf_rows"]

# scikit-learn's char analyzer first squeezes every run of two or more blanks to one space.
_WHITE_SPACES = re.compile(r"\s\s+")


def char_ngrams(text: str, n_min: int, n_max: int) -> list[str]:
    """The char n-grams scikit-learn's `analyzer="char"` yields for `text`, in the same order."""
    text = _WHITE_SPACES.sub(" ", text)
    grams = list(text) if n_min == 1 else []
    for n in range(max(n_min, 2), min(n_max, len(text)) + 1):
        grams += [text[i : i + n] for i in range(len(text) - n + 1)]
    return grams


def tfidf_rows(vectorizer: TfidfVectorizer, docs: Sequence[str]) -> sp.csr_matrix:
    """`vectorizer.transform(docs)` for a fitted char n-gram vectorizer (lowercase=False, norm l2)."""
    vocabulary: dict[str, int] = vectorizer.vocabulary_
    lookup = vocabulary.get
    n_min, n_max = vectorizer.ngram_range
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
    tf = np.log(count) + 1.0 if vectorizer.sublinear_tf else count
    weights = tf * vectorizer.idf_[column]
    norms = np.sqrt(np.bincount(rows, weights=weights * weights, minlength=len(docs)))
    norms[norms == 0] = 1.0
    indptr = np.r_[0, np.cumsum(np.bincount(rows, minlength=len(docs)))]
    data = (weights / norms[rows]).astype(np.float32)
    return sp.csr_matrix((data, column, indptr), shape=(len(docs), len(vectorizer.idf_)))
