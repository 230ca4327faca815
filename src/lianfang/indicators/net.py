"""Network indicators: URLs, registrable domains and e-mail addresses.

The public suffix list is `tldextract`'s bundled snapshot; nothing is fetched. Canonical forms:
url with lowercase scheme and host, `http://` when written without scheme, no fragment; domain =
registrable domain (eTLD+1) lowercase; e-mail lowercase. The domain of an e-mail address and the
host of an IM link (t.me, wa.me, qm.qq.com, u.wechat.com, ...) are not reported as domains.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from urllib.parse import urlsplit, urlunsplit

import tldextract

from lianfang.indicators.model import Indicator, Rejected
from lianfang.indicators.span import make_indicator
from lianfang.taxonomy import IndicatorType
from lianfang.text.normalize import Normalized
from lianfang.text.scan import finditer_near

# Hosts whose links are IM handles (reported by im.py or not at all), never domains.
IM_HOSTS = frozenset({
    "t.me", "telegram.me", "telegram.dog", "www.t.me", "wa.me", "api.whatsapp.com", "chat.whatsapp.com",
    "qm.qq.com", "u.wechat.com", "weixin.qq.com", "work.weixin.qq.com", "line.me",
})
TELEGRAM_HOSTS = frozenset({"t.me", "telegram.me", "telegram.dog", "www.t.me"})
# Suffixes that are far more often file extensions than hosts when written bare (`main.py`).
_BARE_SUFFIX_BLOCK = frozenset({
    "py", "sh", "md", "rs", "pl", "zip", "mov", "so", "exe", "pdf", "doc", "jpg", "png", "gif", "txt", "csv",
    "js", "css", "php", "html", "htm", "json", "xml", "yaml", "yml", "ini", "log", "apk", "ipa", "dll", "bat",
    "sql", "java", "go", "ts", "rb", "mp", "mp4", "mp3", "gz", "tar", "rar", "7z",
})
# `Mr.Wang`, `Dr.Li`: title-case words around a dot are a name, even when `.wang` is a TLD.
_TITLE_PAIR = re.compile(r"[A-Z][a-z]{0,3}\.[A-Z][a-z]+")

_HOST = r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9\-]{1,23}"
# Characters that end a URL in Chinese text: blanks, CJK, full-width and CJK punctuation, quotes.
_URL_CHAR = (
    r"[^\s<>\"'`{}|\\^\u2000-\u206f\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
    r"\U0001F000-\U0001FAFF\u2600-\u27bf]"
)
# Two links glued together (`http://t.cn/xhttp://a.cn/y`) are two links; `[` starts QQ emoticon
# markup (`[em]e102[/em]`) far more often than an IPv6 literal in these texts.
_URL = re.compile(
    rf"(?:https?://|(?<![A-Za-z0-9])(?:[A-Za-z][A-Za-z0-9+.\-]{{1,15}}://|www\.))(?:(?!https?://|\[){_URL_CHAR})+",
    re.IGNORECASE
)
# Bare host, optionally with port and path: `abc.com`, `tz.abc.com/app/x.php?id=1`.
_BARE = re.compile(rf"(?<![A-Za-z0-9_.@/\-])({_HOST})((?::[0-9]{{1,5}})?/{_URL_CHAR}*)?(?![A-Za-z0-9_\-@])")
# Chinese internationalised labels (`晚星.top`, `庄家.cc`): a short run of Han characters directly
# before an ASCII suffix. Longer runs are sentences, not labels, and are left alone.
_IDN = re.compile(
    r"(?<![\u4e00-\u9fffA-Za-z0-9\-.])([\u4e00-\u9fff]{1,6})\.([A-Za-z]{2,12})(?![A-Za-z0-9\-])"
)
_FUNCTION_WORDS = re.compile("[的了是要在和就也都把被加用有个这那吗呢吧啊]")
_EMAIL = re.compile(
    rf"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9](?:[A-Za-z0-9._%+\-]{{0,62}}[A-Za-z0-9_%+\-])?@({_HOST})(?![A-Za-z0-9\-])"
)
# An address's local part (at most 64 characters) ends at its `@`.
_EMAIL_AT = re.compile("@")
_EMAIL_REACH = 64
_EMAIL_FIRST = re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9]")
_TRAILING = ".,;:!?)]}'\"*~(["
# _URL, _BARE and _IDN open with look-behinds, so sre would try them at every character. Each
# match holds a piece that a scan led by a plain class or literal finds at C speed, and only the
# places just before such a piece are tried (lianfang.text.scan.finditer_near).
# Every URL match holds `://` (at most 16 characters after its start: `https` or a scheme of up
# to 16 letters) or starts with `www.`; the anchor over-matches (`w//`, `:ww.`), which is safe.
# A scan led by one literal runs at memchr speed, one led by a class tests every character: a
# text without `www.` (found by its dot) needs only the literal `://`.
_URL_ANCHOR = re.compile(r"[:wW](?://|[wW]{2}\.)")
SCHEME_MARK = re.compile("://")
WWW = re.compile(r"\.(?<=[wW]{3}\.)")
_URL_REACH = 16
# A bare host's first label (at most 63 characters) ends at its first dot between two ASCII
# letters or digits, and the host starts at an ASCII letter or digit the look-behind allows.
# The scan leads with the dot (a literal, rare in Chinese text).
_HOST_DOT = re.compile(r"\.(?<=[A-Za-z0-9]\.)[A-Za-z0-9]")
_BARE_REACH = 63
_BARE_FIRST = re.compile(r"(?<![A-Za-z0-9_.@/\-])[A-Za-z0-9]")
# An internationalised host has a Han character, a dot and a letter; the scan leads with the dot.
_IDN_CORE = re.compile(r"\.(?<=[\u4e00-\u9fff]\.)[A-Za-z]")
_SCHEMES = {"http", "https", "ftp", "hxxp", "hxxps"}


@cache
def _extractor() -> tldextract.TLDExtract:
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=65536)
def registrable_domain(host: str) -> str | None:
    """The registrable domain (eTLD+1, lowercase) of `host`, or None for IPs and unknown suffixes."""
    host = host.strip(".").lower()
    if not host or _is_ip(host):
        return None
    parts = _extractor()(host)
    if not parts.suffix or not parts.domain:
        return None
    return f"{parts.domain}.{parts.suffix}"


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class Url:
    """A canonical URL and the host it points at."""

    value: str
    host: str


def canonical_url(raw: str) -> Url | None:
    """Canonical URL for `raw` (lowercase scheme/host, default http://, no fragment), or None."""
    text = raw.strip()
    if "://" not in text:
        text = "http://" + text
    scheme, _, rest = text.partition("://")
    scheme = scheme.lower().replace("hxxp", "http")
    if scheme not in _SCHEMES:
        return None
    try:
        parts = urlsplit(f"{scheme}://{rest}")
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return None
    if not host or not (_is_ip(host) or registrable_domain(host)):
        return None
    netloc = host if port is None else f"{host}:{port}"
    if parts.username or parts.password:
        netloc = parts.netloc.rsplit("@", 1)[0] + "@" + netloc
    # Hash routes (`#/home`, `#!/x`) address a page of a single-page app: keep them.
    fragment = parts.fragment if parts.fragment[:1] in ("/", "!") else ""
    return Url(urlunsplit((scheme, netloc, parts.path, parts.query, fragment)), host)


def _trim(text: str, start: int, end: int) -> int:
    # Closing punctuation after a URL belongs to the sentence, unless it closes an opening in it.
    while end > start and text[end - 1] in _TRAILING:
        if text[end - 1] == ")" and text.count("(", start, end) >= text.count(")", start, end):
            break
        end -= 1
    return end


def find(norm: Normalized) -> Iterator[Indicator | Rejected]:
    """Yield e-mails, URLs (scheme or path present) and registrable domains found in `norm`."""
    text = norm.text
    covered: list[tuple[int, int]] = []
    for m in finditer_near(_EMAIL, _EMAIL_AT, text, _EMAIL_REACH, _EMAIL_FIRST):
        if registrable_domain(m.group(1)) is None:
            continue
        covered.append((m.start(), m.end()))
        yield make_indicator(norm, IndicatorType.EMAIL, m.group().lower(), m.start(), m.end())
    anchor = _URL_ANCHOR if WWW.search(text) else SCHEME_MARK
    for m in finditer_near(_URL, anchor, text, _URL_REACH):
        end = _trim(text, m.start(), m.end())
        url = canonical_url(text[m.start():end])
        if url is None:
            continue
        covered.append((m.start(), end))
        yield from _url_records(norm, url, m.start(), end)
    if "." in text and not text.isascii() and _IDN_CORE.search(text):
        yield from _idn_records(norm)
    for m in finditer_near(_BARE, _HOST_DOT, text, _BARE_REACH, _BARE_FIRST):
        start, end = m.start(), _trim(text, m.start(), m.end())
        if any(a <= start < b for a, b in covered):
            continue
        host = m.group(1).lower()
        domain = registrable_domain(host)
        if domain is None:
            cut = _cut_to_suffix(m.group(1))
            if cut is None:
                continue
            # `hy75n.topNG`, `8521888.comQQ`: the next word is glued to the suffix.
            host, end = cut, start + len(cut)
            domain = registrable_domain(host)
            if domain is None or m.group(2) is not None:
                yield from _url_records(norm, Url(f"http://{host}", host), start, end) if domain else ()
                continue
            m_end1 = end
        else:
            m_end1 = m.end(1)
        suffix = domain.rsplit(".", 1)[-1]
        if m.group(2) is None or end <= m_end1:
            end = m_end1
            if (suffix in _BARE_SUFFIX_BLOCK and host.count(".") == 1 or _TITLE_PAIR.fullmatch(m.group(1))
                    or len(domain) - len(suffix) <= 2):  # `8.cc`: a lone character before a suffix
                continue
        url = canonical_url(text[start:end])
        if url is not None:
            yield from _url_records(norm, url, start, end)


def _cut_to_suffix(host: str) -> str | None:
    # Only where the glued word visibly starts: a digit or a change of case (`topNG`, `top28`),
    # never inside a lowercase word (`report.docx` is not `report.do`).
    head, _, last = host.rpartition(".")
    for size in range(len(last) - 1, 1, -1):
        suffix, rest = last[:size], last[size:]
        case_turns = suffix.islower() and rest[0].isupper() or suffix.isupper() and rest[0].islower()
        starts = case_turns or any(c.isdigit() for c in rest)
        if starts and suffix.isalpha() and registrable_domain(f"{head}.{suffix}") is not None:
            return f"{head}.{suffix}".lower()
    return None


def _idn_records(norm: Normalized) -> Iterator[Indicator]:
    for m in _IDN.finditer(norm.text):
        if _FUNCTION_WORDS.search(m.group(1)):
            continue  # `网址要加.com` is a sentence about a suffix, not a label
        host = f"{m.group(1)}.{m.group(2).lower()}"
        domain = registrable_domain(host)
        if domain is None or domain.rsplit(".", 1)[-1] in _BARE_SUFFIX_BLOCK:
            continue
        yield make_indicator(norm, IndicatorType.URL, f"http://{host}", m.start(), m.end())
        yield make_indicator(norm, IndicatorType.DOMAIN, domain, m.start(), m.end())


def _url_records(norm: Normalized, url: Url, start: int, end: int) -> Iterator[Indicator]:
    if url.host in TELEGRAM_HOSTS:
        return  # a Telegram link is its username (im.py)
    yield make_indicator(norm, IndicatorType.URL, url.value, start, end)
    if url.host in IM_HOSTS:
        return  # the host of an IM link is the messenger's, not the advertiser's
    domain = registrable_domain(url.host)
    if domain is not None:
        yield make_indicator(norm, IndicatorType.DOMAIN, domain, start, end)
