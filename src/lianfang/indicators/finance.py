"""Payment indicators: bank cards (Luhn + issuer prefix), USDT-TRC20 and ETH addresses.

Canonical forms: bank card digits; TRC20 address as written (base58 is case-sensitive); ETH
address lowercase. Wrong checksums are reported as `Rejected`, never as indicators.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import base58
from Crypto.Hash import keccak
from stdnum import luhn

from lianfang.indicators.identity import rejection_reason
from lianfang.indicators.model import Indicator, Rejected
from lianfang.indicators.span import after_reference_cue, make_indicator, make_rejected
from lianfang.taxonomy import IndicatorType
from lianfang.text.normalize import Normalized
from lianfang.text.scan import has_digit_run

_CARD = re.compile(r"(?<![0-9A-Za-z])[0-9]{16,19}(?![0-9A-Za-z])")
# UnionPay (62, 60/9558 legacy domestic), Visa (4), Mastercard (51-55, 2221-2720), JCB (35).
_CARD_PREFIX = re.compile(r"62|60|9558|9559|4|5[1-5]|2(?:2[2-9]|[3-6][0-9]|7[01]|720)|35")
_TRC20 = re.compile(r"(?<![A-Za-z0-9])T[1-9A-HJ-NP-Za-km-z]{33}(?![A-Za-z0-9])")
_ETH = re.compile(r"(?<![A-Za-z0-9])0[xX][0-9a-fA-F]{40}(?![0-9A-Za-z])")
# A piece every match must contain, found by a fast test or scan (see phone.py): no card without
# 16 digits in a row, no TRC20 address without its `T` + 33 base58 characters.
CARD_DIGITS = 16
_TRC20_CORE = re.compile(r"T[1-9A-HJ-NP-Za-km-z]{33}")


def is_valid_card(digits: str) -> bool:
    """True for 16-19 digits with a known issuer prefix and a correct Luhn check digit."""
    return (16 <= len(digits) <= 19 and digits.isdigit() and _CARD_PREFIX.match(digits) is not None
            and luhn.is_valid(digits))


def is_valid_trc20(address: str) -> bool:
    """True when `address` is a base58check Tron address (version byte 0x41, 21-byte payload)."""
    try:
        payload = base58.b58decode_check(address)
    except ValueError:
        return False
    return len(payload) == 21 and payload[0] == 0x41


def is_valid_eth(address: str) -> bool:
    """True for `0x` + 40 hex digits whose case, when mixed, matches the EIP-55 checksum."""
    if not re.fullmatch(r"0[xX][0-9a-fA-F]{40}", address):
        return False
    body = address[2:]
    if body.islower() or body.isupper() or body.isdigit():
        return True
    digest = keccak.new(digest_bits=256, data=body.lower().encode("ascii")).hexdigest()
    # EIP-55: a letter is upper case exactly when its nibble of keccak(lowercase address) is >= 8.
    pairs = zip(body, digest[:40], strict=True)
    return all(c.isdigit() or (c.isupper() == (int(h, 16) >= 8)) for c, h in pairs)


def find(norm: Normalized) -> Iterator[Indicator | Rejected]:
    """Yield bank cards, TRC20 and ETH addresses in `norm`; bad checksums come back as Rejected."""
    text = norm.text
    for m in _CARD.finditer(text) if has_digit_run(text, CARD_DIGITS) else ():
        digits = m.group()
        # An 18-digit number shaped like an ID (province code, birth century) is an ID question.
        id_shaped = digits[6:8] in ("19", "20") and rejection_reason(digits) != "unknown province code"
        if len(digits) == 18 and id_shaped:
            continue
        if after_reference_cue(text, m.start()):
            continue
        if _CARD_PREFIX.match(digits) is None:
            continue
        if luhn.is_valid(digits):
            yield make_indicator(norm, IndicatorType.BANK_CARD, digits, m.start(), m.end())
        else:
            yield make_rejected(norm, IndicatorType.BANK_CARD, m.start(), m.end(), "bad Luhn check digit")
    for m in _TRC20.finditer(text) if _TRC20_CORE.search(text) else ():
        if is_valid_trc20(m.group()):
            yield make_indicator(norm, IndicatorType.USDT_TRC20, m.group(), m.start(), m.end())
        else:
            reason = "bad base58check checksum"
            yield make_rejected(norm, IndicatorType.USDT_TRC20, m.start(), m.end(), reason)
    for m in _ETH.finditer(text) if "0x" in text or "0X" in text else ():
        if is_valid_eth(m.group()):
            yield make_indicator(norm, IndicatorType.ETH, "0x" + m.group()[2:].lower(), m.start(), m.end())
        else:
            yield make_rejected(norm, IndicatorType.ETH, m.start(), m.end(), "bad EIP-55 checksum")
