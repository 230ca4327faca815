"""A parsed page as every checker sees it: DOM (selectolax/Lexbor), CSS hiding, script reports.

`parse_page` does all the parsing once; checkers only read the resulting `Page`. Offsets are
found by searching the decoded source for an element's distinctive attribute value, because
Lexbor does not keep source positions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import numpy as np
from selectolax.lexbor import LexborHTMLParser, LexborNode

from lianfang.detect.classification import Classification
from lianfang.indicators.net import registrable_domain as indicator_domain
from lianfang.web.js import ScriptReport, WrittenHtml, analyse_script
from lianfang.web.lexicon import has_terms
from lianfang.web.qr import data_uri_bytes, decode_qr
from lianfang.web.styles import StyleFacts, inline_facts, normalise_colour, stylesheet_rules

if TYPE_CHECKING:
    from lianfang.web.render import RenderedPage

MAX_HTML_CHARS = 8 * 1024 * 1024  # the fetcher caps bodies at 5 MB; files beyond 8 M chars are cut
MAX_ANCESTORS = 64
MAX_SCRIPTS = 200
MAX_JS_CHARS_PER_PAGE = 512 * 1024
MAX_IMAGES = 2000
MAX_DECODED_IMAGES = 50
_JS_TYPES = (
    "",
    "text/javascript",
    "application/javascript",
    "module",
    "text/ecmascript",
    "application/x-javascript",
    "text/jscript",
)
# Class/id words of UI widgets that hide content until the user asks for it.
_INTERACTIVE_WORDS = (
    "menu",
    "dropdown",
    "drop-down",
    "submenu",
    "sub-nav",
    "subnav",
    "nav",
    "modal",
    "dialog",
    "popup",
    "pop-up",
    "collapse",
    "accordion",
    "tab",
    "panel",
    "tooltip",
    "drawer",
    "toggle",
    "sr-only",
    "visually-hidden",
    "screen-reader",
    "skip",
    "offcanvas",
    "faq",
    "more",
    "expand",
)


@dataclass(frozen=True, slots=True)
class PageScript:
    """One script of the page: its analysis, where its text starts in the HTML source, its src."""

    report: ScriptReport
    base: int | None
    src: str | None
    selector: str


@dataclass(frozen=True, slots=True)
class PageQr:
    """A QR code decoded from one <img>: the image's selector, its src (data URIs shortened), payload."""

    selector: str
    src: str
    payload: str
    alt: str
    context: str
    hidden: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Page:
    """Everything the checkers read; built once by `parse_page`."""

    source: str
    url: str | None
    site: str | None
    tree: LexborHTMLParser
    hide_marks: dict[int, tuple[str, ...]]
    reveal_ids: frozenset[int]
    scripts: tuple[PageScript, ...]
    written: tuple[WrittenHtml, ...]
    written_tree: LexborHTMLParser | None
    title: str
    meta: dict[str, str]
    body_text: str
    visible_text: str
    rendered: RenderedPage | None = None
    images: Mapping[str, bytes] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    qr_codes: tuple[PageQr, ...] = ()
    classification: Classification | None = None
    # mem_id -> (reasons, colour, background) of elements already judged; filled lazily.
    memo: dict[int, tuple[tuple[str, ...], str | None, str | None]] = field(default_factory=dict)


def registrable_domain(host: str) -> str:
    """Return the registrable domain of `host` ("www.a.gov.cn" -> "a.gov.cn"); IPs are returned as is."""
    # Unlike the indicator's domain, a page's site must always have a name to compare against.
    return indicator_domain(host) or host.lower().strip(".")


def host_of(url: str) -> str | None:
    """Return the lowercase host of an absolute http(s) URL, None otherwise."""
    if ":" not in url:
        return None  # a relative link (most of a page's): urlsplit would find no scheme
    try:
        parsed = urlsplit(url.strip())
    except ValueError:
        return None
    if parsed.scheme.lower() not in ("http", "https") or not parsed.hostname:
        return None
    return parsed.hostname.lower()


def resolve(href: str | None, page: Page) -> str | None:
    """Return `href` made absolute against the page URL; None for javascript:, mailto:, fragments."""
    if not href:
        return None
    href = href.strip()
    lowered = href.lower()
    if lowered.startswith(("javascript:", "mailto:", "tel:", "#", "data:", "about:", "sms:")):
        return None
    if lowered.startswith("//"):
        href = "http:" + href
    if page.url:
        try:
            return urljoin(page.url, href)
        except ValueError:
            return None
    return href


def is_external(url: str | None, page: Page) -> bool:
    """Return True when absolute `url` leaves the page's registrable domain (unknown site: any host)."""
    if not url:
        return False
    host = host_of(url)
    if host is None:
        return False
    if page.site is None:
        return True
    return registrable_domain(host) != page.site


def _infer_site(tree: LexborHTMLParser, url: str | None) -> str | None:
    if url:
        host = host_of(url)
        if host:
            return registrable_domain(host)
    # A saved file has no URL: the page usually names itself.
    for selector, attr in (
        ('link[rel="canonical"]', "href"),
        ('meta[property="og:url"]', "content"),
        ("base", "href"),
    ):
        node = tree.css_first(selector)
        if node is not None:
            host = host_of(node.attributes.get(attr) or "")
            if host:
                return registrable_domain(host)
    # Last resort for saved files: the domain most of the page's absolute links point to.
    counts: dict[str, int] = {}
    total = 0
    for node in tree.css("a[href]")[:5000]:
        host = host_of(node.attributes.get("href") or "")
        # Spam anchors must not vote: a defaced page can carry more spam links than its own.
        if host and not has_terms(node.text(deep=True)):
            total += 1
            domain = registrable_domain(host)
            counts[domain] = counts.get(domain, 0) + 1
    if counts:
        domain, top = max(counts.items(), key=lambda item: item[1])
        if top >= 3 and top * 2 >= total:
            return domain
    return None


def locate(page: Page, needle: str, after: int = 0) -> tuple[int, int] | None:
    """Return (start, end) of the first occurrence of `needle` in the source at/after `after`."""
    if not needle:
        return None
    index = page.source.find(needle, after)
    if index < 0:
        return None
    return index, index + len(needle)


def locate_node(page: Page, node: LexborNode) -> tuple[int, int] | None:
    """Best-effort source offsets of an element, found through its most distinctive attribute."""
    attrs = node.attributes
    for name in ("href", "src", "content", "id", "style", "class"):
        value = attrs.get(name)
        if value and len(value) >= 3:
            for quoted in (f'"{value}"', f"'{value}'", value):
                found = locate(page, quoted)
                if found is not None:
                    tag_start = page.source.rfind("<", 0, found[0])
                    tag_end = page.source.find(">", found[1])
                    if tag_start >= 0 and tag_end >= 0:
                        return tag_start, tag_end + 1
                    return found
    return None


def css_path(node: LexborNode) -> str:
    """Return a short CSS path (up to five levels) that identifies `node` for a human."""
    parts: list[str] = []
    current: LexborNode | None = node
    while current is not None and current.tag not in (None, "-document", "html") and len(parts) < 5:
        attrs = current.attributes
        piece = current.tag or ""
        if attrs.get("id"):
            parts.append(f"{piece}#{attrs['id']}")
            break
        classes = (attrs.get("class") or "").split()
        if classes:
            piece += "." + ".".join(classes[:2])
        parts.append(piece)
        current = current.parent
    return " > ".join(reversed(parts))


def _element_facts(node: LexborNode) -> tuple[StyleFacts, str | None, str | None]:
    attrs = node.attributes
    facts = inline_facts(attrs.get("style") or "")
    color = facts.color
    background = facts.background
    tag = node.tag
    if tag == "font" and attrs.get("color"):
        color = color or normalise_colour(attrs["color"] or "")
    if attrs.get("bgcolor"):
        background = background or normalise_colour(attrs["bgcolor"] or "")
    return facts, color, background


def hidden_reasons(
    node: LexborNode, page: Page, marks: Mapping[int, tuple[str, ...]] | None = None
) -> tuple[str, ...]:
    """Return why `node` is invisible to a visitor (empty when it looks visible).

    Combines, over at most MAX_ANCESTORS ancestors: inline styles, matched <style> rules, the
    `hidden` attribute, <noscript>/<template> ancestors, zero-size <marquee> and text whose colour
    equals the nearest background. Pass `marks` ({} for HTML written by scripts) to use rule
    marks other than the page's own; only the page's own tree is memoised.
    """
    use_memo = marks is None
    marks = page.hide_marks if marks is None else marks
    chain: list[LexborNode] = []
    base: tuple[tuple[str, ...], str | None, str | None] = ((), None, None)
    current: LexborNode | None = node
    while current is not None and current.tag not in (None, "-document") and len(chain) < MAX_ANCESTORS:
        if use_memo and current.mem_id in page.memo:
            base = page.memo[current.mem_id]
            break
        chain.append(current)
        current = current.parent
    reasons, color, background = base
    for element in reversed(chain):
        own = _own_reasons(element, marks)
        facts, own_color, own_background = _element_facts(element)
        reasons = reasons + own if own else reasons
        color = own_color or color
        if own_background and own_background != "transparent":
            background = own_background
        if use_memo:
            page.memo[element.mem_id] = (reasons, color, background)
    if color and color == (background or "#ffffff") and "same-colour" not in reasons:
        reasons = (*reasons, "same-colour")
    return tuple(dict.fromkeys(reasons))


def _own_reasons(node: LexborNode, marks: Mapping[int, tuple[str, ...]]) -> tuple[str, ...]:
    attrs = node.attributes
    tag = node.tag
    facts = inline_facts(attrs.get("style") or "")
    reasons = list(facts.reasons)
    reasons.extend(marks.get(node.mem_id, ()))
    if "hidden" in attrs and tag != "input":
        reasons.append("hidden-attr")
    if tag == "noscript":
        reasons.append("noscript")
    elif tag == "template":
        reasons.append("template")
    elif tag == "marquee":
        sizes = [
            (attrs.get("width") or "").strip().removesuffix("px"),
            (attrs.get("height") or "").strip().removesuffix("px"),
        ]
        amount = (attrs.get("scrollamount") or "").strip()
        if (
            any(size in ("0", "1") for size in sizes)
            or (amount.isdigit() and int(amount) >= 5000)
            or ("zero-size" in facts.reasons)
        ):
            reasons.append("marquee")
    return tuple(reasons)


def interactive_container(node: LexborNode, page: Page) -> bool:
    """Return True when `node` sits in UI that a visitor can open (menus, modals, skip links)."""
    current: LexborNode | None = node
    steps = 0
    while current is not None and steps < MAX_ANCESTORS and current.tag not in (None, "-document", "body"):
        steps += 1
        if current.mem_id in page.reveal_ids:
            return True
        attrs = current.attributes
        if current.tag in ("nav", "dialog", "details", "menu", "select") or attrs.get("role") in (
            "dialog",
            "menu",
            "menubar",
            "tabpanel",
            "navigation",
            "alertdialog",
        ):
            return True
        words = f"{attrs.get('class') or ''} {attrs.get('id') or ''}".lower()
        if any(word in words for word in _INTERACTIVE_WORDS):
            return True
        ident = attrs.get("id")
        if ident and _referenced(page, ident):
            return True
        current = current.parent
    return False


def _referenced(page: Page, ident: str) -> bool:
    # Something points at this id (aria-controls, data-target, href="#id", getElementById): a toggle.
    for pattern in (
        f'"#{ident}"',
        f"'#{ident}'",
        f'aria-controls="{ident}"',
        f"getElementById('{ident}')",
        f'getElementById("{ident}")',
        f'for="{ident}"',
    ):
        if pattern in page.source:
            return True
    return False


def _stylesheet_marks(
    tree: LexborHTMLParser, notes: list[str]
) -> tuple[dict[int, tuple[str, ...]], frozenset[int]]:
    marks: dict[int, list[str]] = {}
    reveal: set[int] = set()
    css = "\n".join(node.text(deep=True) for node in tree.css("style"))
    for rule in stylesheet_rules(css):
        try:
            matched = tree.css(rule.selector)
        except Exception:  # Lexbor rejects selectors it does not support; such rules are skipped
            continue
        for node in matched[:2000]:
            if rule.reveal:
                reveal.add(node.mem_id)
            else:
                marks.setdefault(node.mem_id, []).extend(rule.facts.reasons)
    return {k: tuple(dict.fromkeys(v)) for k, v in marks.items()}, frozenset(reveal)


def _collect_scripts(
    tree: LexborHTMLParser, source: str, url: str | None, linked: Mapping[str, str], notes: list[str]
) -> list[PageScript]:
    scripts: list[PageScript] = []
    budget = MAX_JS_CHARS_PER_PAGE
    cursor = 0
    pending: list[tuple[str, int | None, str | None, LexborNode]] = []
    for node in tree.css("script")[:MAX_SCRIPTS]:
        kind = (node.attributes.get("type") or "").strip().lower()
        if kind not in _JS_TYPES:
            continue
        src = node.attributes.get("src")
        if src:
            code = linked.get(src)
            if code is None and url:
                code = linked.get(urljoin(url, src))
            if code is None:
                continue
            base = None
        else:
            code = node.text(deep=True)
            index = source.find(code, cursor) if code else -1
            base = index if index >= 0 else None
            if index >= 0:
                cursor = index + len(code)
        if code.strip():
            pending.append((code, base, src, node))
    # Smallest first: planted snippets are short, and padding the page with a huge script must
    # not use up the budget before them.
    pending.sort(key=lambda item: len(item[0]))
    for code, base, src, node in pending:
        if len(code) > budget:
            notes.append(f"script budget exhausted; {len(code)} chars not analysed")
            continue
        budget -= len(code)
        report = analyse_script(code)
        notes.extend(report.notes)
        scripts.append(PageScript(report, base, src, css_path(node)))
    # Inline handlers: <body onload> runs on load, onclick & co. only on a user's action.
    for node in tree.css("[onload], [onclick], [onmouseover], [onmousedown], a[href^='javascript:']"):
        attrs = node.attributes
        for name, value in attrs.items():
            if not value:
                continue
            if name == "href" and value.lower().startswith("javascript:"):
                code, auto = value[11:], False
            elif name.startswith("on"):
                code, auto = value, name == "onload" and node.tag in ("body", "frameset")
            else:
                continue
            report = analyse_script(code, auto)
            found = source.find(value)
            scripts.append(PageScript(report, found if found >= 0 else None, None, css_path(node)))
    return scripts


# Lexbor's tree builder is quadratic in nesting depth (20k levels take ~1 s, 100k ~40 s), so
# container tags nested deeper than MAX_DEPTH are dropped before parsing.
MAX_DEPTH = 2048
_CONTAINER_TAGS = [
    "div", "span", "b", "i", "u", "s", "em", "strong", "font", "table", "tbody", "ul", "ol", "dl", "section",
    "article", "nav", "header", "footer", "main", "aside", "form", "center", "blockquote", "marquee",
    "noscript", "q", "small", "big", "sup", "sub", "label", "fieldset", "button", "object", "svg", "g",
]


def _tag_names_pattern(names: list[str]) -> str:
    # HTML tag names are ASCII and case-insensitive. Spelled out as [dD][iI][vV] and grouped by
    # first letter, each `<` costs sre a few class tests; the same alternation under re.I
    # (case folding per character, 36 branches) took longer than parsing the page.
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(name[0], []).append("".join(f"[{c}{c.upper()}]" for c in name[1:]))
    return "|".join(f"[{first}{first.upper()}](?:{'|'.join(sorted(rests, key=len, reverse=True))})"
                    for first, rests in groups.items())


_CONTAINERS = re.compile(f"<(/?)(?:{_tag_names_pattern(_CONTAINER_TAGS)})\\b")


# Container names as base-27 numbers of their lower-case letters (a=1 … z=26), for the numpy
# bound; below 27**10 they are exact in float64, whose matrix product is the fast one.
_NAME_WIDTH = max(map(len, _CONTAINER_TAGS))
_POWERS = 27.0 ** np.arange(_NAME_WIDTH)
_CONTAINER_KEYS = np.sort(
    [float(sum((ord(c) - 96) * 27**i for i, c in enumerate(name))) for name in _CONTAINER_TAGS]
)


def _is_ascii_word(codes: np.ndarray) -> np.ndarray:
    return ((codes | 0x20) - 97 < 26) | (codes - 48 < 10) | (codes == 95)


def _depth_bound(html: str) -> int:
    """An upper bound on the container nesting depth `_CONTAINERS` sees, in numpy.

    The regex costs ~0.7 ms on a 200 KB page (every `<` tries 37 names); this costs about half.
    It counts generously what may open a container (the name followed by anything but an ASCII
    word character) and strictly what surely closes one (followed by an ASCII non-word
    character; `\b` also treats non-ASCII letters as word characters), so it never
    undercounts the depth.
    """
    # Padded with blanks so that every window below stays inside the array.
    padded = html + " " * (_NAME_WIDTH + 2)
    codes = np.frombuffer(padded.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lt = np.flatnonzero(codes[: len(html)] == 60)  # '<'
    closing = codes[lt + 1] == 47  # '/'
    window = codes[(lt + 1 + closing)[:, None] + np.arange(_NAME_WIDTH + 1)]
    letters = (window | 0x20) - 97  # 0-25 for ASCII letters; unsigned, so the rest is larger
    length = np.argmin(letters < 26, axis=1)  # letters before the first non-letter
    keys = np.where(np.arange(_NAME_WIDTH) < length[:, None], letters[:, :_NAME_WIDTH] + 1.0, 0.0) @ _POWERS
    at = np.searchsorted(_CONTAINER_KEYS, keys).clip(max=len(_CONTAINER_KEYS) - 1)
    named = (_CONTAINER_KEYS[at] == keys) & (length > 0)
    after = window[np.arange(len(lt)), length]
    opens = named & ~closing & ~_is_ascii_word(after)
    closes = named & closing & (after < 128) & ~_is_ascii_word(after)
    return int(np.cumsum(opens.astype(np.int64) - closes).max(initial=0))


def flatten_deep_nesting(html: str, limit: int = MAX_DEPTH) -> tuple[str, bool]:
    """Return `html` with container tags beyond nesting depth `limit` removed, and whether any were."""
    if html.count("<") <= limit or _depth_bound(html) <= limit:
        return html, False
    markers = _CONTAINERS.findall(html)
    if len(markers) <= limit:
        return html, False
    steps = np.where(np.array(markers, dtype="U1") == "/", -1, 1)
    if int(np.cumsum(steps).max()) <= limit:
        return html, False
    pieces: list[str] = []
    last = 0
    depth = 0
    for match in _CONTAINERS.finditer(html):
        closing = match.group(1) == "/"
        if closing:
            depth -= 1
        too_deep = depth >= limit
        if not closing:
            depth += 1
        if too_deep:
            end = html.find(">", match.end())
            end = len(html) if end < 0 else end + 1
            pieces.append(html[last : match.start()])
            last = end
    pieces.append(html[last:])
    return "".join(pieces), True


def parse_page(
    html: str,
    url: str | None = None,
    rendered: RenderedPage | None = None,
    *,
    linked_scripts: Mapping[str, str] | None = None,
    images: Mapping[str, bytes] | None = None,
    notes: tuple[str, ...] = (),
) -> Page:
    """Parse decoded `html` once for all checkers; never raises on malformed markup."""
    collected = list(notes)
    if len(html) > MAX_HTML_CHARS:
        collected.append(f"page truncated from {len(html)} to {MAX_HTML_CHARS} chars")
        html = html[:MAX_HTML_CHARS]
    html = html.replace("\x00", "\ufffd")  # Lexbor stops at NUL in some paths; browsers replace it
    html, flattened = flatten_deep_nesting(html)
    if flattened:
        collected.append(f"elements nested deeper than {MAX_DEPTH} levels were flattened")
    tree = LexborHTMLParser(html)
    site = _infer_site(tree, url)
    marks, reveal = _stylesheet_marks(tree, collected)
    scripts = _collect_scripts(tree, html, url, linked_scripts or {}, collected)
    written = tuple(w for s in scripts for w in s.report.written)
    written_tree = LexborHTMLParser("".join(w.html for w in written)) if written else None
    title_node = tree.css_first("title")
    title = title_node.text(deep=True).strip() if title_node is not None else ""
    meta: dict[str, str] = {}
    for node in tree.css("meta[name], meta[property]"):
        key = (node.attributes.get("name") or node.attributes.get("property") or "").strip().lower()
        if key and key not in meta:
            meta[key] = node.attributes.get("content") or ""
    # Text: scripts and styles are not text; hidden blocks are kept apart to compare with the head.
    hidden_chunks: list[str] = []
    tree.strip_tags(["script", "style", "template"])
    body = tree.body
    body_text = body.text(deep=True, separator="\n") if body is not None else ""
    page = Page(
        html,
        url,
        site,
        tree,
        marks,
        reveal,
        tuple(scripts),
        written,
        written_tree,
        title,
        meta,
        body_text,
        body_text,
        rendered,
        images or {},
        tuple(collected),
    )
    seen: set[int] = set()
    candidates = tree.css("[style], [hidden], noscript, marquee, font[color]")
    candidates += [n for n in tree.css("*") if n.mem_id in marks] if marks else []
    for node in candidates:
        if node.mem_id in seen:
            continue
        if hidden_reasons_own(node, page) or "same-colour" in hidden_reasons(node, page):
            for sub in node.traverse():
                seen.add(sub.mem_id)
            chunk = node.text(deep=True, separator="\n").strip()
            if chunk:
                hidden_chunks.append(chunk)
    visible = body_text
    for chunk in hidden_chunks:
        visible = visible.replace(chunk, " ", 1)
    page = replace(page, visible_text=visible)
    return replace(page, qr_codes=_decode_images(page))


def _decode_images(page: Page) -> tuple[PageQr, ...]:
    found: list[PageQr] = []
    decoded = 0
    for node in page.tree.css("img[src]")[:MAX_IMAGES]:
        src = (node.attributes.get("src") or "").strip()
        data = data_uri_bytes(src)
        if data is None:
            data = page.images.get(src)
            if data is None and page.url:
                data = page.images.get(urljoin(page.url, src))
        if data is None:
            continue
        decoded += 1
        if decoded > MAX_DECODED_IMAGES:
            break
        parent = node.parent
        context = parent.text(deep=True, separator=" ")[:300] if parent is not None else ""
        for payload in decode_qr(data):
            found.append(
                PageQr(
                    css_path(node),
                    src if len(src) < 120 else src[:60] + "...",
                    payload,
                    (node.attributes.get("alt") or "") + " " + (node.attributes.get("title") or ""),
                    context,
                    hidden_reasons(node, page),
                )
            )
    return tuple(found)


def hidden_reasons_own(node: LexborNode, page: Page) -> tuple[str, ...]:
    """Return the hiding reasons set on `node` itself (not inherited from ancestors)."""
    return _own_reasons(node, page.hide_marks)
