"""hidden_link: links to other sites that visitors cannot see but crawlers follow (暗链).

Hiding alone is everyday UI (closed menus, modals, skip links), so a hidden block is flagged by
what it points to: gambling/porn anchor text, spam-only hiding techniques (off-screen, zero
font, same colour as background) outside interactive widgets, or many unrelated domains.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from selectolax.lexbor import LexborNode

from lianfang.web.finding import Finding, FindingKind
from lianfang.web.lexicon import has_terms
from lianfang.web.page import (
    Page,
    css_path,
    hidden_reasons,
    host_of,
    interactive_container,
    is_external,
    locate_node,
    registrable_domain,
    resolve,
)
from lianfang.web.styles import STRONG

MAX_LINKS = 20_000
MIN_DOMAINS_WEAK = 3
_RENDER_STRONG = frozenset({"offscreen", "zero-size", "font-size:0", "same-colour", "opacity:0"})


@dataclass(slots=True)
class _Group:
    reasons: set[str] = field(default_factory=set)
    urls: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    illicit: bool = False
    interactive: bool = False
    node: LexborNode | None = None
    first_link: LexborNode | None = None
    obfuscated: bool = False


def _hiding_container(node: LexborNode, page: Page) -> LexborNode:
    # The outermost ancestor whose own style hides it groups one planted block of links.
    outer = node
    current: LexborNode | None = node
    steps = 0
    while current is not None and current.tag not in (None, "-document", "body", "html") and steps < 64:
        steps += 1
        if (
            hidden_reasons(current, page)
            and current.parent is not None
            and not hidden_reasons(current.parent, page)
        ):
            return current
        outer = current
        current = current.parent
    return outer


def _add(group: _Group, url: str, text: str, title: str) -> None:
    group.urls.append(url)
    group.texts.append(" ".join(text.split())[:40])
    if has_terms(text) or has_terms(title) or has_terms(host_of(url) or ""):
        group.illicit = True


class HiddenLinkCheck:
    """Flags blocks of hidden outbound links (static DOM, script-written HTML and the renderer's view)."""

    kind = FindingKind.HIDDEN_LINK

    def check(self, page: Page) -> Iterator[Finding]:
        """Yield one finding per hidden block of external links that looks planted."""
        groups: dict[int, _Group] = {}
        for node in page.tree.css("a[href], area[href]")[:MAX_LINKS]:
            href = (node.attributes.get("href") or "").lstrip()
            if not href[:8].lower().startswith(("http:", "https:", "//")):
                continue  # relative links stay on the site; skipping them early saves urljoin
            url = resolve(href, page)
            if not is_external(url, page) or url is None:
                continue
            reasons = hidden_reasons(node, page)
            if not reasons:
                continue
            container = _hiding_container(node, page)
            group = groups.get(container.mem_id)
            if group is None:
                group = groups[container.mem_id] = _Group(
                    node=container, interactive=interactive_container(node, page)
                )
            group.reasons.update(reasons)
            group.first_link = group.first_link or node
            _add(group, url, node.text(deep=True), node.attributes.get("title") or "")
        yield from (self._judge(page, group) for group in groups.values() if self._flag(group))
        yield from self._written(page)
        yield from self._rendered(page, {u for g in groups.values() for u in g.urls})

    def _written(self, page: Page) -> Iterator[Finding]:
        if page.written_tree is None:
            return
        group = _Group(reasons={"document.write"})
        group.obfuscated = any(w.obfuscation for w in page.written)
        for node in page.written_tree.css("a[href]")[:MAX_LINKS]:
            url = resolve(node.attributes.get("href"), page)
            if url is None or not is_external(url, page):
                continue
            group.reasons.update(hidden_reasons(node, page, marks={}))
            _add(group, url, node.text(deep=True), node.attributes.get("title") or "")
        if group.urls and self._flag(group):
            yield self._judge(page, group)

    def _rendered(self, page: Page, seen: set[str]) -> Iterator[Finding]:
        if page.rendered is None:
            return
        group = _Group()
        for link in page.rendered.links:
            if link.visible or link.href in seen or not is_external(link.href, page):
                continue
            group.reasons.add(link.reason or "hidden")
            _add(group, link.href, link.text, "")
        if group.urls and self._flag(group):
            yield self._judge(page, group)

    @staticmethod
    def _flag(group: _Group) -> bool:
        strong = bool(group.reasons & (STRONG | _RENDER_STRONG)) or (
            "document.write" in group.reasons and group.obfuscated
        )
        domains = {registrable_domain(host_of(u) or u) for u in group.urls}
        if group.illicit:
            return True
        if group.interactive:
            return False
        return strong or len(domains) >= MIN_DOMAINS_WEAK

    @staticmethod
    def _judge(page: Page, group: _Group) -> Finding:
        domains = sorted({registrable_domain(host_of(u) or u) for u in group.urls})
        strong = bool(group.reasons & (STRONG | _RENDER_STRONG))
        confidence = 0.95 if group.illicit else 0.85 if strong else 0.7
        offsets = locate_node(page, group.node) if group.node is not None else None
        if offsets is None and group.first_link is not None:
            offsets = locate_node(page, group.first_link)
        if offsets is None and group.node is None and page.written:
            offsets = (page.written[0].start, page.written[0].end)
            base = next((s.base for s in page.scripts if s.report.written), None)
            offsets = (base + offsets[0], base + offsets[1]) if base is not None else None
        texts = "、".join(t for t in group.texts[:5] if t)
        return Finding(
            kind=FindingKind.HIDDEN_LINK,
            evidence=f"{len(group.urls)} hidden links to {len(domains)} domains: {texts}"[:300],
            selector=css_path(group.node) if group.node is not None else "",
            start=offsets[0] if offsets else None,
            end=offsets[1] if offsets else None,
            target=group.urls[0],
            count=len(group.urls),
            confidence=confidence,
            detail=",".join(sorted(group.reasons)),
        )
