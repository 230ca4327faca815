"""Obfuscation-aware normalisation of Chinese black/gray-industry text, with an offset map.

`normalize(text)` folds the tricks that ads use to hide contact points so that one set of
extraction rules (and the classifier) sees a single spelling:

* NFKC (full-width `１３８`, `：`, mathematical `𝟏`, circled `①`), plus the digit forms NFKC
  leaves alone (negative circled `❶`, dingbat `➊`, double circled `⓵`, parenthesised `⑴` → `1`);
* invisible noise removed everywhere: zero-width characters, variation selectors, keycap marks,
  bidi controls, soft hyphens;
* traditional → simplified Chinese (`opencc` t2s);
* Chinese numerals (`零〇一…九`, `壹贰叁…`, `幺`, `两`) inside number runs of five or more digits;
* separator noise inside number runs (`138 0013 8000`, `1-3-8…`, emoji between digits);
* WeChat / QQ / Telegram homoglyph and homophone cues folded to `微信` / `QQ` / `telegram`;
* defanged dots between host labels (`点`, `。`, `[.]`, `(.)`, `[dot]`, ` dot `) → `.`.

Every character of the normalised text remembers the span of the original text it came from,
so `Normalized.original_span(start, end)` maps any normalised span back to original offsets.
The function is pure, idempotent (`normalize(normalize(x).text).text == normalize(x).text`)
and linear in the input size (every regular expression here is free of nested quantifiers).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

import opencc

from lianfang.text.scan import finditer_from, finditer_near, finditer_skipping

__all__ = ["Normalized", "normalize"]


@dataclass(frozen=True, slots=True)
class Normalized:
    """Normalised `text` plus a piecewise map from normalised characters to original spans.

    The map is sparse: normalised character `i` lies in piece `k` (the last `k` with
    `breaks[k] <= i`). In a copied piece (`highs[k] < 0`) character `i` came from original
    character `lows[k] + i - breaks[k]`; in a replacement piece every character spans the
    original `[lows[k], highs[k])`. All three tuples are empty when the text was not changed in
    length (identity map), which keeps the common case cheap.
    """

    text: str
    original: str
    breaks: tuple[int, ...] = ()
    lows: tuple[int, ...] = ()
    highs: tuple[int, ...] = ()

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalised span [start, end) to the original text's [ostart, oend).

        Requires 0 <= start <= end <= len(self.text); raises ValueError otherwise. An empty span
        maps to an empty span at the corresponding original position.
        """
        n = len(self.text)
        if not 0 <= start <= end <= n:
            raise ValueError(f"span ({start}, {end}) outside normalised text of length {n}")
        if not self.breaks:
            return start, end
        if start == end:
            pos = _piece_start(self, start) if start < n else len(self.original)
            return pos, pos
        return _piece_start(self, start), _piece_end(self, end - 1)


def _piece_start(norm: Normalized, i: int) -> int:
    k = bisect_right(norm.breaks, i) - 1
    return norm.lows[k] + i - norm.breaks[k] if norm.highs[k] < 0 else norm.lows[k]


def _piece_end(norm: Normalized, i: int) -> int:
    k = bisect_right(norm.breaks, i) - 1
    return norm.lows[k] + i - norm.breaks[k] + 1 if norm.highs[k] < 0 else norm.highs[k]


# --- character tables ----------------------------------------------------------------------

# Digit forms that NFKC does not fold but ads use as digits.
_EXTRA_DIGITS: dict[int, str] = {}
for _base, _first_value in ((0x2776, 1), (0x2780, 1), (0x278A, 1), (0x24F5, 1)):
    for _i in range(10):
        _EXTRA_DIGITS[_base + _i] = str(_first_value + _i)
for _i in range(10):  # ⓫..⓴ negative circled 11..20
    _EXTRA_DIGITS[0x24EB + _i] = str(11 + _i)
for _i in range(20):  # ⑴..⒇ parenthesised and ⒈..⒛ digit-full-stop: the number alone
    _EXTRA_DIGITS[0x2474 + _i] = str(1 + _i)
    _EXTRA_DIGITS[0x2488 + _i] = str(1 + _i)
_EXTRA_DIGITS.update({0x24FF: "0", 0x24EA: "0", 0x1F10B: "0", 0x1F10C: "0"})

# Invisible characters that only serve to break up words and numbers.
_INVISIBLE = (
    [0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x3164, 0xFEFF, 0xFFA0, 0x20E3]
    + list(range(0x200B, 0x2010))
    + list(range(0x202A, 0x202F))
    + list(range(0x2060, 0x2070))
    + list(range(0xFE00, 0xFE10))
    + list(range(0xE0000, 0xE0080))
    + list(range(0xE0100, 0xE01F0))
)

# Heavy plus and friends mean "add me" (`➕V`); fold them to ASCII so cues match one form.
_PLUS = {0x2795: "+", 0xFF0B: "+", 0x2064: "", 0x271A: "+", 0x2719: "+"}


@cache
def _char_tables() -> tuple[dict[int, str], dict[int, str], re.Pattern[str], re.Pattern[str]]:
    """Build (one-to-one table, length-changing table, regexes of both key sets) once."""
    one: dict[int, str] = {}
    multi: dict[int, str] = {}
    for cp in range(0x110000):
        if 0xD800 <= cp < 0xE000:
            continue
        ch = chr(cp)
        if not unicodedata.decomposition(ch):
            continue
        folded = unicodedata.normalize("NFKC", ch)
        if folded != ch:
            (one if len(folded) == 1 else multi)[cp] = folded
    custom = {**_EXTRA_DIGITS, **_PLUS, **{cp: "" for cp in _INVISIBLE}}
    for cp, folded in custom.items():
        one.pop(cp, None)
        multi.pop(cp, None)
        (one if len(folded) == 1 else multi)[cp] = folded
    # A folded value must itself be stable, or a second pass would change it again.
    for table in (one, multi):
        for cp, folded in table.items():
            table[cp] = unicodedata.normalize("NFKC", folded).translate(one)
    return one, multi, _char_class(multi), _char_class(one)


class _CharSet:
    """A set of code points that a text is searched for at C speed.

    sre compiles the BMP part of a character class to a bitmap but tests characters above
    U+FFFF as a list of ranges, tried for every character scanned (a CJK page scans 15x
    slower). So the BMP part is one class, and the astral part is only tried on the astral
    characters of the text, which are few.
    """

    __slots__ = ("bmp", "astral")

    def __init__(self, codepoints: Iterable[int]) -> None:
        points = sorted(codepoints)
        self.bmp = _char_class(cp for cp in points if cp <= 0xFFFF)
        self.astral = _char_class(cp for cp in points if cp > 0xFFFF)

    def findall(self, text: str) -> list[str]:
        """Every character of `text` in the set, in order within each half."""
        found = self.bmp.findall(text)
        if _has_astral(text):
            found += self.astral.findall("".join(_ASTRAL.findall(text)))
        return found

    def occurs_in(self, text: str) -> bool:
        """True when some character of `text` is in the set."""
        if self.bmp.search(text) is not None:
            return True
        if not _has_astral(text):
            return False
        return self.astral.search("".join(_ASTRAL.findall(text))) is not None


def _has_astral(text: str) -> bool:
    # sre would test every character against an astral class; encoding a BMP-only str to
    # UTF-16 is a copy, and its length tells whether any character needed a surrogate pair.
    return len(text.encode("utf-16-le", "surrogatepass")) != 2 * len(text)


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


@cache
def _key_sets() -> tuple[_CharSet, _CharSet, _CharSet]:
    """Fast sets of the keys of the (length-changing, one-to-one, either) tables."""
    one, multi, _, _ = _char_tables()
    return _CharSet(multi), _CharSet(one), _CharSet([*multi, *one])


def _char_class(codepoints: Iterable[int]) -> re.Pattern[str]:
    # Ranges, not a list of 1,200 literals: sre scans literal sets linearly (30x slower).
    ranges: list[list[int]] = []
    for cp in sorted(codepoints):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    chars = "".join(re.escape(chr(a)) + (f"-{re.escape(chr(b))}" if b > a else "") for a, b in ranges)
    return re.compile(f"[{chars}]")


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


# --- edit machinery --------------------------------------------------------------------------


class _OffsetMap:
    """Sparse map of the current text back to the original (see `Normalized` for the layout).

    Kept as pieces rather than one entry per character: a 200 KB page changes in a few
    hundred places, and per-character lists cost more than all the regular expressions.
    """

    __slots__ = ("breaks", "lows", "highs", "size")

    def __init__(self, size: int) -> None:
        self.breaks: list[int] = [0] if size else []
        self.lows: list[int] = [0] if size else []
        self.highs: list[int] = [-1] if size else []
        self.size = size

    def start_of(self, i: int) -> int:
        """Original start offset of current character `i` (0 <= i < size)."""
        k = bisect_right(self.breaks, i) - 1
        return self.lows[k] + i - self.breaks[k] if self.highs[k] < 0 else self.lows[k]

    def end_of(self, i: int) -> int:
        """Original end offset of current character `i` (0 <= i < size)."""
        k = bisect_right(self.breaks, i) - 1
        return self.lows[k] + i - self.breaks[k] + 1 if self.highs[k] < 0 else self.highs[k]


class _MapBuilder:
    """Builds the map of an edited text from the map of the text before the edits."""

    __slots__ = ("old", "cursor", "new", "size")

    def __init__(self, old: _OffsetMap) -> None:
        self.old = old
        self.cursor = 0
        self.new = _OffsetMap(0)
        self.size = 0

    def _push(self, low: int, high: int, length: int) -> None:
        new = self.new
        if new.breaks:
            last_low, last_high = new.lows[-1], new.highs[-1]
            run = self.size - new.breaks[-1]
            copied_on = high < 0 and last_high < 0 and last_low + run == low
            same_span = high >= 0 and (last_low, last_high) == (low, high)
            if copied_on or same_span:
                self.size += length
                return
        new.breaks.append(self.size)
        new.lows.append(low)
        new.highs.append(high)
        self.size += length

    def copy(self, a: int, b: int) -> None:
        """Append old characters [a, b) with their own map entries (calls come with rising a)."""
        old = self.old
        breaks = old.breaks
        k = self.cursor
        while k + 1 < len(breaks) and breaks[k + 1] <= a:
            k += 1
        self.cursor = k
        pos = a
        while pos < b:
            piece_end = breaks[k + 1] if k + 1 < len(breaks) else old.size
            stop = min(b, piece_end)
            low = old.lows[k] + pos - breaks[k] if old.highs[k] < 0 else old.lows[k]
            self._push(low, old.highs[k], stop - pos)
            pos = stop
            if pos == piece_end:
                k += 1
        self.cursor = min(k, max(len(breaks) - 1, 0))

    def replace(self, length: int, low: int, high: int) -> None:
        """Append `length` new characters that each span the original [low, high)."""
        if length:
            self._push(low, high, length)

    def result(self) -> _OffsetMap:
        """The finished map."""
        self.new.size = self.size
        return self.new


class _Buffer:
    """Current text plus the sparse map back to the original (None = identity)."""

    __slots__ = ("text", "map")

    def __init__(self, text: str) -> None:
        self.text = text
        self.map: _OffsetMap | None = None

    def replace_same_length(self, new_text: str) -> None:
        """Swap in a character-for-character replacement; the offset map is unchanged."""
        self.text = new_text

    def apply(self, edits: Iterable[tuple[int, int, str]]) -> None:
        """Apply sorted, non-overlapping (start, end, replacement) edits and update the map."""
        text = self.text
        old = self.map if self.map is not None else _OffsetMap(len(text))
        builder = _MapBuilder(old)
        parts: list[str] = []
        pos = 0
        changed = False
        for a, b, rep in edits:
            if text[a:b] == rep:
                continue
            changed = True
            parts.append(text[pos:a])
            builder.copy(pos, a)
            if len(rep) == b - a:  # one-to-one keeps per-character precision
                builder.copy(a, b)
            elif rep:
                # Each new character spans the whole replaced original range.
                lo = old.start_of(a) if a < b else (old.end_of(a - 1) if a > 0 else 0)
                hi = old.end_of(b - 1) if a < b else lo
                builder.replace(len(rep), lo, hi)
            parts.append(rep)
            pos = b
        if not changed:
            return
        parts.append(text[pos:])
        builder.copy(pos, len(text))
        self.text = "".join(parts)
        self.map = builder.result()

    def sub(self, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str],
            first: re.Pattern[str] | None = None, skip: int = 0) -> None:
        """Like `pattern.sub(repl, text)` but keeping the offset map.

        `first`/`skip`, when given, locate every place a match of `pattern` can begin (see
        `finditer_from`); they only make the scan faster.
        """
        if first is not None:
            matches = finditer_from(pattern, first, self.text, skip)
            self.apply((m.start(), m.end(), repl(m)) for m in matches)
            return
        if pattern.search(self.text) is None:
            return
        self.apply((m.start(), m.end(), repl(m)) for m in pattern.finditer(self.text))


# --- passes ----------------------------------------------------------------------------------

# Stable chunk starts for the rare texts whose combining sequences NFKC composes.
_SIMPLE = r"\x00-\x7f\u4e00-\u9fff\u3000-\u303f\uff00-\uffef"
_CHUNK = re.compile(f"[{_SIMPLE}]?[^{_SIMPLE}]+")


def _fold_characters(buf: _Buffer) -> bool:
    one, _multi, multi_re, _one_re = _char_tables()
    multi_keys = _key_sets()[0]
    # No value of the tables holds a key (tests/text/test_normalize_rounds.py checks every one),
    # so the one-to-one and the length-changing folds may go in either order.
    text, lengthens = _translate_one(buf.text)
    buf.replace_same_length(text)
    if lengthens:
        # The astral ranges of the full class cost sre a test per character scanned.
        buf.sub(multi_re if _has_astral(text) else multi_keys.bmp, lambda m: _multi_value(m.group()))
    if not unicodedata.is_normalized("NFKC", buf.text):
        # Combining sequences (e + U+0301, Hangul jamo) compose across characters: normalise
        # maximal runs of unusual characters as a whole, each run mapping to its whole span.
        buf.sub(_CHUNK, lambda m: unicodedata.normalize("NFKC", m.group()).translate(one))
        return False  # chunks normalised apart: not shown to be a fixed point, so a call confirms
    # The text is NFKC and holds no key (the values hold none): a second call changes nothing.
    return True


def _translate_one(text: str) -> tuple[str, bool]:
    """Return `text` translated by the one-to-one table, and whether it holds a length-changing key.

    Faster on the texts pages hold than str.translate, which looks every character up in the
    dict (~40 ns each); listing every occurrence of a key costs about as much. A page holds a
    handful of distinct foldable characters (full-width punctuation): each is found once, by a
    scan for the keys of both tables that goes on from where the previous one stopped, and
    str.replace swaps all its occurrences at memchr speed. No value holds a key, so no
    replacement gives the scan new work.
    """
    one = _char_tables()[0]
    multi_keys, one_keys, keys = _key_sets()
    source = text
    astral = set(keys.astral.findall("".join(_ASTRAL.findall(text)))) if _has_astral(text) else set()
    pending = [ch for ch in astral if ord(ch) in one]
    lengthens = len(pending) < len(astral)
    kinds = 0
    pos = 0
    while True:
        if pending:
            ch = pending.pop()
        elif (hit := keys.bmp.search(text, pos)) is not None:
            ch, pos = hit.group(), hit.start()
            if ord(ch) not in one:
                # A length-changing key stays in the text: look on past it for one-to-one keys.
                lengthens = True
                keys = one_keys
                pos += 1
                continue
        else:
            return text, lengthens
        kinds += 1
        if kinds > _MAX_KINDS:
            return source.translate(one), lengthens or multi_keys.occurs_in(source)
        text = text.replace(ch, one[ord(ch)])


_MAX_KINDS = 16


def _multi_value(ch: str) -> str:
    return _char_tables()[1][ord(ch)]


def _to_simplified(buf: _Buffer) -> None:
    text = buf.text
    if text.isascii():
        return
    try:
        converted = _converter().convert(text)
    except UnicodeEncodeError:  # lone surrogates cannot reach the C library; convert around them
        converted = "".join(
            part if _SURROGATE.fullmatch(part) else _converter().convert(part)
            for part in _SURROGATE_SPLIT.split(text)
        )
    if converted == text:
        return
    if len(converted) == len(text):
        buf.replace_same_length(converted)
        return
    # A phrase changed length: fall back to per-character conversion to keep the map exact.
    buf.replace_same_length("".join(_simplified_char(c) for c in text))


_SURROGATE = re.compile("[\ud800-\udfff]+")
_SURROGATE_SPLIT = re.compile("([\ud800-\udfff]+)")


@cache
def _simplified_char(ch: str) -> str:
    if _SURROGATE.fullmatch(ch):
        return ch
    out = _converter().convert(ch)
    return out if len(out) == 1 else ch


_WECHAT = "微信"
_QQ = "QQ"
_TELEGRAM = "telegram"

# Cue spellings folded to one canonical cue word. ASCII cues must stand alone (not inside an
# ID such as `wx0199865`), so they only fold when no ASCII letter/digit touches them.
# Not inside a URL, e-mail or ID: `?from=qq`, `wx-abc.com`, `tg_bot`, `a@qq.com` keep their letters.
_ALONE_BEFORE = r"(?<![A-Za-z0-9_@./\-=&?#%])"
_ALONE_AFTER = r"(?![A-Za-z0-9_@/\-=&#%]|\.[A-Za-z0-9])"
_CUE_WORDS: tuple[tuple[str, str], ...] = (
    (r"[微薇威葳徽维卫危嶶溦巍]\s?[信芯❤♥💗💕❤️]|[vVＶ][信芯]|微\s?❤", _WECHAT),
    (f"{_ALONE_BEFORE}(?:[vVwW][xX]|weixin|WEIXIN|Weixin|wechat|WeChat|WECHAT|Wechat){_ALONE_AFTER}",
     _WECHAT),
    (f"扣扣|抠抠|叩叩|寇寇|🐧|{_ALONE_BEFORE}(?:qq|Qq|qQ){_ALONE_AFTER}", _QQ),
    (f"纸飞机|小飞机|✈|🛩|{_ALONE_BEFORE}(?:TG|tg|Tg|Telegram|TELEGRAM|telegram){_ALONE_AFTER}", _TELEGRAM),
)
_CUE_FIRST = re.compile("[微薇威葳徽维卫危嶶溦巍vVＶwW扣抠叩寇🐧qQ纸小✈🛩tT]")
# The same places for a text without astral characters (sre tests the astral members of a
# class at every character), checked a character further in C: `小` alone (小学) or `t` alone
# costs no Python-level try.
_CUE_FIRST_BMP = re.compile(
    "[微薇威葳徽维卫危嶶溦巍vVＶwW扣抠叩寇qQ纸小✈tT]"
    "(?:(?<=[微薇威葳徽维卫危嶶溦巍])\\s?[信芯❤♥💗💕❤️]|(?<=[vVＶ])[信芯]|(?<=[vVwW])[xX]|(?<=[wW])[eE]"
    "|(?<=[qQ])[qQ]|(?<=[tT])[gGeE]|(?<=扣)扣|(?<=抠)抠|(?<=叩)叩|(?<=寇)寇|(?<=[纸小])飞|(?<=✈))"
)
_CUE_RE = re.compile("|".join(f"(?P<c{i}>{p})" for i, (p, _) in enumerate(_CUE_WORDS)))


def _fold_cues(buf: _Buffer) -> None:
    def repl(m: re.Match[str]) -> str:
        return _CUE_WORDS[int(m.lastgroup[1:])][1] if m.lastgroup else m.group()

    buf.sub(_CUE_RE, repl, first=_CUE_FIRST if _has_astral(buf.text) else _CUE_FIRST_BMP)


_CN_DIGITS = {
    "零": "0", "〇": "0", "○": "0", "一": "1", "幺": "1", "二": "2", "两": "2", "三": "3", "四": "4",
    "五": "5", "六": "6", "七": "7", "八": "8", "九": "9", "壹": "1", "贰": "2", "叁": "3", "肆": "4",
    "伍": "5", "陆": "6", "柒": "7", "捌": "8", "玖": "9", "洞": "0",
}  # fmt: skip
_CN_DIGIT_CLASS = "".join(k for k in _CN_DIGITS if k != "洞")
# Separator noise between the digits of one number; ASCII '.', ',' and ':' are not noise
# (prices, thousands, times), nor is '+' (promotions such as 100+100).
_SEP = r"[ \t\u00a0\u3000\-‐‑‒–—―_·•∙・~～*|/\\'\"`^=＿ー\U0001F300-\U0001FAFF\u2600-\u2794\u2796-\u27BF]"
_CN_RUN = re.compile(f"(?:[0-9{_CN_DIGIT_CLASS}]{_SEP}{{0,2}}){{4,}}[0-9{_CN_DIGIT_CLASS}]")
_CN_ANY = re.compile(f"[{_CN_DIGIT_CLASS}]")
_CN_PIECES = re.compile(
    f"((?<=[{_CN_DIGIT_CLASS}]){_SEP}+(?=[0-9])|(?<=[0-9]){_SEP}+(?=[{_CN_DIGIT_CLASS}]))"
)
_CN_TABLE = str.maketrans({k: v for k, v in _CN_DIGITS.items() if k != "洞"})
# A run glued to letters or a dot (`400 59mdh.top`, `26718 3515.sf8.us`) is part of a host or ID.
_RUN_END = r"(?!\.?[A-Za-z0-9])"
_DIGIT_RUN = re.compile(f"(?<![0-9.])[0-9]++(?:{_SEP}{{1,3}}[0-9]++)+{_RUN_END}")
_SEPS = re.compile(f"({_SEP}+)")


# A run of _CN_RUN is a maximal chain of digits/numerals joined by at most two separators, and
# only a chain holding a numeral can change. Such a chain (five or more digits) has a numeral
# joined to a digit or numeral on its right, or an ASCII digit joined to a numeral on its left;
# one scan led by the numeral (a plain class, fast) tests both, the left side by look-behinds
# of each fixed width.
_CN_LINK = re.compile(
    f"[{_CN_DIGIT_CLASS}](?:{_SEP}{{0,2}}[0-9{_CN_DIGIT_CLASS}]"
    f"|(?<=[0-9].)|(?<=[0-9]{_SEP}.)|(?<=[0-9]{_SEP}{_SEP}.))"
)


def _fold_cn_numerals(buf: _Buffer) -> bool:
    if _CN_LINK.search(buf.text) is None:
        return True  # every numeral stands alone (一个, 三天): no run to fold
    buf.sub(_CN_RUN, _cn_run_digits)
    return False


def _cn_run_digits(m: re.Match[str]) -> str:
    # A blank between a Chinese numeral and an ASCII digit ends the number (`张三 13800138000`);
    # within each piece, five or more numerals is a number (real words such as 一一 are short).
    run = m.group()
    if _CN_ANY.search(run) is None:
        return run  # plain ASCII digits: most runs on a page
    out: list[str] = []
    for piece in _CN_PIECES.split(run):
        if _CN_ANY.search(piece) and sum(1 for c in piece if c.isdigit() or c in _CN_DIGITS) >= 5:
            piece = piece.translate(_CN_TABLE)
        out.append(piece)
    return "".join(out)


def _collapsed(run: str) -> str:
    """The digit run `run` (a _DIGIT_RUN match) with the separators that break up one number removed.

    Runs led by a date stay as written; `_RUN_SKIP` passes over them before they get here.
    """
    pieces = _SEPS.split(run)  # groups of digits at even places, separators between them
    groups = pieces[::2]
    total = sum(map(len, groups))
    if total < 5:
        return run  # ranges and small numbers (3-5, 1 2 3) stay as written
    if 15 <= total <= 19 and 3 <= len(groups) <= 5:
        return "".join(groups)  # ID-card (6-8-4) and bank-card (4-4-4-4-3) layouts
    # One number broken up has digit-by-digit pieces (total == number of groups) or long inner
    # groups (138 0013 8000); short inner groups (30 🌜 60 🌞 120) are a list of amounts.
    if total != len(groups) and min(map(len, groups[1:-1]), default=3) < 3:
        return run
    # Two long numbers separated by blanks are a list, not one number broken up.
    seps = pieces[1::2]
    if not any(map(str.isspace, seps)):
        return "".join(groups)  # no blank to keep: one number (most phone numbers on a page)
    # Numbers are gathered as lists of groups: `+=` on a list item copies the whole number
    # each time, quadratic on a megabyte of `1 1 1 …`.
    out: list[str] = []
    number = [groups[0]]
    size = len(groups[0])
    for sep, group in zip(seps, groups[1:], strict=True):
        if sep.isspace() and size >= 5 and len(group) >= 5:
            out.append("".join(number))
            out.append(" ")
            number, size = [group], len(group)
        else:
            number.append(group)
            size += len(group)
    out.append("".join(number))
    return "".join(out)


def _collapse_digit_runs(buf: _Buffer) -> bool:
    runs = finditer_skipping(_DIGIT_RUN, _RUN_SKIP, buf.text)
    edits = [(m.start(), m.end(), _collapsed(m.group())) for m in runs]
    buf.apply(edits)
    collapsed = buf.text
    if _DOTTED_GATE.search(collapsed) is not None:
        # _DOTTED_RUN opens with a look-behind (tried at every character); its first dot group
        # (a _DOTTED_GATE hit) lies at most _DOTTED_REACH characters after its start.
        matches = finditer_near(_DOTTED_RUN, _DOTTED_GATE, collapsed, _DOTTED_REACH)
        buf.apply((m.start(), m.end(), _dotted_digits(m)) for m in matches)
    # Sure of a fixed point when no dotted run was joined (a joined one may meet a number beside
    # it: `182.7822.7436 5678`) and every replacement is a fixed point of _collapsed: all digits,
    # as most are, or long numbers kept apart by blanks (unless three to five of them make a
    # card layout). A replacement keeps its run's first and last digit and what lies around
    # it, so a second call meets the same runs elsewhere (a run before one never reached into
    # it, or finditer would have taken it in) and at each replacement that replacement whole,
    # or no run where it is all digits.
    return collapsed == buf.text and all(
        (rep.isascii() and rep.isdigit()) or _collapsed(rep) == rep for _, _, rep in edits
    )


# Dots as group separators (`182.7822.7436`, `6222.0204.2783.0156.670`): three or more groups of
# 3-4 digits with at least one of four. Prices have one dot, dates 2-digit groups, IPv4 <= 3 digits.
_DOTTED_RUN = re.compile(r"(?<![0-9.])[0-9]{3,4}(?:\.[0-9]{3,4}){2,4}(?![0-9]|\.[0-9])")


# A run led by a date (`2024-05-01`, `2024/5/1 8:00`) stays as written. It is the _DIGIT_RUN
# match that opens with a year of four digits, one '-' or '/', a whole group that is a month,
# one '-' or '/' and the start of a day, and has at least three groups (then the look-ahead
# reads only characters of the run, as a date test of the run's own text would).
_DATE_RUN = (
    f"(?<![0-9.])(?=(?:19|20)[0-9]{{2}}[-/](?:0?[1-9]|1[0-2])[-/]0?[1-9])"
    f"[0-9]++(?:{_SEP}{{1,3}}[0-9]++){{2,}}{_RUN_END}"
)
# What sre passes over to reach the next run that may change (see finditer_skipping): other
# characters, digits where no run starts (no separator after them, or _DIGIT_RUN fails there)
# and whole runs led by a date, which are most of a page's runs. Each alternative starts at the
# first digit of a group and takes the group whole, so no run starts inside what it passed.
_RUN_SKIP = re.compile(
    f"[^0-9]*+(?:(?:[0-9]++(?!{_SEP})|{_DATE_RUN}|(?!{_DIGIT_RUN.pattern})[0-9]++)[^0-9]*+)*+"
)
# Every dotted run holds a dot followed by three digits. Dots are rare, so this scan is cheap.
_DOTTED_GATE = re.compile(r"\.[0-9]{3}")
_DOTTED_REACH = 4


def _dotted_digits(m: re.Match[str]) -> str:
    groups = m.group().split(".")
    total = sum(len(g) for g in groups)
    if total < 11 or all(len(g) <= 3 for g in groups):
        return m.group()
    return "".join(groups)


# A defanged dot between host labels: `yl1018点vip`, `abc[.]com`, `abc 。 com`, `abc dot com`.
_DOT_WORD = (
    r"(?:\s?(?:点|點|。|\[\.\]|\(\.\)|\{\.\}|\[点\]|\(点\)|【点】|\[。\]|\[dot\]|\(dot\)|\{dot\})\s?"
    r"| (?:dot|DOT) )"
)
# Digits on both sides (`3点30`) is a time or a price, not a host name.
_DEFANG = re.compile(f"(?<=[A-Za-z0-9]){_DOT_WORD}(?=[A-Za-z])|(?<=[A-Za-z]){_DOT_WORD}(?=[0-9])")


# Where those two can begin: right after an ASCII letter or digit (both look-behinds demand one),
# at a blank, a dot or the first character of a dot word, checked on to the letter or digit
# after it (a digit only after a letter) in C: `1。` + newline + `2024` costs no Python-level
# try. The look-ahead for the character after the letter or digit fails fast on digit strings.
_DOT_NEXT = r"(?=[\s点點。\[\(\{【.])"
_DEFANG_AT = re.compile(
    f"[A-Za-z0-9]{_DOT_NEXT}(?:(?<=[A-Za-z]){_DOT_WORD}[A-Za-z0-9]|{_DOT_WORD}[A-Za-z])"
)
_SPACED_DOT_AT = re.compile(f"[A-Za-z0-9]{_DOT_NEXT}(?:\\s+\\.\\s*|\\.\\s+)[a-z]")
# Either kind of candidate; most pages have none, and one scan then stands for both.
_DOT_CANDIDATE = re.compile(
    f"[A-Za-z0-9]{_DOT_NEXT}(?:(?<=[A-Za-z]){_DOT_WORD}[A-Za-z0-9]|{_DOT_WORD}[A-Za-z]"
    f"|\\s+\\.\\s*[a-z]|\\.\\s+[a-z])"
)


def _fold_defanged_dots(buf: _Buffer) -> None:
    if _DOT_CANDIDATE.search(buf.text) is None:
        return
    buf.sub(_DEFANG, lambda m: ".", first=_DEFANG_AT, skip=1)
    buf.sub(_SPACED_DOT, _spaced_dot, first=_SPACED_DOT_AT, skip=1)


# `268883. com`, `17wcg  .top`: blanks around the dot before a common suffix. Only when the label
# before holds a digit (as the throw-away hosts of these ads do), so prose (`it. me`) stays.
_SPACED_DOT = re.compile(
    r"(?<=[A-Za-z0-9])(?:\s+\.\s*|\.\s+)(?=(?:com|net|org|cn|top|cc|vip|xyz|me|info|app|club|shop|site|online"
    r"|io|co|tv|us|bet|win|fun|live|ink|pro|biz|asia|hk|tw|la|in|wang|link|work)(?![A-Za-z0-9]))"
)
_LABEL_BEFORE = re.compile(r"[A-Za-z0-9\-]{1,63}$")


def _spaced_dot(m: re.Match[str]) -> str:
    label = _LABEL_BEFORE.search(m.string, max(0, m.start() - 63), m.start())
    return "." if label is not None and any(c.isdigit() for c in label.group()) else m.group()


# A pass returns True when it is sure that the text it leaves is a fixed point of its own (a
# second call would change nothing, see _KEPT_IF_SURE for more), None or False when not sure.
_Pass = Callable[[_Buffer], bool | None]
_PASSES: tuple[_Pass, ...] = (
    _fold_characters,
    _to_simplified,
    _fold_cues,
    _fold_cn_numerals,
    _collapse_digit_runs,
    _fold_defanged_dots,
)
_MAX_ROUNDS = 4
# What `_collapse_digit_runs` changes (separators between two ASCII digits dropped, or a blank
# between two long numbers made " ") cannot give these passes work they did not have before:
# characters are folded one by one and NFKC never composes an ASCII digit with a neighbour;
# opencc's t2s dictionaries hold no ASCII digit, so no phrase reaches across a number; cue
# words and their look-arounds end at a digit. A pass that left the text alone therefore leaves
# the collapsed text alone too (tests/text/test_normalize_rounds.py checks this against the plain
# loop).
# Chinese numerals are not among them: a number joined up can become a five-numeral run.
_KEPT_SETTLED: dict[_Pass, frozenset[_Pass]] = {
    _collapse_digit_runs: frozenset({_fold_characters, _to_simplified, _fold_cues}),
}
# These stay settled through its changes too when their last call was sure: the numeral pass is
# sure when no numeral is linked to a digit or numeral (_CN_LINK), and collapsing links none: it
# drops or blanks characters only between two digits of a run, so what lies between a numeral
# and the digits nearest to it stays as it was.
_KEPT_IF_SURE: dict[_Pass, frozenset[_Pass]] = {
    _collapse_digit_runs: frozenset({_fold_cn_numerals}),
}


def normalize(text: str) -> Normalized:
    """Normalise `text` (see module docstring) and keep the map back to original offsets.

    Accepts any str (including lone surrogates and megabyte inputs); never raises for str
    input. The result is a fixed point: normalising its `text` again returns the same text.
    """
    buf = _Buffer(text)
    # Rounds of all passes until every pass leaves the text alone, at most _MAX_ROUNDS. The
    # passes are pure functions of the text: a pass that left the current text alone is
    # `settled` and is skipped until a change it may care about (every change but the ones
    # _KEPT_SETTLED and _KEPT_IF_SURE list), and so is a pass that changed the text and is sure
    # of a fixed point. Skipping only drops steps that would change nothing, so the result is
    # that of running every round in full.
    settled: frozenset[_Pass] = frozenset()
    sure: frozenset[_Pass] = frozenset()  # the settled passes whose last call returned True
    for applied in range(_MAX_ROUNDS * len(_PASSES)):
        step = _PASSES[applied % len(_PASSES)]
        if step in settled:
            continue
        before = buf.text
        certain = step(buf) is True
        if buf.text != before:
            settled &= _KEPT_SETTLED.get(step, frozenset()) | (sure & _KEPT_IF_SURE.get(step, frozenset()))
            sure &= settled
            if not certain:
                continue
        settled |= {step}
        if certain:
            sure |= {step}
        if len(settled) == len(_PASSES):
            break
    if buf.map is None:
        return Normalized(text=buf.text, original=text)
    m = buf.map
    return Normalized(text=buf.text, original=text, breaks=tuple(m.breaks), lows=tuple(m.lows),
                      highs=tuple(m.highs))
