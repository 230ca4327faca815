"""Phone family: mobiles and landlines of mainland China, with the usual decoys."""

from __future__ import annotations

import pytest

from lianfang.indicators.extract import extract
from lianfang.taxonomy import IndicatorType


def phones(text: str) -> list[str]:
    return [i.value for i in extract(text) if i.type is IndicatorType.PHONE]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("联系电话13800138000", "+8613800138000"),
        ("手机 +86 139 1234 5678", "+8613912345678"),
        ("tel:008618612345678", "+8618612345678"),
        ("电话：0755-82345678", "+8675582345678"),
        ("座机 (010) 62345678", "+861062345678"),
        ("客服热线 02188886666", "+862188886666"),
        ("手机：173.6923.0138（同微信）", "+8617369230138"),
    ],
)
def test_valid_numbers(text: str, value: str) -> None:
    assert phones(text) == [value]


@pytest.mark.parametrize(
    "text",
    [
        "订单号13800138000已发货",  # order number
        "快递单号 13912345678 请查收",
        "时间戳1700000000123",  # 13-digit timestamp
        "价格13800元",  # price
        "12345678901",  # not an assigned mobile prefix (12x)
        "075582345678",  # bare 12 digits: no shape, no cue
        "https://a.com/x?id=13800138000",  # inside a URL
        "abc13800138000",  # glued to a word: an ID
        "1380013800012",  # longer digit run
        "2024-10-04 12:00 开奖",  # date
    ],
)
def test_decoys_are_not_phones(text: str) -> None:
    assert phones(text) == []


def test_offsets_index_original_text() -> None:
    text = "电话：１３８ ００１３ ８０００"
    (item,) = extract(text)
    assert text[item.start:item.end] == item.raw == "１３８ ００１３ ８０００"
