"""pii_exposure: unmasked resident ID numbers, bank cards and phone lists published in a page.

ID numbers are validated with python-stdnum (GB 11643 checksum and birth date), bank cards with
the Luhn check and a card-network prefix. Masked forms (110101********1234) never match. The
evidence shows masked numbers only: the finding must not re-publish what it reports.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from stdnum import luhn
from stdnum.cn import ric

from lianfang.text.scan import finditer_near, has_digit_run, has_spaced_groups
from lianfang.web.finding import Finding, FindingKind
from lianfang.web.page import Page, locate

# One pass over the text: the alternatives are tried longest-first at each digit run.
_NUMBER = re.compile(
    r"(?<![0-9A-Za-z-])(?:(?P<id>\d{17}[\dXx])|(?P<card>\d{16,19})|(?P<phone>1[3-9]\d{9})"
    r"|(?P<spaced>\d{4}(?: \d{4}){3}(?: \d{1,3})?))(?![0-9A-Za-z-])"
)
# Every match opens with 11 digits or a spaced card layout: a scan led by a plain class (fast in
# sre, unlike _NUMBER's look-behind) finds each place a match can start (lianfang.text.scan).
_NUMBER_START = re.compile(r"\d(?:\d{10}|\d{3}(?: \d{4}){3})")
_CARD_CONTEXT = re.compile(r"卡号|银行卡|账号|帐号|开户|储蓄卡|信用卡")
CARD_PREFIXES = ("62", "4", "5", "3")
MIN_IDS = 1
MIN_CARDS = 2
MIN_PHONES = 5


def mask(number: str) -> str:
    """Return `number` with all but the first 6 (ID) / 4 and last 4 characters replaced by '*'."""
    keep = 6 if len(number) == 18 else 4
    return number[:keep] + "*" * max(len(number) - keep - 4, 0) + number[-4:]


class PiiExposureCheck:
    """Counts valid, unmasked personal numbers in the page text against per-type thresholds."""

    kind = FindingKind.PII_EXPOSURE

    def check(self, page: Page) -> Iterator[Finding]:
        """Yield one finding per personal-data type above its threshold, with the count."""
        text = page.body_text
        ids: list[str] = []
        cards: list[str] = []
        phones: list[str] = []
        card_context = False
        # Most pages hold neither 11 digits in a row nor a spaced card layout: skip the scan.
        possible = has_digit_run(text, 11, any_script=True) or has_spaced_groups(text, 4, 4, any_script=True)
        for match in finditer_near(_NUMBER, _NUMBER_START, text, 0) if possible else ():
            kind = match.lastgroup
            number = match.group(0)
            if kind == "id":
                if ric.is_valid(number):
                    ids.append(number.upper())
                    continue
                if not number.isdigit():
                    continue
                kind = "card"  # an 18-digit run that is no ID may still be a card number
            if kind == "phone":
                phones.append(number)
                continue
            digits = number.replace(" ", "")
            if digits.startswith(CARD_PREFIXES) and luhn.is_valid(digits):
                cards.append(digits)
                window = text[max(match.start() - 30, 0) : match.start()]
                card_context = card_context or bool(_CARD_CONTEXT.search(window))
        ids = list(dict.fromkeys(ids))
        cards = list(dict.fromkeys(cards))
        phones = list(dict.fromkeys(phones))
        if len(ids) >= MIN_IDS:
            yield self._finding(page, "id_card", ids, 0.9 if len(ids) >= 3 else 0.7)
        if len(cards) >= MIN_CARDS or (cards and card_context):
            yield self._finding(page, "bank_card", cards, 0.85 if len(cards) >= 3 else 0.7)
        if len(phones) >= MIN_PHONES:
            yield self._finding(page, "phone", phones, 0.8 if len(phones) >= 10 else 0.6)

    @staticmethod
    def _finding(page: Page, what: str, numbers: list[str], confidence: float) -> Finding:
        offsets = locate(page, numbers[0])
        shown = ", ".join(mask(n) for n in numbers[:3])
        return Finding(
            FindingKind.PII_EXPOSURE,
            f"{len(numbers)} unmasked {what}: {shown}",
            "",
            offsets[0] if offsets else None,
            offsets[1] if offsets else None,
            None,
            len(numbers),
            confidence,
            what,
        )
