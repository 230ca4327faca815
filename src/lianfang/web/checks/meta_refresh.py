"""meta_refresh: <meta http-equiv="refresh"> sending visitors to another site (zero delay: strongest)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from selectolax.lexbor import LexborHTMLParser

from lianfang.web.finding import Finding, FindingKind
from lianfang.web.lexicon import has_terms
from lianfang.web.page import Page, css_path, is_external, locate_node, resolve

_CONTENT = re.compile(r"^\s*(\d+(?:\.\d+)?)?\s*[;,]?\s*(?:url\s*=\s*)?['\"]?([^'\"]*)['\"]?\s*$", re.I)


def refresh_target(content: str) -> tuple[float, str]:
    """Split a refresh `content` ("0; url=http://x") into (delay seconds, url or "")."""
    match = _CONTENT.match(content[:2048])
    if not match:
        return 0.0, ""
    delay = float(match.group(1)) if match.group(1) else 0.0
    return delay, (match.group(2) or "").strip()


class MetaRefreshCheck:
    """Flags meta refreshes (in the page or written by script) whose target is another site."""

    kind = FindingKind.META_REFRESH

    def check(self, page: Page) -> Iterator[Finding]:
        """Yield one finding per off-site meta refresh."""
        yield from self._tree(page, page.tree, written=False)
        if page.written_tree is not None:
            yield from self._tree(page, page.written_tree, written=True)

    @staticmethod
    def _tree(page: Page, tree: LexborHTMLParser, written: bool) -> Iterator[Finding]:
        for node in tree.css("meta[http-equiv]"):
            if (node.attributes.get("http-equiv") or "").strip().lower() != "refresh":
                continue
            delay, raw = refresh_target(node.attributes.get("content") or "")
            target = resolve(raw, page)
            if not target or not is_external(target, page):
                continue
            confidence = 0.9 if delay <= 1 else 0.8 if delay <= 10 else 0.6
            if written or has_terms(target):
                confidence = max(confidence, 0.95)
            offsets = None if written else locate_node(page, node)
            yield Finding(
                FindingKind.META_REFRESH,
                node.html[:300] if node.html else raw,
                css_path(node),
                offsets[0] if offsets else None,
                offsets[1] if offsets else None,
                target,
                1,
                confidence,
                f"delay={delay:g}" + (",document.write" if written else ""),
            )
