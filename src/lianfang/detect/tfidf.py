"""Char n-gram TF-IDF rows from a fitted vocabulary, without scikit-learn at prediction time.

The detector is fitted with scikit-learn's `TfidfVectorizer`; what prediction needs of it (the
n-grams of the columns, the idf weights, the n-gram range) is kept in a `CharTfidf`.
`TfidfVectorizer.transform` validates its input and output on every call and counts n-grams in a
Python loop (about 4 ms for one 1,000-character text), and importing scikit-learn costs about
1.3 s of a fresh process's model load. Here the n-grams are counted with numpy: every character
of the vocabulary gets a small code, in code point order, and an n-gram becomes one integer key
of its codes side by side, left-aligned, so that key order is string order and a shorter n-gram
sorts before its extensions. A batch of texts is one array of codes (texts joined by a code that
no vocabulary n-gram holds), counting is `np.unique` over keys that carry the text's index in
their spare high bits, and lookup is `np.searchsorted` in the vocabulary's sorted keys. The
weighting is the vectorizer's own (sublinear tf, idf, l2 norm), so the rows equal
`vectorizer.transform(docs)` up to float32 rounding (tests/detect/test_tfidf.py).

Rows come as `SparseRows`, a bare CSR layout: scipy's constructors check their input on every
call, which costs more than the products themselves for one text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

__all__ = ["CharTfidf", "SparseRows"]

# scikit-learn's char analyzer first squeezes every run of two or more blanks to one space.
_WHITE_SPACES = re.compile(r"\s\s+")
_KEY_BITS = 64


@dataclass(frozen=True, slots=True)
class SparseRows:
    """A float32 matrix in CSR layout: row r holds `data[indptr[r]:indptr[r + 1]]` at `indices[...]`.

    Within a row the column indices ascend, as scipy's canonical CSR has them.
    """

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    width: int

    @property
    def height(self) -> int:
        """Number of rows."""
        return len(self.indptr) - 1

    def csr(self) -> sp.csr_matrix:
        """The same matrix as a scipy CSR matrix (for training, which hands it to scikit-learn)."""
        return sp.csr_matrix((self.data, self.indices, self.indptr), shape=(self.height, self.width))

    def dot(self, weights: np.ndarray) -> np.ndarray:
        """`self @ weights` for a dense (width, k) array, as scipy computes it.

        Each row's products are summed one after another in column order, the order of scipy's
        CSR kernel, so float32 results equal scipy's bit for bit.
        """
        out = np.zeros((self.height, weights.shape[1]), dtype=np.result_type(self.data, weights))
        terms = weights[self.indices] * self.data[:, None]
        # numpy's sums and reduceat add pairwise; a cumulative sum is the one sequential sum.
        for row in np.flatnonzero(np.diff(self.indptr)):
            out[row] = np.cumsum(terms[self.indptr[row] : self.indptr[row + 1]], axis=0)[-1]
        return out

    def scaled(self, factor: float) -> SparseRows:
        """The same rows times `factor`."""
        return SparseRows(self.indptr, self.indices, self.data * np.float32(factor), self.width)

    @classmethod
    def side_by_side(cls, blocks: Sequence[SparseRows]) -> SparseRows:
        """The blocks' columns one after the other (what `scipy.sparse.hstack` gives); same heights."""
        height = blocks[0].height
        offsets = np.cumsum([0] + [b.width for b in blocks[:-1]])
        rows = np.concatenate([np.repeat(np.arange(height), np.diff(b.indptr)) for b in blocks])
        order = np.argsort(rows, kind="stable")  # each row: the first block's entries, then the next
        indices = np.concatenate([b.indices + offset for b, offset in zip(blocks, offsets, strict=True)])
        data = np.concatenate([b.data for b in blocks])
        indptr = np.sum([b.indptr for b in blocks], axis=0)
        return cls(indptr, indices[order], data[order], int(sum(b.width for b in blocks)))


@dataclass(frozen=True, slots=True)
class CharTfidf:
    """A fitted char n-gram TF-IDF table: the n-gram of each column, idf per column (l2-normalised rows).

    `terms` is a numpy str array, so an n-gram cannot end in NUL (numpy drops trailing NULs);
    `of` refuses vocabularies holding NUL. Raises ValueError when the vocabulary has too many
    distinct characters for its n-grams to fit a 64-bit key with a bit to spare.
    """

    terms: np.ndarray
    idf: np.ndarray
    ngram_range: tuple[int, int]
    sublinear_tf: bool = True
    # Derived lookup: code of each code point (the last entry stands for all above), bits per
    # code, the vocabulary's keys sorted, and the column of each sorted key.
    _codes: np.ndarray = field(init=False, repr=False, compare=False)
    _bits: int = field(init=False, repr=False, compare=False)
    _keys: np.ndarray = field(init=False, repr=False, compare=False)
    _columns: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        n_max = self.ngram_range[1]
        chars = (
            np.ascontiguousarray(self.terms, dtype=f"<U{n_max}").view("<u4").reshape(len(self.terms), n_max)
        )
        present = np.zeros(int(chars.max(initial=0)) + 2, dtype=bool)
        present[chars] = True
        present[0] = False  # padding of n-grams shorter than n_max, not a character
        alphabet = np.flatnonzero(present)
        bits = (len(alphabet) + 1).bit_length()  # codes 1..len(alphabet); all ones = no n-gram's
        if bits * n_max >= _KEY_BITS:
            raise ValueError(f"{len(alphabet)} distinct characters: {n_max}-grams do not fit a 64-bit key")
        codes = np.full(len(present), (1 << bits) - 1, dtype=np.uint64)
        codes[alphabet] = np.arange(1, len(alphabet) + 1, dtype=np.uint64)
        codes[0] = 0
        keys = np.zeros(len(self.terms), dtype=np.uint64)
        for position in range(n_max):
            keys = (keys << np.uint64(bits)) | codes[chars[:, position]]
        codes[0] = codes[-1]  # NUL in a text: no n-gram holds it, and it joins the texts of a batch
        order = np.argsort(keys, kind="stable")
        object.__setattr__(self, "_codes", codes)
        object.__setattr__(self, "_bits", bits)
        object.__setattr__(self, "_keys", keys[order])
        object.__setattr__(self, "_columns", order)

    @classmethod
    def of(cls, vectorizer: Any) -> CharTfidf:
        """The table of a fitted scikit-learn `TfidfVectorizer(analyzer="char", lowercase=False)`.

        Raises ValueError when an n-gram holds NUL (see the class) or the characters are too many.
        """
        vocabulary: dict[str, int] = vectorizer.vocabulary_
        if any("\0" in term for term in vocabulary):
            raise ValueError("a vocabulary n-gram holds NUL, which a numpy str array cannot keep")
        n_min, n_max = vectorizer.ngram_range
        terms = np.array(sorted(vocabulary, key=vocabulary.__getitem__), dtype=f"<U{n_max}")
        return cls(terms, vectorizer.idf_, (n_min, n_max), vectorizer.sublinear_tf)

    def rows(self, docs: Sequence[str]) -> SparseRows:
        """One float32 TF-IDF row per text (what `TfidfVectorizer.transform` gives)."""
        rows, columns, counts = self._counted(docs)
        tf = np.log(counts) + 1.0 if self.sublinear_tf else counts.astype(np.float64)
        weights = tf * self.idf[columns]
        norms = np.sqrt(np.bincount(rows, weights=weights * weights, minlength=len(docs)))
        norms[norms == 0] = 1.0
        indptr = np.r_[0, np.cumsum(np.bincount(rows, minlength=len(docs)))]
        data = (weights / norms[rows]).astype(np.float32)
        return SparseRows(indptr, columns, data, len(self.idf))

    def _counted(self, docs: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, column, count) of every vocabulary n-gram in `docs`, sorted by row, then column."""
        gram_bits = self._bits * self.ngram_range[1]
        # The text's index rides in the key's spare high bits, so batches go in chunks that fit them.
        chunk = 1 << (_KEY_BITS - gram_bits)
        found = [self._counted_chunk(docs[i : i + chunk], i, gram_bits) for i in range(0, len(docs), chunk)]
        if not found:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        rows, columns, counts = (np.concatenate(part) for part in zip(*found, strict=True))
        # Columns follow key order for scikit-learn's (alphabetical) vocabularies; sort for others.
        order = np.argsort(rows * len(self.idf) + columns, kind="stable")
        return rows[order], columns[order], counts[order]

    def _counted_chunk(
        self, docs: Sequence[str], first: int, gram_bits: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        squeezed = [_WHITE_SPACES.sub(" ", doc) for doc in docs]
        chars = np.frombuffer("\0".join(squeezed).encode("utf-32-le", "surrogatepass"), dtype="<u4")
        codes = self._codes[np.minimum(chars, len(self._codes) - 1)]
        lengths = np.array([len(doc) + 1 for doc in squeezed], dtype=np.int64)
        doc = np.repeat(np.arange(len(docs), dtype=np.uint64), lengths)[: len(codes)]
        n_min, n_max = self.ngram_range
        gram = doc << np.uint64(gram_bits)
        keys = []
        for n in range(1, n_max + 1):
            # An n-gram crossing into the next text holds the joining NUL and so matches nothing.
            size = max(len(codes) - n + 1, 0)
            gram = gram[:size] | (codes[n - 1 : n - 1 + size] << np.uint64(self._bits * (n_max - n)))
            if n >= n_min:
                keys.append(gram)
        distinct, counts = np.unique(np.concatenate(keys), return_counts=True)
        grams = distinct & np.uint64((1 << gram_bits) - 1)
        at = np.minimum(np.searchsorted(self._keys, grams), len(self._keys) - 1)
        known = self._keys[at] == grams if len(self._keys) else np.zeros(len(grams), dtype=bool)
        rows = (distinct[known] >> np.uint64(gram_bits)).astype(np.int64) + first
        return rows, self._columns[at[known]], counts[known]
