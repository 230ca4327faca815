"""Exact, faster `finditer` for patterns whose matches can only begin at a few places.

sre tries a pattern at every position unless the pattern starts with a literal or a plain
character class; patterns that open with a look-behind or an alternation of groups (most of
ours) therefore run the whole matcher on every character of a 200 KB page. When the places a
match can begin are rare and cheap to find (a plain class, a literal), trying the pattern only
there gives the same matches much faster. Where those places turn out to be dense (English
prose for a `[tT]` class, a crafted megabyte of `www.`), a Python loop per place would cost
more than sre's own scan, so `finditer_from` and `finditer_near` hand over to `pattern.finditer`
from where they are, which yields the same matches from there on. Where most matches are of no
interest (the dates among a page's numbers), `finditer_skipping` lets sre pass over them and
yields only the rest. `has_digit_run` is the cheap test for "a long number somewhere" that lets
the card and ID patterns skip a page without one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

import numpy as np

__all__ = ["finditer_from", "finditer_near", "finditer_skipping", "has_digit_run", "has_spaced_groups"]

# After this many tries, fall back to sre when tries come more often than one per this many
# characters: a try costs about what sre's own scan spends on that many characters.
_DENSE_AFTER = 256
_CHARS_PER_TRY = 24


def _too_dense(tries: int, pos: int) -> bool:
    """True when `tries` Python-level tries up to `pos` cost more than sre's own scan would."""
    return tries > _DENSE_AFTER and tries * _CHARS_PER_TRY > pos


def finditer_from(
    pattern: re.Pattern[str], first: re.Pattern[str], text: str, skip: int = 0
) -> Iterator[re.Match[str]]:
    """Yield exactly the matches of `pattern.finditer(text)`, trying `pattern` only where `first` hits.

    Contract: every match of `pattern` begins `skip` characters after the start of a match of
    `first` (`skip` > 0 lets `first` check the characters before the candidate with a plain
    class instead of a slow look-behind), and `pattern` never matches the empty string.
    Look-behinds still see the text before each candidate (sre's `match(text, pos)` keeps the
    whole string as context).
    """
    search = first.search
    match = pattern.match
    pos = 0
    end = len(text)
    tries = 0
    while pos < end:
        tries += 1
        if _too_dense(tries, pos):
            yield from pattern.finditer(text, pos)
            return
        hit = search(text, max(0, pos - skip))
        if hit is None:
            return
        at = hit.start() + skip
        found = match(text, at)
        if found is None:
            pos = at + 1
            continue
        yield found
        pos = found.end()


def finditer_near(
    pattern: re.Pattern[str], anchor: re.Pattern[str], text: str, reach: int,
    first: re.Pattern[str] | None = None,
) -> Iterator[re.Match[str]]:
    """Yield exactly the matches of `pattern.finditer(text)`, trying `pattern` just before `anchor` hits.

    Contract: every match of `pattern` contains a hit of `anchor` (searched from any position)
    that starts at most `reach` characters after the match's start, and `pattern` never
    matches the empty string. Then no match starts more than `reach` before the next anchor
    hit, so only those positions are tried; `first`, when given, must match at every position
    a match can start at and narrows the tries further.
    """
    pos = 0
    tries = 0
    while True:
        if _too_dense(tries, pos):
            yield from pattern.finditer(text, pos)
            return
        hit = anchor.search(text, pos)
        if hit is None:
            return
        q = hit.start()
        at = max(pos, q - reach)
        found = None
        while at <= q:
            if first is not None:
                lead = first.search(text, at, q + 1)
                if lead is None:
                    break
                at = lead.start()
            tries += 1
            found = pattern.match(text, at)
            if found is not None:
                break
            at += 1
        if found is None:
            pos = q + 1
            if first is not None:
                # No match starts before the next place `first` allows one: skip there (a run of
                # anchors with nowhere to start, `2222…`, would otherwise cost a loop turn each).
                lead = first.search(text, pos)
                if lead is None:
                    return
                pos = lead.start()
            continue
        yield found
        pos = found.end()


def finditer_skipping(
    pattern: re.Pattern[str], skip: re.Pattern[str], text: str
) -> Iterator[re.Match[str]]:
    """Yield the matches of `pattern.finditer(text)` that `skip` does not pass over, in order.

    Contract: `skip` never fails, and matched where finditer's scan can stand (the start of the
    text or the end of a match) it passes over places where no match of `pattern` begins and
    over whole matches of `pattern` (the ones to leave out), and stops where a match to yield
    begins or at the end of the text. `pattern` never matches the empty string. Raises
    ValueError where `skip` stops at a place `pattern` does not match.
    """
    end = len(text)
    pos = 0
    while (stop := skip.match(text, pos)) is not None and stop.end() < end:
        found = pattern.match(text, stop.end())
        if found is None:
            raise ValueError(f"skip stopped at {stop.end()}, where no match begins")
        yield found
        pos = found.end()


def has_digit_run(text: str, length: int, *, any_script: bool = False) -> bool:
    """True when `text` holds `length` (>= 1) ASCII digits in a row.

    The gate of patterns that need a long number (`[0-9]{16}`): sre tries such a pattern at
    every digit of a page, while here the code points of a long text are compared as one array
    and runs are found by and-ing the digit mask with itself shifted, doubling the width each
    time. A short text (a post, a message) is cheaper for sre than numpy's fixed cost.
    `any_script` counts every character `\\d` matches (full-width and other scripts' digits).
    """
    if len(text) < _ARRAY_FROM:
        return _digit_pattern(f"{_digit(any_script)}{{{length}}}").search(text) is not None
    return bool(_runs(_digit_mask(text, any_script), length).any())


def has_spaced_groups(text: str, groups: int, width: int, *, any_script: bool = False) -> bool:
    """True when `text` holds `groups` (>= 1) runs of `width` digits, each pair one space apart.

    The gate of a spaced card layout (`6222 0202 0000 1111`), by the same array test as
    `has_digit_run`; `any_script` as there.
    """
    digit = _digit(any_script)
    if len(text) < _ARRAY_FROM:
        spaced = f"{digit}{{{width}}}(?: {digit}{{{width}}}){{{groups - 1}}}"
        return _digit_pattern(spaced).search(text) is not None
    codes = _code_points(text)
    runs = _runs(_digit_mask(text, any_script, codes), width)
    spaces = codes == 32
    count = len(codes) - (groups * (width + 1) - 1) + 1
    if count <= 0:
        return False
    layout = runs[:count].copy()
    for j in range(1, groups):
        at = j * (width + 1)
        layout &= spaces[at - 1 : at - 1 + count] & runs[at : at + count]
    return bool(layout.any())


# Below this many characters sre's scan costs less than numpy's ~10 µs of set-up.
_ARRAY_FROM = 2_000


def _digit(any_script: bool) -> str:
    return r"\d" if any_script else "[0-9]"


@cache
def _digit_pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _digit_mask(text: str, any_script: bool, codes: np.ndarray | None = None) -> np.ndarray:
    codes = _code_points(text) if codes is None else codes
    if not any_script:
        return (codes - 48) < 10  # unsigned: code points below '0' wrap round to large values
    # Beyond the BMP the table's last entry answers "maybe": a gate may say yes too often, never no.
    return _decimal_table().take(np.minimum(codes, 0x10000))


@cache
def _decimal_table() -> np.ndarray:
    table = np.array([chr(c).isdecimal() for c in range(0x10000)] + [True])
    table[0xD800:0xE000] = False  # lone surrogates are no digits
    return table


def _runs(mask: np.ndarray, length: int) -> np.ndarray:
    """Where a run of `length` True values starts (one entry per start position)."""
    window = mask
    width = 1
    while width < length:
        step = min(width, length - width)
        window = window[:-step] & window[step:]
        width += step
    return window
