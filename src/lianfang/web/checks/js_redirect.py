"""js_redirect: scripts that send visitors to another site on load, cloaked or obfuscated.

A redirect is flagged when it leaves the site and runs by itself (top level, timers, onload);
one that waits for a click is flagged only when it is also cloaked (referrer / spider checks)
or obfuscated, since opening a partner site on click is ordinary. Same-site navigation (login,
https upgrade, frame busting) is never flagged.
"""

from __future__ import annotations

from collections.abc import Iterator

from lianfang.web.checks.meta_refresh import refresh_target
from lianfang.web.finding import Finding, FindingKind
from lianfang.web.js import JsRedirect
from lianfang.web.lexicon import has_terms
from lianfang.web.page import Page, host_of, is_external, resolve


def _confidence(redirect: JsRedirect, external: bool, target: str | None) -> float | None:
    suspicious = bool(redirect.cloaking or redirect.obfuscation)
    if external:
        if redirect.auto:
            if redirect.cloaking:
                return 0.97
            if redirect.obfuscation or has_terms(target or ""):
                return 0.95
            return 0.8 if redirect.sink == "window.open" else 0.9
        return 0.75 if suspicious else None
    # Target unknown (computed): only the cloaking/obfuscation pattern is evidence.
    if redirect.auto and suspicious:
        return 0.7
    return None


def _detail(redirect: JsRedirect) -> str:
    parts = [redirect.sink, "auto" if redirect.auto else "on-event"]
    if redirect.cloaking:
        parts.append(f"{redirect.cloaking}-cloaking")
    if redirect.obfuscation:
        parts.append("obfuscated:" + "+".join(redirect.obfuscation))
    return ",".join(parts)


class JsRedirectCheck:
    """Flags off-site navigations in inline, linked and handler scripts, and the renderer's final URL."""

    kind = FindingKind.JS_REDIRECT

    def check(self, page: Page) -> Iterator[Finding]:
        """Yield one finding per suspicious redirect statement."""
        hosts: set[str] = set()
        for script in page.scripts:
            for redirect in script.report.redirects:
                target = resolve(redirect.target, page) if redirect.target else None
                if target is not None and host_of(target) is None and not redirect.from_location:
                    # A relative constant is same-site; a bare scheme prefix ("http://" + x) is unknown.
                    known = not target.lower().startswith(("http:", "https:", "//"))
                    if known:
                        continue
                    target = None
                if target is None and redirect.from_location:
                    continue
                external = is_external(target, page)
                if target is not None and not external:
                    continue
                confidence = _confidence(redirect, external, target)
                if confidence is None:
                    continue
                if target:
                    hosts.add(host_of(target) or "")
                start = script.base + redirect.start if script.base is not None else None
                end = script.base + redirect.end if script.base is not None else None
                yield Finding(
                    FindingKind.JS_REDIRECT,
                    redirect.snippet,
                    script.selector,
                    start,
                    end,
                    target,
                    1,
                    confidence,
                    _detail(redirect),
                )
        yield from self._rendered(page, hosts)

    @staticmethod
    def _rendered(page: Page, hosts: set[str]) -> Iterator[Finding]:
        rendered = page.rendered
        if rendered is None:
            return
        # Navigations a <meta refresh> explains belong to meta_refresh, not to scripts.
        for tree in (page.tree, page.written_tree):
            for node in tree.css("meta[http-equiv]") if tree is not None else []:
                if (node.attributes.get("http-equiv") or "").strip().lower() == "refresh":
                    target = resolve(refresh_target(node.attributes.get("content") or "")[1], page)
                    hosts.add(host_of(target or "") or "")
        for url in (rendered.final_url, *rendered.navigations):
            host = host_of(url)
            if host and host not in hosts and is_external(url, page):
                hosts.add(host)
                yield Finding(
                    FindingKind.JS_REDIRECT,
                    f"browser navigated to {url}"[:300],
                    "",
                    None,
                    None,
                    url,
                    1,
                    0.9,
                    "render:navigation",
                )
