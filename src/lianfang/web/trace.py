"""Source tracing: crawl one site and report every page that sends visitors to a known-bad domain.

The crawl is breadth-first over the site's registrable domain (tldextract, offline snapshot),
honours robots.txt (read through our SSRF-safe fetcher), and is bounded in pages and time.
HTTP redirects are read, never followed off-site, so the crawler does not visit bad sites.
"""

from __future__ import annotations

import time
import urllib.robotparser
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from lianfang.errors import FetchBlocked, InputError
from lianfang.indicators.net import registrable_domain as indicator_domain
from lianfang.web.fetch import PAGE_TYPES, Fetcher

_REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
_EVIDENCE_CHARS = 240
# (selector, attribute, how) for every element that makes the browser load or go to a URL.
_URL_ATTRS: tuple[tuple[str, str, str], ...] = (
    ("a[href]", "href", "link"),
    ("area[href]", "href", "link"),
    ("iframe[src]", "src", "iframe"),
    ("frame[src]", "src", "iframe"),
    ("script[src]", "src", "script"),
    ("form[action]", "action", "form"),
)


@dataclass(frozen=True, slots=True)
class TraceHit:
    """One page that links or redirects to a bad domain.

    `how` is "link", "iframe", "script", "form", "meta_refresh", "http_redirect", or a finding
    kind from web.inspect ("hidden_link", "js_redirect", ...); `evidence` is a source snippet.
    """

    page: str
    target: str
    bad_domain: str
    how: str
    evidence: str


@dataclass(frozen=True, slots=True)
class TraceReport:
    """Outcome of one crawl: pages fetched, hits, and pages skipped with the reason."""

    site: str
    pages_crawled: int
    hits: tuple[TraceHit, ...]
    skipped: tuple[tuple[str, str], ...]
    truncated: bool


def registrable_domain(host: str) -> str:
    """Registrable domain of `host` (lowercase, no trailing dot); an IP or bare name as is."""
    host = host.strip().lower().rstrip(".")
    return indicator_domain(host) or host


def load_bad_domains(lines: Iterable[str]) -> frozenset[str]:
    """Parse a bad-domain list: one domain (or URL) a line, '#' comments and blank lines ignored.

    Every entry is reduced to its registrable domain. Raises InputError naming the first line
    that is not a domain.
    """
    domains: set[str] = set()
    for number, raw in enumerate(lines, start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        host = urlsplit(line).hostname if "://" in line else line.split("/", 1)[0]
        if not host or " " in host or "." not in host.strip("."):
            raise InputError(f"bad-domains line {number}: {raw.strip()!r} is not a domain")
        domains.add(registrable_domain(host))
    return frozenset(domains)


def read_bad_domains(path: Path) -> frozenset[str]:
    """Read a bad-domain file (UTF-8); raises InputError when missing, undecodable or malformed."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read bad-domains file {path}: {exc}") from exc
    return load_bad_domains(text.splitlines())


def trace(
    site_url: str,
    bad_domains: Iterable[str],
    max_pages: int = 100,
    *,
    fetcher: Fetcher | None = None,
    max_seconds: float = 300.0,
) -> TraceReport:
    """Crawl `site_url`'s registrable domain breadth-first and report links/redirects to bad domains.

    At most `max_pages` pages are fetched within `max_seconds`; robots.txt of each host is
    honoured (RFC 9309: a 4xx robots.txt allows everything; 5xx or unreachable disallows the
    host).
    `bad_domains` entries are matched by registrable domain. Raises InputError for a bad
    `max_pages`, FetchBlocked when the start URL itself is refused; later fetch failures are
    listed in `skipped` rather than raised.
    """
    if max_pages < 1:
        raise InputError(f"max_pages must be at least 1, got {max_pages}")
    fetcher = fetcher if fetcher is not None else Fetcher.from_settings()
    bad = frozenset(registrable_domain(d) for d in bad_domains)
    start = fetcher.check(site_url).url
    site = registrable_domain(urlsplit(start).hostname or "")
    deadline = time.monotonic() + max_seconds
    robots: dict[str, urllib.robotparser.RobotFileParser] = {}
    queue: deque[str] = deque([start])
    queued: set[str] = {start}
    hits: dict[tuple[str, str, str], TraceHit] = {}
    skipped: list[tuple[str, str]] = []
    crawled = 0
    truncated = False
    while queue:
        if crawled >= max_pages or time.monotonic() > deadline:
            truncated = True
            break
        url = queue.popleft()
        if not _robots_for(url, robots, fetcher).can_fetch(fetcher.user_agent, url):
            skipped.append((url, "disallowed by robots.txt"))
            continue
        try:
            result = fetcher.fetch(url, accept=PAGE_TYPES, max_redirects=0)
        except FetchBlocked as exc:
            skipped.append((url, str(exc)))
            continue
        crawled += 1
        found: list[tuple[str, str, str]] = []  # (target, how, evidence)
        location = result.header("location")
        if result.status in _REDIRECT_CODES and location:
            evidence = f"HTTP {result.status} Location: {location}"
            found.append((urljoin(url, location), "http_redirect", evidence))
        elif result.text is not None and result.content_type in {"", "text/html", "application/xhtml+xml"}:
            found.extend(page_targets(result.text, url))
        for target, how, evidence in found:
            host = urlsplit(target).hostname
            if not host:
                continue
            domain = registrable_domain(host)
            if domain in bad:
                hits.setdefault((url, target, how), TraceHit(url, target, domain, how, evidence))
            elif domain == site and how in {"link", "iframe", "meta_refresh", "http_redirect", "js_redirect"}:
                clean = urldefrag(target)[0]
                if clean.startswith(("http://", "https://")) and clean not in queued:
                    queued.add(clean)
                    queue.append(clean)
    return TraceReport(
        site=start,
        pages_crawled=crawled,
        hits=tuple(hits.values()),
        skipped=tuple(skipped),
        truncated=truncated or bool(queue),
    )


def page_targets(html: str, page_url: str) -> Iterator[tuple[str, str, str]]:
    """Yield (absolute URL, how, evidence) for every URL a page links, frames, loads or redirects to.

    Uses selectolax for elements and the meta refresh, and web.inspect's findings (JS
    redirects, script-written and hidden links).
    """
    tree = LexborHTMLParser(html)
    base = page_url
    base_node = tree.css_first("base[href]")
    if base_node is not None:
        base = urljoin(page_url, (base_node.attributes.get("href") or "").strip())
    for selector, attribute, how in _URL_ATTRS:
        for node in tree.css(selector):
            value = (node.attributes.get(attribute) or "").strip()
            if value and not value.lower().startswith(("javascript:", "mailto:", "tel:", "data:", "#")):
                yield urljoin(base, value), how, _snippet(node.html or "")
    for node in tree.css("meta[http-equiv]"):
        if (node.attributes.get("http-equiv") or "").strip().lower() != "refresh":
            continue
        target = _refresh_target(node.attributes.get("content") or "")
        if target:
            yield urljoin(base, target), "meta_refresh", _snippet(node.html or "")
    yield from _inspect_targets(html, page_url)


def _refresh_target(content: str) -> str | None:
    # "5; url=http://x/" / "0;URL='x'" per the HTML spec's refresh parsing, simplified to the URL part.
    _, _, rest = content.partition(";")
    rest = rest.strip()
    if rest.lower().startswith("url"):
        rest = rest[3:].lstrip()
        if rest.startswith("="):
            rest = rest[1:].strip()
    rest = rest.strip("'\"")
    return rest or None


def _inspect_targets(html: str, page_url: str) -> Iterator[tuple[str, str, str]]:
    # Imported here: inspection pulls in the detector and the JS parser, which loading the
    # crawler (and its bad-domain list helpers) does not need.
    from lianfang.web.inspect import inspect_page

    # Only findings that name a target matter here; the text detector and indicator extraction
    # feed neither (illicit_content has no target) and cost more than the checks on big pages.
    for finding in inspect_page(html, url=page_url, indicators=False, classify=False).findings:
        if finding.target:
            yield urljoin(page_url, finding.target), str(finding.kind), _snippet(finding.evidence)


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _EVIDENCE_CHARS else text[: _EVIDENCE_CHARS - 1] + "…"


def _robots_for(
    url: str, cache: dict[str, urllib.robotparser.RobotFileParser], fetcher: Fetcher
) -> urllib.robotparser.RobotFileParser:
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    parser = cache.get(origin)
    if parser is not None:
        return parser
    parser = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
    try:
        result = fetcher.fetch(origin + "/robots.txt", accept=None)
    except FetchBlocked:
        # RFC 9309: an unreachable robots.txt means "assume complete disallow".
        parser.parse(["User-agent: *", "Disallow: /"])
    else:
        if result.status >= 500:
            parser.parse(["User-agent: *", "Disallow: /"])
        elif result.status >= 400 or result.text is None:
            parser.parse([])
        else:
            parser.parse(result.text.splitlines())
    cache[origin] = parser
    return parser
