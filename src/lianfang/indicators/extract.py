"""Extraction entry points: normalise once, run every indicator family, reconcile overlaps.

`extract(text)` is what `lianfang.extract` and the pipeline call; offsets in the returned
records always index the original `text`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator
from itertools import accumulate

from lianfang.indicators import finance, identity, im, net, phone
from lianfang.indicators.model import Indicator, Rejected
from lianfang.taxonomy import IndicatorType
from lianfang.text.normalize import Normalized, normalize

__all__ = ["extract", "extract_normalized", "extract_with_rejections"]

_FAMILIES: tuple[Callable[[Normalized], Iterator[Indicator | Rejected]], ...] = (
    net.find,
    im.find,
    phone.find,
    identity.find,
    finance.find,
)
# Types that live inside URLs and e-mails; a number in a query string is part of the URL.
_WEB = frozenset({IndicatorType.URL, IndicatorType.EMAIL})
_QQ_FROM_EMAIL_OK = IndicatorType.QQ


def extract_normalized(norm: Normalized) -> tuple[list[Indicator], list[Rejected]]:
    """Run every family over an already normalised text; see `extract_with_rejections`."""
    found: list[Indicator] = []
    rejected: list[Rejected] = []
    for family in _FAMILIES:
        for record in family(norm):
            if isinstance(record, Indicator):
                found.append(record)
            else:
                rejected.append(record)
    web = sorted((i.start, i.end) for i in found if i.type in _WEB)
    if web:
        starts = [a for a, _ in web]
        reach = list(accumulate((b for _, b in web), max))
        found = [i for i in found if i.type in _WEB or i.type is IndicatorType.DOMAIN
                 or not _inside(i, web, starts, reach) or (i.type is _QQ_FROM_EMAIL_OK and i.raw.isdigit())]
        rejected = [r for r in rejected if not _covered(r.start, r.end, starts, reach)]
    # A number right after a QQ cue is a QQ number even when it is also a valid mobile number.
    qq_spans = {(i.start, i.end) for i in found if i.type is IndicatorType.QQ}
    if qq_spans:
        found = [i for i in found if not (i.type is IndicatorType.PHONE and (i.start, i.end) in qq_spans)]
    unique = {(i.type, i.value, i.start): i for i in found}
    ordered = sorted(unique.values(), key=lambda i: (i.start, i.end, i.type.value, i.value))
    return ordered, sorted(set(rejected), key=lambda r: (r.start, r.end, r.type.value))


def _covered(start: int, end: int, starts: list[int], reach: list[int]) -> bool:
    # Some span opening at or before `start` closes at or after `end`: `reach` holds the running
    # maximum of the ends of the spans sorted by start, so one bisect answers instead of a scan
    # over every URL of the page for every number (500 x 200 on a padded page).
    k = bisect_right(starts, start)
    return k > 0 and reach[k - 1] >= end


def _inside(item: Indicator, spans: list[tuple[int, int]], starts: list[int], reach: list[int]) -> bool:
    if not _covered(item.start, item.end, starts, reach):
        return False
    return any(a <= item.start and item.end <= b and (a, b) != (item.start, item.end) for a, b in spans)


def extract_with_rejections(text: str) -> tuple[list[Indicator], list[Rejected]]:
    """Validated indicators of `text` and the candidates that failed validation, both by start.

    Indicators are de-duplicated by (type, value, start); offsets index the original `text`.
    Never raises for str input.
    """
    return extract_normalized(normalize(text))


def extract(text: str) -> list[Indicator]:
    """Validated indicators of `text`, sorted by start and de-duplicated by (type, value, start)."""
    return extract_with_rejections(text)[0]
