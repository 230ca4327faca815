"""illicit_content: the page's visible text classified by Lianfang's detector (when it is installed).

The classification itself is computed once by `inspect_page` and carried on the page; this
checker turns a confident non-benign label into a finding only when something besides the model
agrees: one of the detector's own rules of that category fired, or the visible text carries at least
`MIN_TERMS` lexicon terms of the same category. (Measured: the shipped model alone labels the
navigation text of an ordinary school home page "gambling" at 0.79-0.94.)
"""

from __future__ import annotations

from collections.abc import Iterator

from lianfang.taxonomy import Category
from lianfang.web.finding import Finding, FindingKind
from lianfang.web.lexicon import find_terms
from lianfang.web.page import Page

MIN_SCORE = 0.6
MIN_TERMS = 2


class IllicitContentCheck:
    """Raises a finding when the page text is classified as a harmful category with enough confidence."""

    kind = FindingKind.ILLICIT_CONTENT

    def check(self, page: Page) -> Iterator[Finding]:
        """Yield at most one finding for the page's classification."""
        result = page.classification
        if result is None or result.label is Category.BENIGN:
            return
        score = result.scores.get(str(result.label), 0.0)
        if score < MIN_SCORE:
            return
        terms = [hit for hit in find_terms(page.visible_text) if hit.category is result.label]
        # Rule ids are "<category>.<name>": only a rule of the same family corroborates the label.
        same_family = [rule for rule in result.rules if rule.split(".", 1)[0] == str(result.label)]
        if not same_family and len(terms) < MIN_TERMS:
            return
        snippet = " ".join((page.title + " " + page.visible_text).split())[:200]
        yield Finding(
            FindingKind.ILLICIT_CONTENT,
            snippet,
            "body",
            None,
            None,
            None,
            1,
            round(score, 3),
            f"{result.label}" + (f",rules={'+'.join(result.rules[:5])}" if result.rules else ""),
        )
