"""canonicalize: one user-typed value to the canonical (type, value) used for storage and lookup."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lianfang.indicators.canonical import canonicalize
from lianfang.taxonomy import IndicatorType as T
from lianfang.text.normalize import normalize


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("138 0013 8000", (T.PHONE, "+8613800138000")),
        ("+86 13800138000", (T.PHONE, "+8613800138000")),
        ("１３８００１３８０００", (T.PHONE, "+8613800138000")),
        ("0755-82345678", (T.PHONE, "+8675582345678")),
        ("HTTP://Evil.COM/x#frag", (T.URL, "http://evil.com/x")),
        ("evil.com/x", (T.URL, "http://evil.com/x")),
        ("Evil.COM", (T.DOMAIN, "evil.com")),
        ("www.a.evil.co.uk", (T.DOMAIN, "evil.co.uk")),
        ("ABC@QQ.com", (T.EMAIL, "abc@qq.com")),
        ("11010519491231002x", (T.ID_CARD, "11010519491231002X")),
        ("t.me/Foo_bar", (T.TELEGRAM, "foo_bar")),
        ("@Foo_bar", (T.TELEGRAM, "foo_bar")),
        ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", (T.ETH, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")),
        ("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", (T.USDT_TRC20, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t")),
        ("12345678", (T.QQ, "12345678")),
        ("WPK5675", (T.WECHAT, "wpk5675")),
    ],
)
def test_guess(value: str, expected: tuple[T, str]) -> None:
    assert canonicalize(value) == expected


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        ("evil.com", T.URL, "http://evil.com"),
        ("https://a.b.evil.co.uk/x", T.DOMAIN, "evil.co.uk"),
        ("13800138000", T.QQ, "13800138000"),
        ("https://t.me/Foo_bar", T.TELEGRAM, "foo_bar"),
        ("6222 0000 0000 0000 006", T.BANK_CARD, None),  # bad Luhn
        ("110105194912310021", T.ID_CARD, None),  # bad check digit
        ("abc", T.WECHAT, None),  # too short
    ],
)
def test_with_type(value: str, kind: T, expected: str | None) -> None:
    result = canonicalize(value, kind)
    assert (result[1] if result else None) == expected


@pytest.mark.parametrize("value", ["", "   ", "abc", "0x123", "12", "你好", "a" * 5000])
def test_nothing_valid(value: str) -> None:
    assert canonicalize(value) is None


def test_agrees_with_extraction() -> None:
    from lianfang.indicators.extract import extract

    text = "电话 138-0013-8000 网址 Evil[.]com/x 邮箱 ABC@QQ.com"
    for item in extract(text):
        assert canonicalize(item.raw, item.type) == (item.type, item.value), item


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"\+?[0-9]{1,30}", fullmatch=True))
def test_bare_digits_skip_normalisation_safely(value: str) -> None:
    # canonicalize skips normalize() for bare ASCII digits; that is only right if it is a no-op there.
    assert normalize(value).text == value
