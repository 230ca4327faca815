"""Instant-messaging handles: QQ numbers, WeChat IDs and Telegram usernames.

A bare number or word is never a handle: QQ and WeChat need a cue right before them (`QQ`,
`扣扣`, `企鹅`, `🐧`, `Q:`; `微信`, `薇信`, `vx`, `+V`, `V:` — the normaliser already folds most
spellings to `QQ` / `微信` / `telegram`). Telegram needs a cue or a `t.me/` link. Canonical
forms: QQ digits, WeChat lowercase, Telegram lowercase without `@`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lianfang.indicators.model import Indicator, Rejected
from lianfang.indicators.span import make_indicator
from lianfang.taxonomy import IndicatorType
from lianfang.text.normalize import Normalized
from lianfang.text.scan import finditer_from

# What may sit between a cue and the handle: "号", "号码", ":", "是", "加", "联系", arrows, blanks.
_GLUE = r"(?:号码|账号|群号|号|群|裙|ID|id|Id)?(?:[\s:=\-—>→👉~+是为加搜索的联系找我私聊吧,、❤()]){0,6}"
# QQ numbers are often introduced more loosely (`QQ群主1170226`, `换QQ了，新号1677096734`): allow a
# few words, but not across a sentence end.
_QQ_GLUE = r"(?:[^0-9A-Za-z\s。！？!?；;]|\s++){0,7}"

_QQ = re.compile(
    r"(?:(?<![A-Za-z0-9])(?:[Qq][Qq]|[Qq])|QQ(?=\s?[:：])|企鹅)" + _QQ_GLUE
    + r"(?<![0-9])([1-9][0-9]{4,10})(?![0-9]|\.[0-9])"
)
# A cue after the number: `797208483（企鹅）`, `12345678 QQ`.
_QQ_AFTER = re.compile(r"(?<![0-9A-Za-z])([1-9][0-9]{4,10})\s?[(\[【]?(?:QQ|qq|企鹅)(?![A-Za-z0-9])")
# Units after a number make it a quantity or a price, whatever came before it.
_UNIT_AFTER = re.compile(
    r"\s?(?:元|块|米|万|千|百|人|个|次|%|天|岁|年|月|日|分|秒|条|单|位|w|W|k|K|r|R|rmb|RMB)"
)

_WECHAT_ID = r"([A-Za-z][A-Za-z0-9_\-]{5,19})(?![A-Za-z0-9_\-@]|\.[A-Za-z0-9]|:/)"
_WECHAT = re.compile(
    # A cue word, or a lone `v`/`V` (`v ks-152319`, `V:abc123`, `❤V❤`) not inside an ASCII word.
    r"(?:微信|[微薇威葳]|卫星|围信|(?<![A-Za-z0-9_\-])[vV](?![A-Za-z0-9_\-]))" + _GLUE + _WECHAT_ID
    # After "add" the cue may be glued to the ID: `加Vqian233126y`, `加vxsky_917001z`.
    + r"|(?<=[+加])(?:我)?(?:[vV][xX]?|[wW][xX])(?!ip)" + _WECHAT_ID
)

_TELEGRAM_CUE = re.compile(
    r"(?:telegram|Telegram|TELEGRAM|飞机|电报|(?<![A-Za-z0-9])(?:TG|tg|Tg))"
    r"(?:\s?(?:telegram|飞机|电报))*" + _GLUE
    + r"@?(?!telegram)([A-Za-z][A-Za-z0-9_]{4,31})(?![A-Za-z0-9_@]|\.[A-Za-z0-9]|:/)"
)
TELEGRAM_LINK = re.compile(
    r"(?<![A-Za-z0-9.\-])(?:https?://)?(?:www\.)?(?:t|telegram)\.(?:me|dog)/(@?[A-Za-z][A-Za-z0-9_]{4,31})"
    r"(?![A-Za-z0-9_])",
    re.IGNORECASE,
)
# The characters each cue pattern can begin with: scanning for them first is what keeps a 200 KB
# page fast (lianfang.text.scan); each class must cover every first character of its pattern.
# The characters after the first are checked in C too where a common character leads
# (`电话`, `我们`, an English `t` or `v`), so only real candidates cost a Python-level try.
_QQ_FIRST = re.compile("[Qq企]")
_WECHAT_FIRST = re.compile(
    "[微薇威葳卫围vV我wW](?:(?<=[微薇威葳])|(?<=卫)星|(?<=围)信|(?<=[+加]我)[vVwW]"
    "|(?<=[vV])(?:(?<![A-Za-z0-9_\\-].)(?![A-Za-z0-9_\\-])|(?<=[+加我].))|(?<=[wW])[xX])"
)
_TELEGRAM_FIRST = re.compile("[tT飞电](?:(?<=[tT])[eEgG]|(?<=飞)机|(?<=电)报)")
_LINK_FIRST = re.compile("[hHwWtT]")
# Pieces of text every match of a pattern holds: `in` finds a piece at memchr speed, while even
# a scan for the first characters costs sre a test per character, so a page without any piece
# skips the scan. Each tuple must cover every match (tests/text/test_scan.py checks it).
QQ_PIECES = ("Q", "q", "企鹅")
WECHAT_PIECES = ("微", "薇", "威", "葳", "卫星", "围信", "v", "V", "wx", "wX", "Wx", "WX")
TELEGRAM_PIECES = ("elegram", "ELEGRAM", "飞机", "电报", "TG", "tg", "Tg")
# A t.me link holds `.me/` or `.dog/`; the scan for it leads with a literal, which sre finds fast.
_LINK_GATE = re.compile(r"\.(?:[mM][eE]|[dD][oO][gG])/")
# Paths of t.me that are not usernames.
_TELEGRAM_RESERVED = {"joinchat", "addstickers", "addemoji", "share", "proxy", "socks", "iv", "setlanguage"}


def qq_from_email(norm: Normalized) -> Iterator[Indicator]:
    """Yield the QQ number of every `<digits>@qq.com` address (the address itself is an e-mail)."""
    if not any(at in norm.text for at in ("@qq.", "@QQ.", "@Qq.")):
        return
    for m in re.finditer(r"(?<![A-Za-z0-9._%+\-])([1-9][0-9]{4,10})@(?:qq|QQ|Qq)\.(?:com|COM)(?![A-Za-z0-9])",
                         norm.text):
        yield make_indicator(norm, IndicatorType.QQ, m.group(1), m.start(1), m.end(1))


def find(norm: Normalized) -> Iterator[Indicator | Rejected]:
    """Yield QQ, WeChat and Telegram handles that follow a cue (or a t.me link) in `norm`."""
    text = norm.text
    for m in finditer_from(_QQ, _QQ_FIRST, text) if holds_any(text, QQ_PIECES) else ():
        if _UNIT_AFTER.match(text, m.end()):
            continue
        yield make_indicator(norm, IndicatorType.QQ, m.group(1), m.start(1), m.end(1))
    has_qq_word = "QQ" in text or "qq" in text or "企鹅" in text
    for m in _QQ_AFTER.finditer(text) if has_qq_word else ():
        yield make_indicator(norm, IndicatorType.QQ, m.group(1), m.start(1), m.end(1))
    yield from qq_from_email(norm)
    for m in finditer_from(_WECHAT, _WECHAT_FIRST, text) if holds_any(text, WECHAT_PIECES) else ():
        group = 1 if m.group(1) is not None else 2
        yield make_indicator(norm, IndicatorType.WECHAT, m.group(group).lower(), m.start(group), m.end(group))
    for m in finditer_from(_TELEGRAM_CUE, _TELEGRAM_FIRST, text) if holds_any(text, TELEGRAM_PIECES) else ():
        start = m.start(1) - _at(text, m.start(1))
        yield make_indicator(norm, IndicatorType.TELEGRAM, m.group(1).lower(), start, m.end(1))
    for m in finditer_from(TELEGRAM_LINK, _LINK_FIRST, text) if _LINK_GATE.search(text) else ():
        name = m.group(1).lstrip("@").lower()
        if name in _TELEGRAM_RESERVED:
            continue
        yield make_indicator(norm, IndicatorType.TELEGRAM, name, m.start(), m.end())


def holds_any(text: str, pieces: tuple[str, ...]) -> bool:
    """True when `text` contains at least one of `pieces`."""
    return any(piece in text for piece in pieces)


def _at(text: str, pos: int) -> int:
    # Include a leading '@' in the raw span: `@abc` is how the handle was written.
    return 1 if pos > 0 and text[pos - 1] == "@" else 0
