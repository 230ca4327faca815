"""The extraction entry points: ordering, de-duplication, rejections, lianfang.extract."""

from __future__ import annotations

import lianfang
from lianfang.indicators.extract import extract, extract_with_rejections
from lianfang.indicators.model import Indicator


def test_public_api_and_ordering() -> None:
    text = "网址 https://a-b.com/x 电话13800138000 QQ：12345678"
    items = lianfang.extract(text)
    assert items == extract(text)
    assert all(isinstance(i, Indicator) for i in items)
    assert [i.start for i in items] == sorted(i.start for i in items)
    assert len({(i.type, i.value, i.start) for i in items}) == len(items)
    for i in items:
        assert text[i.start:i.end] == i.raw


def test_numbers_inside_urls_belong_to_the_url() -> None:
    types = {i.type.value for i in extract("https://x-y.com/register?site_id=2228&tel=13800138000")}
    assert types == {"url", "domain"}


def test_rejections_carry_offsets() -> None:
    text = "身份证 110105194912310021"
    found, rejected = extract_with_rejections(text)
    assert found == []
    (bad,) = rejected
    assert text[bad.start:bad.end] == bad.raw


def test_plain_text_has_nothing() -> None:
    assert extract("今天天气不错，我们去公园散步吧。2024年5月12日，共3人，花费120.5元。") == []
