"""Resident identity card numbers (GB 11643-1999): province code, birth date and check digit.

Canonical form: 18 characters with an uppercase `X` check digit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from stdnum.cn import ric

from lianfang.indicators.model import Indicator, Rejected
from lianfang.indicators.span import after_reference_cue, make_indicator, make_rejected
from lianfang.taxonomy import IndicatorType
from lianfang.text.normalize import Normalized
from lianfang.text.scan import has_digit_run

_ID = re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])")
ID_DIGITS = 17  # a match holds this many digits in a row
# Provincial-level codes of GB/T 2260 (71 Taiwan, 81 Hong Kong, 82 Macau included).
PROVINCES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42",
    "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
})


def rejection_reason(number: str) -> str | None:
    """Why an 18-character candidate is not a valid ID number, or None when it is valid."""
    number = number.upper()
    if not re.fullmatch(r"[1-9][0-9]{16}[0-9X]", number):
        return "not 17 digits plus a check character"
    if number[:2] not in PROVINCES:
        return "unknown province code"
    try:
        ric.get_birth_date(number)
    except Exception:  # stdnum raises InvalidComponent for impossible dates
        return "invalid birth date"
    if ric.calc_check_digit(number) != number[-1]:
        return "bad check digit"
    return None


def is_valid_id_card(number: str) -> bool:
    """True for an 18-character ID number with valid province, birth date and check digit."""
    return len(number) == 18 and rejection_reason(number) is None


def find(norm: Normalized) -> Iterator[Indicator | Rejected]:
    """Yield valid ID numbers in `norm`; well-shaped ones with a bad date/check come back Rejected."""
    text = norm.text
    # 17 digits in a row or no ID: a fast test first (_ID's look-behind makes sre try every character).
    for m in _ID.finditer(text) if has_digit_run(text, ID_DIGITS) else ():
        if after_reference_cue(text, m.start()):
            continue
        reason = rejection_reason(m.group())
        if reason is None:
            yield make_indicator(norm, IndicatorType.ID_CARD, m.group().upper(), m.start(), m.end())
        elif reason != "unknown province code":
            # Only numbers that start like an ID are worth a note; others are just long numbers.
            yield make_rejected(norm, IndicatorType.ID_CARD, m.start(), m.end(), reason)
