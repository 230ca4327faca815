"""The pipeline normalises once and hands the result to extraction and the classifier."""

from __future__ import annotations

import pytest

from lianfang.detect.model import classify_many, classify_many_normalized
from lianfang.errors import InputError
from lianfang.indicators.extract import extract_with_rejections
from lianfang.pipeline import analyze, analyze_many
from lianfang.text.normalize import normalize

TEXTS = [
    "刷单返利，日结300元，加薇信 abc12345 或扣扣①②③④⑤⑥⑦⑧",
    "ＶＸ：ｌｉｕ８８８８，飞机 @dragon_pay，网址 www。example。top",
    "我被骗了，对方银行卡 6222 0212 3456 7890 128，电话一三八一二三四五六七八",
    "今天天气很好，我们去公园散步吧。客服电话 95588",
    "",
    "博彩平台 http://bet-win.vip/reg?code=777 首充送100%",
]


def test_analyze_many_matches_the_separate_stages() -> None:
    results = analyze_many(TEXTS)
    for text, result, classification in zip(TEXTS, results, classify_many(TEXTS), strict=True):
        found, rejected = extract_with_rejections(text)
        assert result.text == text
        assert result.indicators == tuple(found)
        assert result.rejected == tuple(rejected)
        assert result.classification == classification
    assert any(r.indicators for r in results)  # the fixture texts do carry indicators


def test_analyze_is_analyze_many_of_one() -> None:
    assert [analyze(t) for t in TEXTS] == analyze_many(TEXTS)


def test_classify_many_normalized_matches_classify_many() -> None:
    assert classify_many_normalized([normalize(t) for t in TEXTS]) == classify_many(TEXTS)
    assert classify_many_normalized([]) == []


def test_non_str_input_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="expects str"):
        analyze_many(["ok", b"bytes"])  # type: ignore[list-item]
