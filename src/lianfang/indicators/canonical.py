"""Canonical (type, value) of one user-typed lookup value, for storage and lookup.

`canonicalize("138 0013 8000")` → `(PHONE, "+8613800138000")`; with `type` given the value is
validated as that type only. The canonical forms are the ones extraction produces (see the
family modules), so a lookup finds what extraction stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lianfang.indicators.finance import is_valid_card, is_valid_eth, is_valid_trc20
from lianfang.indicators.identity import is_valid_id_card
from lianfang.indicators.net import TELEGRAM_HOSTS, canonical_url, registrable_domain
from lianfang.indicators.phone import canonical_phone
from lianfang.taxonomy import IndicatorType
from lianfang.text.normalize import normalize

__all__ = ["canonicalize"]

_NUMBER_NOISE = re.compile(r"[\s\-–—.()（）]")
_EMAIL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}@([A-Za-z0-9.\-]+)")
_WECHAT_ID = re.compile(r"[A-Za-z][A-Za-z0-9_\-]{5,19}")
_TELEGRAM_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{4,31}")
_TELEGRAM_LINK = re.compile(r"(?:https?://)?(?:www\.)?(?:t|telegram)\.(?:me|dog)/@?([A-Za-z0-9_]+)/?", re.I)
_HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9\-]{1,23}\.?")


def _phone(value: str) -> str | None:
    digits = _NUMBER_NOISE.sub("", value)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not digits.isdigit():
        return None
    if len(digits) == 11 and digits.startswith("1"):
        return canonical_phone(digits, True)
    return canonical_phone(digits if digits.startswith("0") else "0" + digits, False)


_QQ_MAIL = re.compile(r"@qq\.com$", re.I)
_QQ = re.compile(r"[1-9][0-9]{4,10}")


def _qq(value: str) -> str | None:
    value = _QQ_MAIL.sub("", value)
    return value if _QQ.fullmatch(value) else None


def _wechat(value: str) -> str | None:
    return value.lower() if _WECHAT_ID.fullmatch(value) else None


def _telegram(value: str) -> str | None:
    link = _TELEGRAM_LINK.fullmatch(value)
    name = link.group(1) if link else value.removeprefix("@")
    return name.lower() if _TELEGRAM_NAME.fullmatch(name) else None


def _bank_card(value: str) -> str | None:
    digits = _NUMBER_NOISE.sub("", value)
    return digits if is_valid_card(digits) else None


def _id_card(value: str) -> str | None:
    number = _NUMBER_NOISE.sub("", value).upper()
    return number if is_valid_id_card(number) else None


def _trc20(value: str) -> str | None:
    return value if is_valid_trc20(value) else None


def _eth(value: str) -> str | None:
    return "0x" + value[2:].lower() if is_valid_eth(value) else None


def _url(value: str) -> str | None:
    url = canonical_url(value)
    return None if url is None or url.host in TELEGRAM_HOSTS else url.value


def _domain(value: str) -> str | None:
    if "://" in value or "/" in value:
        url = canonical_url(value)
        return registrable_domain(url.host) if url is not None else None
    return registrable_domain(value) if _HOST.fullmatch(value) else None


def _email(value: str) -> str | None:
    m = _EMAIL.fullmatch(value)
    return value.lower() if m and _HOST.fullmatch(m.group(1)) and registrable_domain(m.group(1)) else None


_BY_TYPE: dict[IndicatorType, Callable[[str], str | None]] = {
    IndicatorType.PHONE: _phone,
    IndicatorType.QQ: _qq,
    IndicatorType.WECHAT: _wechat,
    IndicatorType.TELEGRAM: _telegram,
    IndicatorType.BANK_CARD: _bank_card,
    IndicatorType.ID_CARD: _id_card,
    IndicatorType.USDT_TRC20: _trc20,
    IndicatorType.ETH: _eth,
    IndicatorType.URL: _url,
    IndicatorType.DOMAIN: _domain,
    IndicatorType.EMAIL: _email,
}
# Guessing order: the most specific shapes first; a bare 5-10 digit number can only be a QQ
# number, a bare host a domain, a bare word only a WeChat ID (Telegram needs `@` or a t.me link).
_GUESS_ORDER = (
    IndicatorType.EMAIL, IndicatorType.ETH, IndicatorType.USDT_TRC20, IndicatorType.ID_CARD,
    IndicatorType.PHONE, IndicatorType.BANK_CARD, IndicatorType.QQ, IndicatorType.URL,
    IndicatorType.DOMAIN, IndicatorType.WECHAT,
)


def canonicalize(value: str, type: IndicatorType | None = None) -> tuple[IndicatorType, str] | None:  # noqa: A002
    """Canonical (type, value) of a single lookup value, guessing the type when `type` is None.

    Full-width characters and zero-width noise are folded first. Returns None when the value is
    not a valid indicator (of `type`, when given). Never raises for str input.
    """
    # Bare digits (phone, QQ and card numbers: most gateway lookups) are already in normal form.
    plain = value.isascii() and value.removeprefix("+").isdigit()
    text = value if plain else normalize(value).text.strip() if value else ""
    if not text or len(text) > 2048:
        return None
    if type is not None:
        result = _BY_TYPE[IndicatorType(type)](text)
        return None if result is None else (IndicatorType(type), result)
    if text.startswith("@") or _TELEGRAM_LINK.fullmatch(text):
        name = _telegram(text)
        return None if name is None else (IndicatorType.TELEGRAM, name)
    for kind in _GUESS_ORDER:
        if kind is IndicatorType.URL and "/" not in text:
            continue  # a bare host is looked up as a domain; a URL has a scheme or a path
        result = _BY_TYPE[kind](text)
        if result is not None:
            return kind, result
    return None
