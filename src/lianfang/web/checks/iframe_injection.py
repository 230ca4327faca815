"""iframe_injection: invisible or full-page frames that load another site.

An invisible frame (zero size, hidden, off-screen) silently loads a third-party page (traffic
fraud, drive-by); a full-page frame replaces the visible site with another one (hijack). The
standard tag-manager pattern — a zero-size frame inside <noscript> — is not flagged unless the
target itself names gambling/porn.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from selectolax.lexbor import LexborHTMLParser, LexborNode

from lianfang.web.finding import Finding, FindingKind
from lianfang.web.lexicon import has_terms
from lianfang.web.page import Page, css_path, hidden_reasons, is_external, locate_node, resolve

_STYLE_SIZE = re.compile(r"(?<![-\w])(width|height)\s*:\s*([\d.]+)\s*(px|%|vw|vh)?", re.I)


def _sizes(node: LexborNode) -> dict[str, str]:
    sizes = {name: (node.attributes.get(name) or "").strip().lower() for name in ("width", "height")}
    for match in _STYLE_SIZE.finditer(node.attributes.get("style") or ""):
        sizes[match.group(1).lower()] = match.group(2) + (match.group(3) or "px").lower()
    return sizes


def _tiny(value: str) -> bool:
    number = value.removesuffix("px").strip()
    try:
        return float(number) <= 2
    except ValueError:
        return False


def _full(value: str) -> bool:
    return value in ("100%", "100vw", "100vh") or value.endswith(("100%", "100vh", "100vw"))


def frame_shape(node: LexborNode, page: Page, marks: dict[int, tuple[str, ...]] | None) -> str:
    """Return "invisible", "full-page" or "" for a frame element."""
    reasons = hidden_reasons(node, page, marks)
    sizes = _sizes(node)
    if node.tag == "frame":
        frameset = node.parent
        frames = frameset.css("frame") if frameset is not None else []
        spec = (frameset.attributes.get("rows") or frameset.attributes.get("cols") or "") if frameset else ""
        return (
            "full-page"
            if len(frames) == 1 or "100%" in spec or spec.startswith("*")
            else "invisible"
            if reasons
            else ""
        )
    if reasons or any(_tiny(v) for v in sizes.values()):
        return "invisible:" + ",".join(reasons or ("zero-size",))
    style = (node.attributes.get("style") or "").lower()
    if _full(sizes["width"]) and _full(sizes["height"]):
        return "full-page"
    if "position" in style and ("fixed" in style or "absolute" in style) and "100%" in style:
        return "full-page"
    return ""


class IframeInjectionCheck:
    """Flags invisible and full-page frames pointing off-site, including frames written by script."""

    kind = FindingKind.IFRAME_INJECTION

    def check(self, page: Page) -> Iterator[Finding]:
        """Yield one finding per injected frame."""
        yield from self._tree(page, page.tree, None)
        if page.written_tree is not None:
            yield from self._tree(page, page.written_tree, {})

    @staticmethod
    def _tree(
        page: Page, tree: LexborHTMLParser, marks: dict[int, tuple[str, ...]] | None
    ) -> Iterator[Finding]:
        written = marks is not None
        for node in tree.css("iframe[src], frame[src]"):
            target = resolve(node.attributes.get("src"), page)
            if not target or not is_external(target, page):
                continue
            shape = frame_shape(node, page, marks)
            if not shape:
                continue
            illicit = has_terms(target) or has_terms(node.attributes.get("title") or "")
            if "noscript" in shape and not illicit:
                continue  # tag-manager fallback frames live in <noscript>
            confidence = 0.95 if illicit or written else 0.85
            offsets = None if written else locate_node(page, node)
            yield Finding(
                FindingKind.IFRAME_INJECTION,
                (node.html or "")[:300],
                css_path(node),
                offsets[0] if offsets else None,
                offsets[1] if offsets else None,
                target,
                1,
                confidence,
                shape + (",document.write" if written else ""),
            )
