"""CharTfidf must give the rows scikit-learn's TfidfVectorizer.transform gives."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from lianfang.detect.tfidf import CharTfidf, char_ngrams

CORPUS = [
    "加微信领红包，日赚三百",
    "今天天气不错，我们去公园散步吧",
    "博彩 平台  注册送 888",
    "刷单返利，先垫付后返佣金",
    "hello  world\t\tagain",
    "开盒 代骂 短信轰炸 联系我",
]


def _fitted(sublinear: bool) -> TfidfVectorizer:
    vectorizer = TfidfVectorizer(
        analyzer="char", ngram_range=(1, 4), sublinear_tf=sublinear, lowercase=False, dtype=np.float32
    )
    return vectorizer.fit(CORPUS)


@pytest.mark.parametrize("sublinear", [True, False])
def test_rows_equal_sklearn_on_known_and_unseen_texts(sublinear: bool) -> None:
    vectorizer = _fitted(sublinear)
    docs = [*CORPUS, "完全没见过的句子", "", "   ", "微信微信微信 888 888"]
    expected = vectorizer.transform(docs).toarray()
    got = CharTfidf.of(vectorizer).rows(docs)
    assert got.shape == expected.shape
    assert got.dtype == np.float32
    np.testing.assert_allclose(got.toarray(), expected, atol=1e-6)
    got.check_format(full_check=True)  # sorted, in-range column indices per row


def test_no_docs_give_an_empty_matrix() -> None:
    vectorizer = _fitted(True)
    assert CharTfidf.of(vectorizer).rows([]).shape == (0, len(vectorizer.idf_))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="加微信红包博彩 \t\n　ab1", max_size=40))
def test_ngrams_and_rows_match_sklearn_on_any_text(text: str) -> None:
    vectorizer = _fitted(True)
    assert char_ngrams(text, 1, 4) == vectorizer.build_analyzer()(text)
    np.testing.assert_allclose(
        CharTfidf.of(vectorizer).rows([text]).toarray(), vectorizer.transform([text]).toarray(), atol=1e-6
    )


def test_classifying_does_not_import_scikit_learn() -> None:
    # scikit-learn's import is most of a fresh process's model load; only training needs it.
    probe = "import sys, lianfang; lianfang.classify('加微信领红包'); print('sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
