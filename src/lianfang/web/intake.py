"""Turn a FILE, URL or HTML string into a decoded page and inspect it (CLI and API share this).

The edge that does I/O: URLs go through the SSRF-safe fetcher, files are read with a size
cap, render mode drives Chromium; the static analysis itself is web.inspect's pure function.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser

from lianfang.config import Settings
from lianfang.errors import FetchBlocked, InputError
from lianfang.web.fetch import DEFAULT_MAX_BYTES, IMAGE_TYPES, PAGE_TYPES, Fetcher, decode_body
from lianfang.web.inspect import Inspection, inspect_page
from lianfang.web.render import RenderedPage, render

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_LINKED = 20  # external scripts / images fetched per inspected URL


@dataclass(frozen=True, slots=True)
class LoadedPage:
    """A decoded page: where it came from, its URL (None for a file), HTML and the charset used."""

    source: str
    url: str | None
    final_url: str | None
    html: str
    charset: str
    redirects: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class InspectOutcome:
    """A loaded page, its inspection and the render (None unless asked for)."""

    page: LoadedPage
    inspection: Inspection
    rendered: RenderedPage | None


def is_url(target: str) -> bool:
    """True when `target` is written as an http(s) URL rather than a file path."""
    return target.strip().lower().startswith(("http://", "https://"))


def load_page(target: str, *, fetcher: Fetcher | None = None) -> LoadedPage:
    """Fetch a URL (SSRF-safe) or read a file and decode it (BOM, meta charset, GBK sniffing).

    Raises FetchBlocked for a refused URL and InputError for a missing, oversized or
    non-regular file or a URL that is not an HTML/text page.
    """
    if is_url(target):
        return load_url(target, fetcher=fetcher)
    path = Path(target)
    try:
        if not path.is_file():
            raise InputError(f"{target}: no such file (give a file path or an http(s) URL)")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError(f"{target} is larger than {MAX_FILE_BYTES} bytes")
        body = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {target}: {exc}") from exc
    html, charset = decode_body(body)
    return LoadedPage(source=target, url=None, final_url=None, html=html, charset=charset)


def load_url(url: str, *, fetcher: Fetcher | None = None) -> LoadedPage:
    """Fetch `url` through the SSRF-safe fetcher (never a file, whatever the string looks like).

    Raises FetchBlocked for a refused URL (any scheme but http/https included) and InputError
    when the response is not an HTML/text page.
    """
    chosen = fetcher if fetcher is not None else Fetcher.from_settings()
    result = chosen.fetch(url)
    if result.text is None:
        raise InputError(f"{url} is not a text page ({result.content_type})")
    return LoadedPage(
        source=url,
        url=url,
        final_url=result.final_url,
        html=result.text,
        charset=result.charset or "utf-8",
        redirects=result.redirects,
    )


def page_from_html(html: str, url: str | None = None) -> LoadedPage:
    """Wrap an HTML string given directly (API body); raises InputError beyond the fetch cap."""
    if len(html) > DEFAULT_MAX_BYTES:
        raise InputError(f"html is larger than {DEFAULT_MAX_BYTES} characters")
    return LoadedPage(source="html", url=url, final_url=url, html=html, charset="utf-8")


def inspect_loaded(
    page: LoadedPage,
    *,
    render_page: bool = False,
    screenshot: bool = False,
    settings: Settings | None = None,
    fetcher: Fetcher | None = None,
) -> InspectOutcome:
    """Inspect a loaded page statically, after rendering it in Chromium when `render_page`.

    A URL page is rendered from its final URL (every browser request behind the fetcher's
    policy); a file or HTML string is rendered in place. Raises InputError when Chromium is
    missing, LianfangError when rendering fails.
    """
    chosen = fetcher if fetcher is not None else Fetcher.from_settings(settings)
    rendered: RenderedPage | None = None
    if render_page or screenshot:
        if page.final_url is not None and page.source == page.url:
            rendered = render(page.final_url, fetcher=chosen, screenshot=screenshot)
        else:
            rendered = render(page.html, base_url=page.url, fetcher=chosen, screenshot=screenshot)
    return InspectOutcome(page=page, inspection=_inspect(page, rendered, chosen), rendered=rendered)


def inspect_target(
    target: str,
    *,
    render_page: bool = False,
    screenshot: bool = False,
    settings: Settings | None = None,
    fetcher: Fetcher | None = None,
) -> InspectOutcome:
    """Load `target` (URL or file) and inspect it; see load_page and inspect_loaded for errors."""
    chosen = fetcher if fetcher is not None else Fetcher.from_settings(settings)
    page = load_page(target, fetcher=chosen)
    return inspect_loaded(page, render_page=render_page, screenshot=screenshot, fetcher=chosen)


def linked_resources(
    page: LoadedPage, fetcher: Fetcher, *, max_scripts: int = MAX_LINKED, max_images: int = MAX_LINKED
) -> tuple[dict[str, str], dict[str, bytes]]:
    """Fetch a URL page's external scripts and images (for JS analysis and QR decoding).

    Returns ({script src: source}, {img src: bytes}) keyed by the attribute as written; at
    most `max_scripts`/`max_images`, each through the fetcher's policy and caps. Resources
    that are refused or fail are left out (the inspection notes only what it received).
    """
    if page.url is None or page.final_url is None:
        return {}, {}
    tree = LexborHTMLParser(page.html)
    scripts: dict[str, str] = {}
    images: dict[str, bytes] = {}
    for node in tree.css("script[src]")[:max_scripts]:
        src = (node.attributes.get("src") or "").strip()
        if src and src not in scripts:
            with contextlib.suppress(FetchBlocked):
                result = fetcher.fetch(urljoin(page.final_url, src), accept=PAGE_TYPES)
                if result.status == 200 and result.text is not None:
                    scripts[src] = result.text
    for node in tree.css("img[src]")[:max_images]:
        src = (node.attributes.get("src") or "").strip()
        if src and not src.startswith("data:") and src not in images:
            with contextlib.suppress(FetchBlocked):
                result = fetcher.fetch(urljoin(page.final_url, src), accept=IMAGE_TYPES)
                if result.status == 200:
                    images[src] = result.body
    return scripts, images


def _inspect(page: LoadedPage, rendered: RenderedPage | None, fetcher: Fetcher) -> Inspection:
    scripts, images = linked_resources(page, fetcher)
    return inspect_page(
        page.html, url=page.final_url or page.url, rendered=rendered, linked_scripts=scripts, images=images
    )


def outcome_data(outcome: InspectOutcome) -> dict[str, Any]:
    """Plain JSON-ready dict of an outcome (screenshot bytes left out, HTML not repeated)."""
    rendered = None
    if outcome.rendered is not None:
        r = outcome.rendered
        rendered = {
            "url": r.url,
            "final_url": r.final_url,
            "links": [plain(link) for link in r.links],
            "navigations": list(r.navigations),
            "blocked": list(r.blocked),
            "screenshot": r.screenshot_png is not None,
        }
    page = outcome.page
    return {
        "source": page.source,
        "url": page.url,
        "final_url": page.final_url,
        "charset": page.charset,
        "redirects": list(page.redirects),
        "inspection": plain(outcome.inspection),
        "rendered": rendered,
    }


def plain(value: Any) -> Any:
    """Convert dataclasses, enums, tuples and sets to JSON-ready values; bytes become their size."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if isinstance(value, bytes):
        return {"bytes": len(value)}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
