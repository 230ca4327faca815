"""`finditer_from` and the fast gates must find exactly what the plain patterns find."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lianfang.indicators import finance, identity, im, net, phone
from lianfang.text import normalize as norm_module
from lianfang.text import scan as scan_module
from lianfang.text.scan import (
    finditer_from,
    finditer_near,
    finditer_skipping,
    has_digit_run,
    has_spaced_groups,
)

# Text biased towards what the patterns care about: cue words, digits, dots, blanks, links.
_PIECES = st.sampled_from([
    "微信", "薇信", "vx", "wx", "V", "v:", "加", "我", "QQ", "qq", "Q", "企鹅", "🐧", "telegram", "TG", "tg",
    "飞机", "电报", "纸飞机", "✈", "t.me/", "https://", "http://", "www.", "WWW.", "h", "w", "t", "T",
    "点", "點", "。", "[.]", "(.)", "{dot}", " dot ", " DOT ", "【点】", ".", " . ", ". ", " ", "\n",
    "\u3000",
    "com", "top", "cc", "abc", "a1", "_", "-", "@", "0x", "1", "13800138000", "0571-", "88880123", "一",
    "二三四五", "6222021234567890123", "110101199003071234", "TJ3uXxZ1234567890abcdefghijkmnopqr",
    "庄家", "中文", "的", "12345678", "号", ":", "：", "是", "号码",
])
# Mostly pieces (so cues meet numbers and handles), sometimes any character at all.
TEXT = st.lists(st.one_of(_PIECES, _PIECES, _PIECES, st.characters()), max_size=30).map("".join)

_ANCHORED: list[tuple[str, re.Pattern[str], re.Pattern[str], int]] = [
    ("cues", norm_module._CUE_RE, norm_module._CUE_FIRST, 0),
    ("defang", norm_module._DEFANG, norm_module._DEFANG_AT, 1),
    ("spaced dot", norm_module._SPACED_DOT, norm_module._SPACED_DOT_AT, 1),
    ("defang or spaced dot", norm_module._DEFANG, norm_module._DOT_CANDIDATE, 1),
    ("spaced dot or defang", norm_module._SPACED_DOT, norm_module._DOT_CANDIDATE, 1),
    ("qq", im._QQ, im._QQ_FIRST, 0),
    ("wechat", im._WECHAT, im._WECHAT_FIRST, 0),
    ("telegram cue", im._TELEGRAM_CUE, im._TELEGRAM_FIRST, 0),
    ("telegram link", im.TELEGRAM_LINK, im._LINK_FIRST, 0),
]
# (name, fast scan, slow pattern): a match of the slow pattern implies a hit of the fast one.
_GATES: list[tuple[str, re.Pattern[str], re.Pattern[str]]] = [
    ("trc20", finance._TRC20_CORE, finance._TRC20),
    ("idn", net._IDN_CORE, net._IDN),
    ("dotted run", norm_module._DOTTED_GATE, norm_module._DOTTED_RUN),
    ("telegram link", im._LINK_GATE, im.TELEGRAM_LINK),
]
# (name, digits in a row every match holds, pattern) for has_digit_run.
_DIGIT_GATES: list[tuple[str, int, re.Pattern[str]]] = [
    ("card", finance.CARD_DIGITS, finance._CARD),
    ("id", identity.ID_DIGITS, identity._ID),
]
# (name, pieces one of which every match holds, pattern) for im.holds_any.
_PIECE_GATES: list[tuple[str, tuple[str, ...], re.Pattern[str]]] = [
    ("qq", im.QQ_PIECES, im._QQ),
    ("wechat", im.WECHAT_PIECES, im._WECHAT),
    ("telegram cue", im.TELEGRAM_PIECES, im._TELEGRAM_CUE),
]
# What `_collapsed` left alone before _RUN_SKIP took date-led runs out of its hands: the skip
# must pass over exactly the runs this matches at their start.
_DATE_LIKE = re.compile(r"(?:19|20)\d\d[-/.年](?:0?[1-9]|1[0-2])[-/.月](?:0?[1-9]|[12]\d|3[01])")


def _undated_runs(text: str) -> list[tuple[int, int]]:
    """Spans of the digit runs `_collapse_digit_runs` must see: every run not led by a date."""
    return [m.span() for m in norm_module._DIGIT_RUN.finditer(text) if not _DATE_LIKE.match(m.group())]


def _skipped_runs(text: str) -> list[tuple[int, int]]:
    return _spans(finditer_skipping(norm_module._DIGIT_RUN, norm_module._RUN_SKIP, text))


def _spans(matches: object) -> list[tuple[int, int]]:
    return [m.span() for m in matches]  # type: ignore[attr-defined]


# One line per way a match can begin, so that a `first` class missing a character fails here.
_KNOWN = [
    "加微信: abc123 QQ 12345678 tg @some_user t.me/abcdef 点 abc点com a. com 微 信 vx wx_1",
    "+我vxabc1234 加wxabc_1234 加Vqian233126y 卫星 abc123x 围信 abc123x 威 abcdef1 薇 abcdef1 葳: abcdef1",
    "v ks-152319 V:abc123 微信号 wx_abcdef",
    "abc dot com abc DOT com a1 dot com x[.]com y(.)com z{dot}com w【点】com q [点] com abc。com 4点cn",
    "企鹅 12345678 q 12345678 Q:12345678 qq 123456789 12345678 QQ",
    "电报 @abcdefg 飞机 abcdef_1 Telegram: abcde_f TELEGRAM abcdefg telegram:abcdefg TG: abcdefg Tg abcdefg",
    "T.me/abcdef WWW.t.me/abcdef HTTPS://t.me/abcde http://telegram.me/abcdef www.telegram.dog/abcdef",
    "扣扣 12345678 抠抠 叩叩 寇寇 🐧 纸飞机 小飞机 ✈ 🛩 Weixin WeChat V信 微❤ 溦信 wechat",
    "268883. com 17wcg  .top 9x\u3000. cn",
    "a.1b.2c.com " + "a" * 63 + ".1" + "b" * 62 + ".com https://a.cn/x HTTP://b.cn WwW.c.cn ftp://d.cn/y",
    "xhttps://a.com http://t.cn/xhttp://a.cn/y abcdefghijklmnop://q.cn a.b@c.com /x.com _y.com",
    "tz.abc.com/app",
    "a@b.cn x.y_z@abc.com.cn @c.cn a@@b.cn 1a-b@qq.com, " + "a" * 70 + "@d.cn 电话 2024-05-27 0571-88880123",
    "2024-05-27 1380 0138 000 .12 345 678 1 2 3 4 5 138 0013 8000 12345 67890 6222 0202 1234 5678 901",
    "+86 (0571) 88880123 0086-13800138000 +8613800138000 86 13800138000 (010)12345678 0571-8888012 2222222",
    "008613800138000 +86 0571 88880123 21 3 +86-571-88880123 (0571)-88880123 086 13800138000x 913800138000",
]
# (name, pattern, anchor, reach, first) for finditer_near.
_NEAR: list[tuple[str, re.Pattern[str], re.Pattern[str], int, re.Pattern[str] | None]] = [
    ("url", net._URL, net._URL_ANCHOR, net._URL_REACH, None),
    ("email", net._EMAIL, net._EMAIL_AT, net._EMAIL_REACH, net._EMAIL_FIRST),
    ("bare host", net._BARE, net._HOST_DOT, net._BARE_REACH, net._BARE_FIRST),
    ("mobile", phone._MOBILE, phone._MOBILE_CORE, phone._MOBILE_REACH, phone._MOBILE_FIRST),
    ("landline", phone._LANDLINE, phone._SUBSCRIBER_CORE, phone._LANDLINE_REACH, phone._LANDLINE_FIRST),
]


@pytest.mark.parametrize(("name", "pattern", "first", "skip"), _ANCHORED, ids=[a[0] for a in _ANCHORED])
def test_anchored_scan_on_known_cases(name: str, pattern: re.Pattern[str], first: re.Pattern[str],
                                      skip: int) -> None:
    found = 0
    for text in _KNOWN:
        plain = _spans(pattern.finditer(text))
        assert _spans(finditer_from(pattern, first, text, skip)) == plain, text
        found += len(plain)
    assert found >= 3  # the cases exercise the pattern


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_anchored_scans_equal_plain_finditer(text: str) -> None:
    for _name, pattern, first, skip in _ANCHORED:
        assert _spans(finditer_from(pattern, first, text, skip)) == _spans(pattern.finditer(text))


@pytest.mark.parametrize(("name", "pattern", "anchor", "reach", "first"), _NEAR, ids=[a[0] for a in _NEAR])
def test_near_scan_on_known_cases(name: str, pattern: re.Pattern[str], anchor: re.Pattern[str], reach: int,
                                  first: re.Pattern[str] | None) -> None:
    found = 0
    for text in _KNOWN:
        plain = _spans(pattern.finditer(text))
        assert _spans(finditer_near(pattern, anchor, text, reach, first)) == plain, text
        found += len(plain)
    assert found >= 3


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_near_scans_equal_plain_finditer(text: str) -> None:
    for _name, pattern, anchor, reach, first in _NEAR:
        assert _spans(finditer_near(pattern, anchor, text, reach, first)) == _spans(pattern.finditer(text))


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_numeral_gate_never_hides_a_change(text: str) -> None:
    gate_open = norm_module._CN_LINK.search(text) is not None
    if not gate_open:
        assert norm_module._CN_RUN.sub(norm_module._cn_run_digits, text) == text


def test_numeral_gate_opens_for_numbers_in_numerals() -> None:
    for text in ("幺三八零零幺三八零零零", "138零零138000", "一二三四五", "12345五"):
        assert norm_module._CN_RUN.sub(norm_module._cn_run_digits, text) != text
        assert norm_module._CN_LINK.search(text) is not None


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_gates_never_hide_a_match(text: str) -> None:
    for name, gate, pattern in _GATES:
        if pattern.search(text) is not None:
            assert gate.search(text) is not None, name


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_cheaper_gates_never_hide_a_match(text: str) -> None:
    for name, length, pattern in _DIGIT_GATES:
        if pattern.search(text) is not None:
            assert has_digit_run(text, length), name
    for name, pieces, pattern in _PIECE_GATES:
        if pattern.search(text) is not None:
            assert im.holds_any(text, pieces), name
    if net.WWW.search(text) is None:  # then the literal `://` is anchor enough for URLs
        assert _spans(finditer_near(net._URL, net.SCHEME_MARK, text, net._URL_REACH)) == _spans(
            net._URL.finditer(text))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789a 中\U0001F600\ud800", max_size=40), st.integers(1, 20))
def test_has_digit_run_equals_the_pattern(text: str, length: int) -> None:
    expected = re.search(f"[0-9]{{{length}}}", text) is not None
    assert has_digit_run(text, length) == expected
    # Long texts take the array path: the same answer wherever the digits sit.
    assert has_digit_run("中" * scan_module._ARRAY_FROM + text, length) == expected
    assert has_digit_run(text + "a" * scan_module._ARRAY_FROM, length) == expected


_ANY_DIGITS = "0123456789１２٣a 中\ud800"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ANY_DIGITS + "\U0001D7CF\U0001F600", max_size=40), st.integers(1, 12))
def test_any_script_digit_run_never_hides_a_run(text: str, length: int) -> None:
    expected = re.search(f"\\d{{{length}}}", text) is not None
    assert has_digit_run(text, length, any_script=True) == expected
    padded = "中" * scan_module._ARRAY_FROM + text
    # The array path knows every BMP digit; beyond the BMP it may only say yes too often.
    if expected or not any(ord(c) > 0xFFFF for c in text):
        assert has_digit_run(padded, length, any_script=True) == expected
    else:
        assert has_digit_run(padded, length, any_script=True) or not expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["1234", "5678", "１２３４", "12", " ", "  ", "a", "中"]), max_size=16)
       .map("".join), st.booleans())
def test_spaced_groups_equal_the_pattern(text: str, any_script: bool) -> None:
    digit = r"\d" if any_script else "[0-9]"
    expected = re.search(f"{digit}{{4}}(?: {digit}{{4}}){{3}}", text) is not None
    assert has_spaced_groups(text, 4, 4, any_script=any_script) == expected
    for long in ("中" * scan_module._ARRAY_FROM + text, text + "a" * scan_module._ARRAY_FROM):
        assert has_spaced_groups(long, 4, 4, any_script=any_script) == expected


def test_spaced_groups_on_known_cases() -> None:
    card = "卡号 6222 0202 0000 1111 请核对"
    for text in (card, card + "中" * scan_module._ARRAY_FROM):
        assert has_spaced_groups(text, 4, 4)
        assert not has_spaced_groups(text.replace("0000", "000"), 4, 4)
        assert not has_spaced_groups(text.replace("0202 ", "0202  "), 4, 4)
        assert not has_spaced_groups(text.replace("1111", "１１１１"), 4, 4)
        assert has_spaced_groups(text.replace("1111", "１１１１"), 4, 4, any_script=True)


# Dates beside numbers, cut short by a letter or a dot, with doubled or other separators.
_DATED = [
    "2024-05-01 发布 0571-88880123 2024/5/1 2024-5-31 1999-12-09 8:00",
    "2024-05-01abc 2024-05-01-3a 2024-05-0123456 789 2024-05-01 138 0013 8000 2024-05-1x 2024-05-1.x",
    "2024--05-01 2024-05--01 2024/13/01 1234 5678 2024-05-0 2024-05-00 12345 12024-05-01 123",
    "a2024-05-01 12 34 .2024-05-01 1234 5678 2024-05-01.1234 5678 2024-05 2024-1-2 3 2024/05/01/02",
    "2024年05月01日 2024.05.01 1900-1-1 2099-10-31 2100-01-01 1899-01-01 2024-0-1 2024-010-1",
]


def test_run_skip_on_known_cases() -> None:
    found = 0
    for text in _KNOWN + _DATED:
        plain = _undated_runs(text)
        assert _skipped_runs(text) == plain, text
        found += len(plain)
    assert found >= 10


# Years, months, days and separators, so that date-led runs of every shape come up.
_DATE_PIECES = st.sampled_from([
    "2024", "1999", "2100", "1899", "20", "05", "5", "1", "10", "12", "13", "0", "00", "01", "31", "32",
    "0123", "-", "/", "--", " ", "   ", "    ", "·", "🌜", ".", "a", "年", "月", "\n", "138", "0013", "8000",
])


@settings(max_examples=600, deadline=None)
@given(st.one_of(TEXT, st.text(alphabet="0123456789 -.·a年月🌜", max_size=40),
                 st.lists(_DATE_PIECES, max_size=20).map("".join)))
def test_run_skip_passes_over_exactly_the_dated_runs(text: str) -> None:
    assert _skipped_runs(text) == _undated_runs(text)


def test_skipping_scan_rejects_a_skip_that_stops_short() -> None:
    with pytest.raises(ValueError):
        list(finditer_skipping(re.compile("[0-9]+"), re.compile("[a-z]*"), "ab-12"))


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_cue_scan_without_astral_characters_equals_plain_finditer(text: str) -> None:
    text = "".join(c for c in text if c <= "\uffff")
    plain = _spans(norm_module._CUE_RE.finditer(text))
    assert _spans(finditer_from(norm_module._CUE_RE, norm_module._CUE_FIRST_BMP, text)) == plain


def test_cue_scan_without_astral_characters_on_known_cases() -> None:
    for text in _KNOWN:
        text = "".join(c for c in text if c <= "\uffff")
        plain = _spans(norm_module._CUE_RE.finditer(text))
        assert _spans(finditer_from(norm_module._CUE_RE, norm_module._CUE_FIRST_BMP, text)) == plain, text


def test_numeral_gate_sees_digits_on_either_side() -> None:
    for text in ("一2", "2一", "2 一", "2 -一", "一 -2", "一二"):
        assert norm_module._CN_LINK.search(text) is not None, text
    for text in ("一个", "2 - -一", "一 - - 2", "2a一"):
        assert norm_module._CN_LINK.search(text) is None, text


def test_finditer_from_sees_text_before_the_candidate() -> None:
    # The look-behind must see the character before the candidate, as finditer does.
    pattern = re.compile(r"(?<![0-9])1[0-9]")
    assert _spans(finditer_from(pattern, re.compile("1"), "21 13 912")) == [(3, 5)]


def test_sparse_offset_map_after_many_edits() -> None:
    raw = "ａ\u200bｂ " + "１ ３ ８ ０ ０ １ ３ ８ ０ ０ ０" + " 加薇信 x点com ㈠ 完" * 3
    norm = norm_module.normalize(raw)
    for i in range(len(norm.text)):
        start, end = norm.original_span(i, i + 1)
        assert 0 <= start < end <= len(raw)
    at = norm.text.index("13800138000")
    assert raw[slice(*norm.original_span(at, at + 11))] == "１ ３ ８ ０ ０ １ ３ ８ ０ ０ ０"


@pytest.mark.parametrize(
    "unit",
    ["tw 微信:abc123 ", "www.a.cn t.me/abcdef ", "2222 0571-88880123 ", "a点com QQ 12345678 ",
     "a@b.cn .1 2 "],
)
def test_dense_candidates_hand_over_to_sre_with_the_same_matches(unit: str) -> None:
    # Hundreds of candidates close together: the scans switch to pattern.finditer midway.
    text = unit * 400
    for _name, pattern, first, skip in _ANCHORED:
        assert _spans(finditer_from(pattern, first, text, skip)) == _spans(pattern.finditer(text))
    for _name, pattern, anchor, reach, lead in _NEAR:
        assert _spans(finditer_near(pattern, anchor, text, reach, lead)) == _spans(pattern.finditer(text))
    assert _skipped_runs(text) == _undated_runs(text)
