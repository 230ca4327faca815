"""Seeded obfuscation of Chinese text, the way posters evade keyword filters (for evaluation).

`obfuscate(text, seed)` applies, per text, a random mix of: traditional characters (opencc
s2t), full-width ASCII letters/digits, zero-width characters, symbol noise between CJK
characters, and homophone/variant substitutions. Its substitution list is written separately
from the detector's fold table (`detect.canonical.VARIANTS`) and deliberately includes
spellings the detector does not fold, so evaluation does not just undo a known mapping.

`type_pinyin(text, rate, seed)` is a second, separate evasion for evaluation: a share of the
CJK characters typed as their toneless pinyin (`加wei信`, `领quhong包`), the way posters
write around keyword filters when they have no look-alike at hand. With `styled=True` each text
also gets its own way of typing: with tone marks (`jiā`), apart (`加 wei xin`), in capitals.
"""

from __future__ import annotations

import random
import re
from functools import cache

import opencc
from pypinyin import Style, lazy_pinyin

__all__ = ["SUBSTITUTIONS", "obfuscate", "type_pinyin"]

# plain word -> evasion spellings seen in the wild (homophones, look-alikes, pinyin).
SUBSTITUTIONS: dict[str, tuple[str, ...]] = {
    "博彩": ("菠菜", "bo彩"),
    "赌": ("du", "堵"),
    "微信": ("薇信", "威信", "vx"),
    "色情": ("涩情", "se情"),
    "兼职": ("兼只", "jian职"),
    "赚钱": ("zhuan钱", "赚q"),
    "挣钱": ("铮钱", "挣前"),
    "免费": ("免fei", "免废"),
    "项目": ("项木", "相目"),
    "私聊": ("思聊", "si聊"),
    "加我": ("+我", "伽我"),
    "平台": ("平苔", "ping台"),
    "红包": ("红保", "hong包"),
    "代理": ("代li", "待理"),
    "投资": ("投zi", "头资"),
    "贷款": ("代款", "dai款"),
    "刷单": ("刷dan", "唰单"),
    "返利": ("返li", "反利"),
    "约炮": ("约p", "约泡"),
    "裸聊": ("果聊", "luo聊"),
    "傻逼": ("沙比", "sb"),
    "外挂": ("外gua", "wai挂"),
    "注册": ("注c", "住册"),
}
_NOISE = ("*", "·", "~", "|", "/", "-", "★", "。", " ", "丶", "💰", "🔥")
_ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\ufeff")


@cache
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def obfuscate(text: str, seed: int | str = 0) -> str:
    """Return an obfuscated copy of `text`; deterministic for a given (text, seed).

    Pure; never raises for str input. About half of the transformations are applied to each
    text, each at a modest rate, so most texts stay human-readable.
    """
    rng = random.Random(f"{seed}\x00{text}")
    out = text
    for word, variants in SUBSTITUTIONS.items():
        if word in out and rng.random() < 0.8:
            out = out.replace(word, rng.choice(variants))
    if rng.random() < 0.5:
        out = _s2t().convert(out)
    chars: list[str] = []
    full_width = rng.random() < 0.5
    noise_rate = rng.choice((0.0, 0.1, 0.25))
    zw_rate = rng.choice((0.0, 0.1, 0.2))
    for i, ch in enumerate(out):
        if full_width and ("!" <= ch <= "~") and ch.isalnum():
            ch = chr(ord(ch) + 0xFEE0)
        chars.append(ch)
        nxt = out[i + 1] if i + 1 < len(out) else ""
        if _is_cjk(ch) and _is_cjk(nxt):
            if rng.random() < noise_rate:
                chars.append(rng.choice(_NOISE))
            elif rng.random() < zw_rate:
                chars.append(rng.choice(_ZERO_WIDTH))
    return "".join(chars)


def type_pinyin(text: str, rate: float = 0.15, seed: int | str = 0, *, styled: bool = False) -> str:
    """Return `text` with about `rate` of its CJK characters typed as pinyin.

    Pure and deterministic for a given (text, rate, seed, styled); never raises for str input.
    Neighbouring typed characters run together (`quhong`), as they do when posters type them.
    `styled` draws, per text, tone marks (half of the texts), spaces around each typed
    syllable (half) and capitals (a quarter, `JIA`), so plain toneless typing is one style
    among several; without it the output is the plain style, as before. A spaced text has its
    runs of spaces collapsed to one and no space at either end.
    """
    rng = random.Random(f"{seed}\x00{rate}\x00{text}")
    tones = spaced = capitals = False
    if styled:
        tones, spaced, capitals = rng.random() < 0.5, rng.random() < 0.5, rng.random() < 0.25
    out: list[str] = []
    for ch in text:
        if not (_is_cjk(ch) and rng.random() < rate):
            out.append(ch)
            continue
        syllable = lazy_pinyin(ch, style=Style.TONE if tones else Style.NORMAL)[0]
        out.append(f" {syllable.upper() if capitals else syllable} " if spaced else syllable)
    typed = "".join(out)
    return re.sub(" {2,}", " ", typed).strip(" ") if spaced else typed
