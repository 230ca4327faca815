"""Exact, faster `finditer` for patterns whose matches can only begin at a few places.

sre tries a pattern at every position unless the pattern starts with a literal or a plain
character class; patterns that open with a look-behind or an alternation of groups (most of
ours) therefore run the whole matcher on every character of a 200 KB page. When the places a
match can begin are rare and cheap to find (a plain class, a literal), trying the pattern only
there gives the same matches much faster. Where those places turn out to be dense (English
prose for a `[tT]` class, a crafted megabyte of `www.`), a Python loop per place would cost
more than sre's own scan, so both functions hand over to `pattern.finditer` from where they
are, which yields the same matches from there on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["finditer_from", "finditer_near"]

# After this many tries, fall back to sre when tries come more often than one per this many
# characters: a try costs about what sre's own scan spends on that many characters.
_DENSE_AFTER = 256
_CHARS_PER_TRY = 24


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
        if tries > _DENSE_AFTER and tries * _CHARS_PER_TRY > pos:
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
        if tries > _DENSE_AFTER and tries * _CHARS_PER_TRY > pos:
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
