"""Mainland China phone numbers: mobiles anywhere, landlines only with an area-code shape or cue.

Validity comes from `phonenumbers` (number plan of +86). Canonical form: E.164, i.e. `+86`
followed by the 11 mobile digits, or by area code (without trunk 0) and subscriber number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberType

from lianfang.indicators.model import Indicator, Rejected
from lianfang.indicators.span import after_reference_cue, make_indicator, make_rejected
from lianfang.taxonomy import IndicatorType
from lianfang.text.normalize import Normalized
from lianfang.text.scan import finditer_near

_MOBILE = re.compile(r"(?<![0-9])(?:(?:\+|00)?86[ \-]?)?(1[3-9][0-9]{9})(?![0-9])")
_LANDLINE = re.compile(
    r"(?<![0-9])(?:(?:\+|00)86[ \-]?)?(\(?0?[1-9][0-9]{1,2}\)?[ \-]?)([2-9][0-9]{6,7})(?![0-9])"
)
_PHONE_CUE = re.compile(
    r"(?:电话|座机|热线|固话|tel|Tel|TEL|phone|Phone|联系|致电|拨打|📞|☎|客服)[^0-9\n]{0,6}$"
)
# Inside a path or query string a digit string is part of the URL, not a phone of its own.
_URLISH_BEFORE = re.compile(r"[A-Za-z0-9_/=&?%#.\-]$")
# Both patterns open with a look-behind, so sre would run them at every character. Each match
# holds a piece that a scan led by a plain class or literal finds at C speed (the mobile number
# at most 5 characters after the start: `+86 `/`0086-`; the subscriber number at most 13:
# `+86 (0571) `), and starts where a digit run, `+` or `(` begins (lianfang.text.scan).
_MOBILE_CORE = re.compile(r"1[3-9][0-9]{9}")
_MOBILE_REACH = 5
_MOBILE_FIRST = re.compile(r"(?<![0-9])[+0-9]")
_SUBSCRIBER_CORE = re.compile(r"[2-9][0-9]{6}")
_LANDLINE_REACH = 13
_LANDLINE_FIRST = re.compile(r"(?<![0-9])[+(0-9]")
_NON_DIGIT = re.compile(r"[^0-9]")
_SHAPE = re.compile(r"[\s\-–—()（）]")
_MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
_FIXED_TYPES = {PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


@lru_cache(maxsize=65536)
def canonical_phone(digits: str, want_mobile: bool) -> str | None:
    """E.164 form of a +86 number given as national digits, or None when the plan rejects it."""
    try:
        number = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 86 or not phonenumbers.is_valid_number(number):
        return None
    kind = phonenumbers.number_type(number)
    if kind not in (_MOBILE_TYPES if want_mobile else _FIXED_TYPES):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_CUE_PREFIXES = frozenset({"tel", "v", "vx", "wx", "q", "qq", "dh", "sj", "mobile"})


def _letter_glued(text: str, start: int) -> bool:
    # `abc13800138000` is an ID, `wx13800138000` too; allow only short known cue prefixes.
    if start == 0 or not text[start - 1].isascii() or not text[start - 1].isalpha():
        return False
    word = re.search(r"[A-Za-z]+$", text[max(0, start - 8):start])
    return word is None or word.group().lower() not in _CUE_PREFIXES


def find(norm: Normalized) -> Iterator[Indicator | Rejected]:
    """Yield mobile and landline numbers of mainland China found in `norm` (validated, E.164)."""
    text = norm.text
    taken: list[tuple[int, int]] = []
    for m in finditer_near(_MOBILE, _MOBILE_CORE, text, _MOBILE_REACH, _MOBILE_FIRST):
        start = m.start()
        if _letter_glued(text, start) or after_reference_cue(text, start):
            continue
        if start > 0 and text[start - 1] in "_/=&?%#." or (m.end() < len(text) and text[m.end()].isalnum()
                                                             and text[m.end()].isascii()):
            continue
        value = canonical_phone(m.group(1), True)
        if value is None:
            yield make_rejected(norm, IndicatorType.PHONE, start, m.end(), "not an assigned mobile range")
            continue
        taken.append((start, m.end()))
        yield make_indicator(norm, IndicatorType.PHONE, value, start, m.end())
    for m in finditer_near(_LANDLINE, _SUBSCRIBER_CORE, text, _LANDLINE_REACH, _LANDLINE_FIRST):
        # Every test below is a filter; the cheap ones come first (a page can list hundreds).
        start, end = m.start(), m.end()
        digits = _NON_DIGIT.sub("", m.group())
        international = m.group().startswith(("+", "00", "86"))
        if international:
            digits = "0" + digits[4:] if digits.startswith("0086") else "0" + digits[2:]
        if not digits.startswith("0") or any(a < end and start < b for a, b in taken):
            continue
        # `$` also matches before a final newline, so the pattern can end one character early:
        # two characters of look-back give the same answer as scanning the whole prefix.
        if _URLISH_BEFORE.search(text, max(0, start - 2), start):
            continue
        # A landline needs its written shape (separator or brackets after the area code) or a
        # cue: a bare 11-12 digit string is far more often an order or account number.
        ostart, oend = norm.original_span(start, end)
        shaped = international or _SHAPE.search(norm.original, ostart, oend) is not None
        if not (shaped or _PHONE_CUE.search(text, max(0, start - 12), start) is not None):
            continue
        if after_reference_cue(text, start):
            continue
        value = canonical_phone(digits, False)
        if value is not None:
            yield make_indicator(norm, IndicatorType.PHONE, value, start, end)
