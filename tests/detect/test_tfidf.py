"""CharTfidf gives the rows TfidfVectorizer.transform gives; SparseRows computes what scipy does."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from lianfang.detect.tfidf import CharTfidf, SparseRows

CORPUS = [
    "加微信领红包，日赚三百",
    "今天天气不错，我们去公园散步吧",
    "博彩 平台  注册送 888",
    "刷单返利，先垫付后返佣金",
    "hello  world\t\tagain",
    "开盒 代骂 短信轰炸 联系我",
]
# Characters of the corpus, blanks, and ones no vocabulary n-gram holds (NUL, a lone surrogate,
# the highest code point).
ALPHABET = "加微信红包博彩 \t\n　ab1\0\ud800\U0010ffff"


def _fitted(sublinear: bool, ngram_range: tuple[int, int] = (1, 4)) -> TfidfVectorizer:
    vectorizer = TfidfVectorizer(
        analyzer="char", ngram_range=ngram_range, sublinear_tf=sublinear, lowercase=False, dtype=np.float32
    )
    return vectorizer.fit(CORPUS)


@pytest.mark.parametrize("sublinear", [True, False])
@pytest.mark.parametrize("ngram_range", [(1, 4), (2, 3), (1, 1)])
def test_rows_equal_sklearn_on_known_and_unseen_texts(sublinear: bool, ngram_range: tuple[int, int]) -> None:
    vectorizer = _fitted(sublinear, ngram_range)
    unseen = ["完全没见过的句子", "", "   ", "微信微信微信 888 888", "加\0微信", "加\udc00微信", "a", "ab"]
    docs = [*CORPUS, *unseen]
    expected = vectorizer.transform(docs).toarray()
    got = CharTfidf.of(vectorizer).rows(docs).csr()
    assert got.shape == expected.shape
    assert got.dtype == np.float32
    np.testing.assert_allclose(got.toarray(), expected, atol=1e-6)
    got.check_format(full_check=True)  # sorted, in-range column indices per row


def test_no_docs_give_an_empty_matrix() -> None:
    vectorizer = _fitted(True)
    assert CharTfidf.of(vectorizer).rows([]).csr().shape == (0, len(vectorizer.idf_))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=ALPHABET, max_size=40), min_size=1, max_size=4))
def test_rows_match_sklearn_on_any_texts_alone_or_batched(docs: list[str]) -> None:
    vectorizer = _fitted(True)
    table = CharTfidf.of(vectorizer)
    expected = vectorizer.transform(docs).toarray()
    np.testing.assert_allclose(table.rows(docs).csr().toarray(), expected, atol=1e-6)
    # A text's row does not depend on its neighbours in the batch (they are joined by NUL).
    alone = [table.rows([doc]) for doc in docs]
    batched = table.rows(docs)
    for r, row in enumerate(alone):
        start, end = batched.indptr[r], batched.indptr[r + 1]
        np.testing.assert_array_equal(batched.indices[start:end], row.indices)
        np.testing.assert_array_equal(batched.data[start:end], row.data)


def test_saved_terms_give_the_same_rows() -> None:
    vectorizer = _fitted(True)
    table = CharTfidf.of(vectorizer)
    again = CharTfidf(np.array(table.terms.tolist()), table.idf, table.ngram_range)
    docs = [*CORPUS, "微信微信 888"]
    np.testing.assert_array_equal(again.rows(docs).data, table.rows(docs).data)


def test_unsorted_vocabulary_gives_rows_in_column_order() -> None:
    # scikit-learn sorts its vocabulary; a given one keeps the caller's column order.
    vocabulary = {"信": 0, "加": 1, "微信": 2, "加微": 3, "a": 4}
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), lowercase=False, vocabulary=vocabulary)
    vectorizer.fit(CORPUS)
    docs = ["加微信 a", "信加", "a"]
    got = CharTfidf.of(vectorizer).rows(docs).csr()
    got.check_format(full_check=True)
    np.testing.assert_allclose(got.toarray(), vectorizer.transform(docs).toarray(), atol=1e-6)


def test_unsupported_vocabularies_are_refused() -> None:
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), lowercase=False).fit(["a\0b", "a\0b"])
    with pytest.raises(ValueError, match="NUL"):
        CharTfidf.of(vectorizer)
    many = np.array([chr(0x4E00 + i) for i in range(1 << 16)])
    with pytest.raises(ValueError, match="64-bit"):
        CharTfidf(many, np.ones(len(many)), (1, 4))


def _random_rows(rng: np.random.Generator, height: int, width: int) -> SparseRows:
    dense = rng.random((height, width), dtype=np.float32) * (rng.random((height, width)) < 0.3)
    dense[rng.random(height) < 0.3] = 0.0  # some empty rows
    matrix = sp.csr_matrix(dense)
    return SparseRows(matrix.indptr, matrix.indices, matrix.data, width)


def test_sparse_rows_dot_and_stack_equal_scipy_bit_for_bit() -> None:
    rng = np.random.default_rng(0)
    blocks = [_random_rows(rng, 9, width) for width in (40, 7, 300)]
    stacked = SparseRows.side_by_side(blocks)
    expected = sp.hstack([b.csr() for b in blocks], format="csr")
    np.testing.assert_array_equal(stacked.csr().toarray(), expected.toarray())
    stacked.csr().check_format(full_check=True)
    weights = rng.standard_normal((stacked.width, 5)).astype(np.float32)
    # Bit for bit: scipy adds a row's products in column order, and so must dot.
    np.testing.assert_array_equal(stacked.dot(weights), expected @ weights)
    np.testing.assert_array_equal(stacked.dot(weights[:, :1]).ravel(), expected @ weights[:, 0])


def test_classifying_does_not_import_scikit_learn() -> None:
    # scikit-learn's import is most of a fresh process's model load; only training needs it.
    probe = "import sys, lianfang; lianfang.classify('加微信领红包'); print('sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
