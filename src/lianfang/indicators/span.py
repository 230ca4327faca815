"""Turning matches in normalised text into records that index the original text."""

from __future__ import annotations

import re

from lianfang.indicators.model import Indicator, Rejected
from lianfang.taxonomy import IndicatorType
from lianfang.text.normalize import Normalized

# Numbers that follow these words are references to something else (orders, parcels,
# transactions, serials, timestamps): never a contact point, whatever their checksum says.
REFERENCE_CUE = re.compile(
    r"(?:订单|单号|快递|运单|物流|编号|流水|交易号|序列号|序号|批号|工号|学号|编码|尾号|发票|票号|追踪|"
    r"订单号|识别码|验证码|邀请码|时间戳|版本|型号|order|Order|ORDER|No\.?|NO\.?|tracking|serial|ts|timestamp)"
    r"[^0-9A-Za-z\n]{0,4}$"
)


def make_indicator(norm: Normalized, kind: IndicatorType, value: str, start: int, end: int) -> Indicator:
    """Build an Indicator for normalised span [start, end); offsets and raw come from the original."""
    ostart, oend = norm.original_span(start, end)
    return Indicator(type=kind, value=value, start=ostart, end=oend, raw=norm.original[ostart:oend])


def make_rejected(norm: Normalized, kind: IndicatorType, start: int, end: int, reason: str) -> Rejected:
    """Build a Rejected record for normalised span [start, end) with a short English `reason`."""
    ostart, oend = norm.original_span(start, end)
    return Rejected(type=kind, raw=norm.original[ostart:oend], start=ostart, end=oend, reason=reason)


def after_reference_cue(text: str, start: int) -> bool:
    """True when the number at `start` follows an order/tracking/serial cue (looks back 12 chars)."""
    return REFERENCE_CUE.search(text, max(0, start - 12), start) is not None
