"""Properties over arbitrary Unicode: no exceptions, offsets inside the text, idempotence."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lianfang.indicators.extract import extract_with_rejections
from lianfang.text.normalize import normalize

# Text biased towards the characters the rules care about, plus anything else Unicode has.
_TRICKY = st.sampled_from(list("0123456789１２３①❶⑴零一二三壹贰幺两 -.。点[]()@:：微薇信vVxXQq扣企鹅飞机TtGg"
                               "\u200b\ufe0f\u20e3/\\_éa\u0301\u1100\u1161㈠…ﬁ"))
TEXT = st.text(alphabet=st.one_of(st.characters(), _TRICKY), max_size=120)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_extraction_never_raises_and_offsets_hold(text: str) -> None:
    found, rejected = extract_with_rejections(text)
    for item in [*found, *rejected]:
        assert 0 <= item.start <= item.end <= len(text)
        assert text[item.start:item.end] == item.raw


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_normalisation_is_idempotent_and_maps_inside(text: str) -> None:
    norm = normalize(text)
    assert normalize(norm.text).text == norm.text
    for i in range(len(norm.text)):
        start, end = norm.original_span(i, i + 1)
        assert 0 <= start <= end <= len(text)


@settings(max_examples=3, deadline=None)
@given(st.sampled_from(["1" * 1_000_000, "a." * 500_000, "微信:" + "a-" * 499_998, "１ " * 500_000,
                        "QQ" + "1 " * 499_999, ("x@" + "a." * 60) * 8000]))
def test_megabyte_inputs(text: str) -> None:
    found, rejected = extract_with_rejections(text)
    for item in found[:100]:
        assert text[item.start:item.end] == item.raw
