"""seo_spam: title/keywords/description stuffed with gambling or porn terms the page body lacks.

This is the defacement signature: attackers rewrite the <head> of a school or government page so
search engines index it for gambling terms, and often add a script that puts the real title
back for human visitors (`document.title = ...`). A page whose visible body is about the same
subject (a news report on a gambling crackdown) is not stuffed.
"""

from __future__ import annotations

from collections.abc import Iterator

from lianfang.web.finding import Finding, FindingKind
from lianfang.web.lexicon import find_terms
from lianfang.web.page import Page, locate

MIN_HEAD_TERMS = 2


class SeoSpamCheck:
    """Compares illicit-term density of the page head with the visible body text."""

    kind = FindingKind.SEO_SPAM

    def check(self, page: Page) -> Iterator[Finding]:
        """Yield at most one finding for the page head."""
        head_parts = {
            "title": page.title,
            "keywords": page.meta.get("keywords", ""),
            "description": page.meta.get("description", ""),
            "og:title": page.meta.get("og:title", ""),
        }
        head_hits = {name: find_terms(text) for name, text in head_parts.items()}
        distinct = {hit.term for hits in head_hits.values() for hit in hits}
        total = sum(len(hits) for hits in head_hits.values())
        if len(distinct) < MIN_HEAD_TERMS and not (head_hits["title"] and total >= MIN_HEAD_TERMS):
            return
        visible_hits = find_terms(page.visible_text)
        visible_chars = max(len(page.visible_text), 1)
        # A page really about the subject repeats it in its visible body; a defaced one does not.
        body_density = len(visible_hits) * 1000 / visible_chars
        title_hijack = any(script.report.sets_title for script in page.scripts)
        if visible_hits and body_density >= 1.0 and len(visible_hits) * 2 >= total and not title_hijack:
            return
        confidence = 0.97 if title_hijack else 0.9 if not visible_hits else 0.75
        where = next(name for name, hits in head_hits.items() if hits)
        offsets = locate(page, head_parts[where]) if head_parts[where] else None
        detail = ",".join(name for name, hits in head_hits.items() if hits)
        if title_hijack:
            detail += ",title-rewritten-by-script"
        yield Finding(
            FindingKind.SEO_SPAM,
            f"{where}: {head_parts[where]}"[:300],
            "head",
            offsets[0] if offsets else None,
            offsets[1] if offsets else None,
            None,
            len(distinct),
            confidence,
            detail,
        )
