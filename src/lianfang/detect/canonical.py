"""Detector-side canonicalisation applied on top of `lianfang.text.normalize`.

`normalize` folds what every consumer needs (NFKC, traditional→simplified, numerals, contact
cues, zero-width characters). Detection needs more folds that would be wrong for indicator
extraction (a domain spelt with a Cyrillic `а` is another domain), so they live here, on the
feature side only:

* lower-casing of ASCII (rules and n-grams see `DY代发` and `dy代发` alike), and accented Latin
  letters read as their base letter, so pinyin typed with tone marks reads like pinyin typed
  without (`jiā`→`jia`, `lǜ`→`lv`); stray combining marks are dropped;
* symbol noise *between two CJK characters* removed (`博*彩`, `刷|单`, `色 情`, `兼_职`, `威丶信`), because
  posters break keywords apart with it and it never carries meaning inside a word;
* evasion spellings of category keywords folded to the plain word (`菠菜`→`博彩`, `涩情`→`色情`,
  `du博`→`赌博`, `3oo`→`300`). The table below is written from what posters commonly use, not
  derived from any evaluation set;
* pinyin typed with tone numbers reads like pinyin typed with tone marks (`jia1 wei1 xin4` →
  `jia wei xin`, as `jiā wēi xìn` already does), for runs of two or more syllables, each a
  reading of some character: one toned syllable alone (`v1`, `a3`) is more often a code;
* Cyrillic and Greek letters that look like Latin ones (`wеchat` with a Cyrillic `е`) read
  as those Latin letters.

`sound_key` gives a second, homophone-blind view for the classifier: every CJK character is
replaced by one representative of all characters that share its toneless pinyin, so
`铮点饯` and `挣点钱`, `吕铯卦机相目` and `绿色挂机项目` look the same to n-gram features.
Pinyin typed in place of characters (`jia微`, `领quhong包`) joins the same classes: a run of
two or more ASCII letters touching CJK that splits wholly into pinyin syllables becomes one
representative per syllable, so `zhuan钱` reads like `赚钱`; syllables typed apart (`加 wei xin`)
read the same way when the group touches CJK, directly or across one space. A lone letter or
digit between two CJK characters (`赌a博`) is passed over in this view.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from pypinyin.pinyin_dict import pinyin_dict

__all__ = ["VARIANTS", "fold_for_detection", "sound_key"]

# Evasion spelling -> plain keyword. Longest variants first so that `菠菜网` etc. are not cut.
VARIANTS: dict[str, str] = {
    # gambling
    "菠菜": "博彩", "波菜": "博彩", "菠彩": "博彩", "博cai": "博彩", "bo彩": "博彩",
    "du博": "赌博", "赌bo": "赌博", "dubo": "赌博", "堵博": "赌博", "睹博": "赌博",
    "du场": "赌场", "赌c": "赌场", "百家le": "百家乐", "bjl": "百家乐",
    # porn
    "涩情": "色情", "瑟情": "色情", "se情": "色情", "色q": "色情", "涩图": "色图",
    "果聊": "裸聊", "luo聊": "裸聊", "约pao": "约炮", "约p": "约炮",
    "嫖c": "嫖娼", "piao娼": "嫖娼",
    # fraud / jobs
    "兼zhi": "兼职", "jian职": "兼职", "刷dan": "刷单", "shua单": "刷单", "返li": "返利",
    "贷kuan": "贷款", "dai款": "贷款", "代款": "贷款", "征xin": "征信", "zheng信": "征信",
    "杀zhu盘": "杀猪盘", "投zi": "投资",
    # payment / illicit ads
    "跑fen": "跑分", "洗qian": "洗钱", "xi钱": "洗钱", "外gua": "外挂", "wai挂": "外挂",
    "传xiao": "传销", "引liu": "引流", "yin流": "引流", "账hao": "账号",
}  # fmt: skip
_VARIANT_RE = re.compile("|".join(re.escape(k) for k in sorted(VARIANTS, key=len, reverse=True)))
# Two or more letter groups, each followed by a tone number 1-5 (`jia1wei1`, `jia1 wei1 xin4`);
# `_strip_tones` decides whether the run is pinyin.
_TONED_RUN = re.compile(r"(?<![a-z0-9])(?:[a-z]{1,6}[1-5] ?)+[a-z]{1,6}[1-5](?![0-9])")
_TONED_GROUP = re.compile(r"([a-z]+)[1-5]")
# A cheap first look (a class that re skips ahead to): most texts hold no toned group, and the
# full pattern, which opens with a lookbehind, would be tried at every letter.
_TONE_HINT = re.compile(r"[1-5](?<=[a-z][1-5])")

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Anything that is neither CJK nor an ASCII/Unicode word character, sandwiched by CJK; also
# underscores (`赌_博`) and the stroke characters posters use as separators (`威丶信`, `加丨我`),
# which are CJK code points but never stand alone in a word.
_SEPARATOR_STROKES = "丶丨丿"
_NOISE_BETWEEN_CJK = re.compile(f"(?<=[{_CJK}])(?:[^{_CJK}\\w]|[_{_SEPARATOR_STROKES}])+(?=[{_CJK}])")
# Lone ASCII "du" glued to CJK is the pinyin of 赌 (`线上du场`); inside English words it is not.
# Both patterns start with a literal and look behind it, so that re jumps from one "du" / "o" to
# the next instead of trying the lookbehind at every position (20x faster on page text).
_DU = re.compile(f"du(?![a-z])(?:(?<![a-z]du)(?=[{_CJK}])|(?<=[{_CJK}]du))")
# Letter o written for zero after a digit: 3oo, 7-8oo/h.
_OO = re.compile(r"o(?<=[0-9]o)o*(?![a-z])")


# Lower-case Cyrillic and Greek letters drawn like a Latin one (the fold lower-cases first).
_LOOKALIKES: dict[str, str] = {
    "а": "a", "в": "b", "е": "e", "ё": "e", "һ": "h", "і": "i", "ї": "i", "ј": "j", "к": "k",
    "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s",
    "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l", "α": "a", "ε": "e", "ι": "i", "κ": "k", "ν": "v",
    "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x",
}  # fmt: skip


def _char_fold() -> dict[int, str | None]:
    """str.translate table: accented Latin letters and Cyrillic / Greek look-alikes -> the Latin
    letter; combining marks and control characters -> nothing.

    Pinyin's ü keeps its identity as "v" (`lǜ`→`lv`, as typed on a keyboard); every other
    diacritic is a tone or decoration that posters add or leave out at will. Control characters
    carry nothing in a post; removing them also frees STX / ETX to mark the start and end of a
    text in the detector's n-grams (`model._edged`).
    """
    table: dict[int, str | None] = {}
    for block in ((0x00C0, 0x0250), (0x1E00, 0x1F00)):
        for cp in range(*block):
            decomposed = unicodedata.normalize("NFD", chr(cp))
            base, marks = decomposed[0], decomposed[1:]
            if base.isascii() and base.isalpha() and marks and all(map(unicodedata.combining, marks)):
                table[cp] = "v" if base in "uU" and "\u0308" in marks else base.lower()
    for block in ((0x0300, 0x0370), (0x1AB0, 0x1B00), (0x1DC0, 0x1E00), (0x20D0, 0x2100), (0xFE20, 0xFE30)):
        table.update(dict.fromkeys(range(*block)))
    table.update(dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]))
    table.update({ord(c): latin for c, latin in _LOOKALIKES.items()})
    return table


_CHAR_FOLD = _char_fold()
# The table's code points as one character class: translate (a dict lookup per character)
# only the rare texts that hold any.
_CHAR_FOLDED = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(_CHAR_FOLD)) + "]")


def fold_for_detection(normalized: str) -> str:
    """Return the detector's canonical form of an already `normalize`d text.

    Pure and idempotent; never raises for str input. Offsets are not preserved: use the
    result only for rule matching and features, never to locate indicators.
    """
    text = normalized.lower()
    if _CHAR_FOLDED.search(text):
        text = text.translate(_CHAR_FOLD)
    while True:
        text = _NOISE_BETWEEN_CJK.sub("", text)
        text = _OO.sub(lambda m: "0" * len(m.group()), text)
        tones = False
        if _TONE_HINT.search(text):
            toned = _TONED_RUN.sub(_strip_tones, text)
            tones, text = toned != text, toned
        text, variants = _VARIANT_RE.subn(lambda m: VARIANTS[m.group()], text)
        text, dus = _DU.subn("赌", text)
        # A replacement can put new CJK next to noise or another variant (`赌-bo彩`), so go
        # round again until nothing changes; that is rare, and it ends because every
        # replacement removes ASCII letters or digits, or a character no replacement writes
        # (菠, 涩, 代…).
        if not variants and not dus and not tones:
            return text


def _strip_tones(match: re.Match[str]) -> str:
    """The run without its tone numbers if every group is a pinyin syllable. `_TONED_RUN` asks
    for two groups or more: on this project's data every lone toned group touching CJK was a
    name or a code (`zen1`, `ao3`), never a typed syllable."""
    run = match.group()
    if not all(map(_is_syllable, _TONED_GROUP.findall(run))):
        return run
    return _TONED_GROUP.sub(r"\1", run)


def _is_syllable(letters: str) -> bool:
    # ü typed as v after l / n (`lv4`, `nve4`): the sound classes file toned ü readings under u
    # (`_toneless`), so those are looked up with u.
    syllables = _sound_classes()[1]
    if letters[:2] in ("lv", "nv"):
        letters = letters.replace("v", "u", 1)
    return letters in syllables


def _toneless(syllable: str) -> str:
    # A plain ü becomes "v"; a toned one (lǜ, nǚ: 6 of 1,549 first readings) loses both marks
    # and reads "u", so 绿/女 share a class with 路/努. Reading it as "v" like the fold does
    # measured no better (docs/detection.md, ninth session), so the classes stay as trained.
    plain = unicodedata.normalize("NFD", syllable.replace("ü", "v"))
    return "".join(c for c in plain if not unicodedata.combining(c))


@cache
def _sound_classes() -> tuple[dict[int, str], dict[str, str]]:
    """(CJK code point -> its class representative where it is not one itself,
    toneless syllable -> representative). The representative of a class is its lowest code
    point, preferring the common (URO) block so the view stays readable."""
    first: dict[int, str] = {}
    for cp, readings in pinyin_dict.items():
        if 0x3400 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF:
            first[cp] = _toneless(readings.split(",")[0])
    representative: dict[str, int] = {}
    for cp in sorted(first, key=lambda c: (c < 0x4E00 or c > 0x9FFF, c)):
        representative.setdefault(first[cp], cp)
    table = {cp: chr(representative[s]) for cp, s in first.items() if representative[s] != cp}
    # Syllables proper only: the interjection readings (m, n, ng, hm) would turn abbreviations
    # such as `nb` or `hm` into sounds.
    syllables = {s: chr(cp) for s, cp in representative.items() if s.isascii() and s.isalpha()}
    return table, {s: c for s, c in syllables.items() if any(v in s for v in "aeiouv")}


_LONGEST_SYLLABLE = 6  # zhuang, chuang, shuang
_LONGEST_RUN = 6 * _LONGEST_SYLLABLE  # longer letter runs are words or junk, never a few typed characters
# Whole phrases of ASCII letter runs joined by single spaces (the text is lower-case), from the
# first run of two or more letters on (a lone letter is never a typed syllable, and skipping
# them spares a Python call per letter in `a1a1…`). Anchored at both ends so that re never
# restarts inside a phrase: one pass over any text, however long.
_LETTER_PHRASE = re.compile(r"(?<![a-z])[a-z]{2,}(?: [a-z]+)*(?![a-z])")
_CJK_CHAR = re.compile(f"[{_CJK}]")
# A lone letter or digit between two CJK characters (`赌a博`, `微3信`): posters drop one in to
# break a keyword, so the sound view, which reads the characters, passes over it. The folded
# text keeps it for the other features, since there it is often meant (`加v我`, `每天3小时`).
_LONE_ALNUM_BETWEEN_CJK = re.compile(f"[a-z0-9](?<=[{_CJK}][a-z0-9])(?=[{_CJK}])")
# A space left between CJK once typed pinyin next to it became sound classes (`加 为伈`).
_SPACE_BETWEEN_CJK = re.compile(f" (?<=[{_CJK}] )(?=[{_CJK}])")


@lru_cache(maxsize=8192)  # the same few hundred syllable runs recur across texts
def _pinyin_to_sound(run: str) -> str | None:
    """The run as sound-class characters if it splits wholly into syllables (fewest), else None."""
    syllables = _sound_classes()[1]
    best: list[str | None] = [""] + [None] * len(run)
    for end in range(1, len(run) + 1):
        for start in range(max(0, end - _LONGEST_SYLLABLE), end):
            head, char = best[start], syllables.get(run[start:end])
            if head is not None and char is not None:
                candidate = head + char
                if best[end] is None or len(candidate) < len(best[end] or ""):
                    best[end] = candidate
    return best[-1]


def _cjk_across(text: str, at: int, step: int) -> bool:
    """Whether CJK is the next character from `at` in direction `step` (+1 or -1), or the one
    after a single space: the edge of a typed phrase (`加wei`, `加 wei`)."""
    for offset in (0, step):
        i = at + offset
        if not 0 <= i < len(text):
            return False
        if _CJK_CHAR.match(text, i):
            return True
        if text[i] != " ":
            return False
    return False


def _typed_pinyin(match: re.Match[str]) -> str:
    """Pinyin typed next to CJK (`jia微`, `领quhong包`, `加 wei xin`) as sound classes.

    The runs of a phrase that split wholly into syllables form groups of neighbours; the group
    at an edge of the phrase is typed pinyin when CJK lies across that edge. A typed group is
    written without its spaces; the other runs are kept as they are.
    """
    text = match.string
    left, right = _cjk_across(text, match.start() - 1, -1), _cjk_across(text, match.end(), 1)
    if not (left or right):  # most letter runs: English words, codes, URLs
        return match.group()
    runs = match.group().split(" ")
    sounds = [_pinyin_to_sound(run) if 2 <= len(run) <= _LONGEST_RUN else None for run in runs]
    typed = [False] * len(runs)
    for order, edge in ((range(len(runs)), left), (range(len(runs) - 1, -1, -1), right)):
        for i in order if edge else ():
            if sounds[i] is None:
                break
            typed[i] = True
    pieces: list[tuple[bool, str]] = []
    for run, sound, is_typed in zip(runs, sounds, typed, strict=True):
        if is_typed and pieces and pieces[-1][0]:
            pieces[-1] = (True, pieces[-1][1] + (sound or ""))
        else:
            pieces.append((is_typed, (sound or "") if is_typed else run))
    return " ".join(piece for _, piece in pieces)


def sound_key(folded: str) -> str:
    """Return the homophone-blind view of a folded text (CJK and typed pinyin by sound class).

    Pure; characters without a pinyin reading, and letter runs that are not pinyin, are kept as
    they are; a lone letter or digit between two CJK characters is dropped.
    """
    view = _LETTER_PHRASE.sub(_typed_pinyin, _LONE_ALNUM_BETWEEN_CJK.sub("", folded))
    return _SPACE_BETWEEN_CJK.sub("", view).translate(_sound_classes()[0])
