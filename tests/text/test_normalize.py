"""Normalisation: every evasion trick folds, offsets map back, the result is a fixed point."""

from __future__ import annotations

import pytest

from lianfang.text.normalize import normalize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("１３８００１３８０００", "13800138000"),  # full-width digits
        ("①⑤⑤⑤①⑤⑤①⑧②⑥", "15551551826"),  # circled
        ("❶❸❽➊➋⓵", "138121"),  # negative circled, dingbat, double circled
        ("⑴⑵⒊", "123"),  # parenthesised and digit-full-stop
        ("𝟏𝟑𝟖", "138"),  # mathematical digits
        ("壹叁捌零零壹叁捌零零零", "13800138000"),
        ("幺三八两零零幺三八零零", "13820013800"),
        ("1三8零0138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("1\u200b3\u200c8\u200d0\ufeff0138000", "13800138000"),  # zero-width noise
        ("1️⃣3️⃣8️⃣", "138"),  # keycaps
        ("138🍊0013🍊8000", "13800138000"),  # emoji inside a number
        ("電報飛機", "电报飞机"),  # traditional -> simplified
        ("薇信", "微信"),
        ("V信", "微信"),
        ("vx：abc", "微信:abc"),
        ("扣扣", "QQ"),
        ("🐧", "QQ"),
        ("纸飞机", "telegram"),
        ("yl1018点vip", "yl1018.vip"),
        ("abc[.]com", "abc.com"),
        ("abc(.)com", "abc.com"),
        ("abc。com", "abc.com"),
        ("abc dot com", "abc.com"),
        ("abc．com", "abc.com"),
        ("➕V", "+V"),
    ],
)
def test_tricks_fold(raw: str, expected: str) -> None:
    assert normalize(raw).text == expected


@pytest.mark.parametrize(
    "raw",
    [
        "3点30分",  # a time, not a defanged dot
        "一一",  # numerals as words stay words
        "三三两两",
        "3-5位数",  # ranges stay
        "2024-10-04 12:00",  # dates stay
        "价格 1.5 元",
        "wx0199865",  # cue letters inside an ID stay
        "https://a.com/?from=qq",  # and inside a URL
        "tz.wx-abc.com",
    ],
)
def test_innocent_text_kept(raw: str) -> None:
    assert normalize(raw).text == raw


def test_two_long_numbers_stay_apart() -> None:
    assert normalize("QQ 12345678 87654321").text == "QQ 12345678 87654321"
    assert normalize("张三 17740836196 330106199211012871").text == "张三 17740836196 330106199211012871"


def test_id_card_layout_joins() -> None:
    assert normalize("430104 20021010 8464").text == "430104200210108464"


def test_dotted_groups_join_but_ips_and_prices_do_not() -> None:
    assert normalize("182.7822.7436").text == "18278227436"
    assert normalize("192.168.100.200").text == "192.168.100.200"
    assert normalize("1.5").text == "1.5"


def test_offsets_map_back_to_original() -> None:
    raw = "加薇信：bsa-ri8 电话 １３８ ００１３ ８０００ 完"
    norm = normalize(raw)
    start = norm.text.index("13800138000")
    ostart, oend = norm.original_span(start, start + 11)
    assert raw[ostart:oend] == "１３８ ００１３ ８０００"
    wx = norm.text.index("bsa-ri8")
    assert raw[slice(*norm.original_span(wx, wx + 7))] == "bsa-ri8"


def test_offsets_of_expansions_and_deletions() -> None:
    raw = "a\u200bb㈠c"  # deletion, then one char expanding to three
    norm = normalize(raw)
    assert norm.text == "ab(一)c"
    assert norm.original_span(0, 2) == (0, 3)
    assert norm.original_span(2, 5) == (3, 4)
    assert norm.original_span(5, 6) == (4, 5)


def test_original_span_rejects_out_of_range() -> None:
    with pytest.raises(ValueError):
        normalize("abc").original_span(2, 9)


@pytest.mark.parametrize("raw", ["e\u0301", "\u1100\u1161", "a\ud800b飛", "ﬁ…", "", "㍻"])
def test_odd_unicode_is_idempotent(raw: str) -> None:
    once = normalize(raw).text
    assert normalize(once).text == once
