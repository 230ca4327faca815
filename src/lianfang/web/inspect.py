"""Static inspection of one web page: findings with evidence, indicators, classification, verdict.

`inspect_page` is pure: no network, no files. The caller (CLI, API, crawler) fetches the page,
its linked scripts and images, and optionally renders it, then passes everything in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING

from lianfang.detect import model
from lianfang.detect.classification import Classification
from lianfang.errors import InputError, LianfangError
from lianfang.indicators.extract import extract
from lianfang.indicators.model import Indicator
from lianfang.web.checks import CHECKS, Check
from lianfang.web.fetch import decode_body
from lianfang.web.finding import Finding, FindingKind
from lianfang.web.page import Page, parse_page

if TYPE_CHECKING:
    from lianfang.web.render import RenderedPage

__all__ = ["Inspection", "Verdict", "inspect_page", "page_text"]

MAX_TEXT_CHARS = 200_000
MAX_HTML_BYTES = 16 * 1024 * 1024
# The detector reads what a triager reads first: the opening of the visible text. Its cost grows
# with the length (~3.5 us a character), and its training texts are short messages, so a
# longer slice buys time, not accuracy.
MAX_CLASSIFY_CHARS = 1_000
# How much one finding of each kind says about the page being malicious (not a data leak).
_WEIGHT: dict[FindingKind, float] = {
    FindingKind.HIDDEN_LINK: 0.8,
    FindingKind.JS_REDIRECT: 0.8,
    FindingKind.META_REFRESH: 0.6,
    FindingKind.IFRAME_INJECTION: 0.8,
    FindingKind.SEO_SPAM: 0.85,
    FindingKind.PII_EXPOSURE: 0.45,
    FindingKind.QR_CODE: 0.7,
    FindingKind.ILLICIT_CONTENT: 0.8,
}
MALICIOUS_AT = 0.7
SUSPICIOUS_AT = 0.3


@dataclass(frozen=True, slots=True)
class Verdict:
    """Overall judgement: label "clean" / "suspicious" / "malicious", score in [0, 1], reasons."""

    label: str
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Inspection:
    """Everything inspect_page found; indicator offsets index `text`, finding offsets the HTML source.

    `classification` is None and `classifier` is "not available" when the detector's weights
    are not installed; `encoding` is the charset used to decode bytes input; `notes` lists
    limits that were hit (truncated page, skipped scripts).
    """

    url: str | None
    findings: tuple[Finding, ...]
    indicators: tuple[Indicator, ...]
    verdict: Verdict
    classification: Classification | None
    classifier: str
    qr_payloads: tuple[str, ...]
    text: str
    encoding: str
    notes: tuple[str, ...]


@cache
def _classifier() -> Callable[[str], Classification] | None:
    # The weights file is a build artefact that a source checkout may lack; the code is not.
    return model.classify if model.shipped_model_path().is_file() else None


def page_text(page: Page) -> str:
    """Return the text indicators are extracted from: head, all body text, link targets, QR payloads."""
    parts = [page.title, page.meta.get("keywords", ""), page.meta.get("description", ""), page.body_text]
    targets = [node.attributes.get("href") or "" for node in page.tree.css("a[href]")[:5000]]
    targets += [node.attributes.get("src") or "" for node in page.tree.css("iframe[src], frame[src]")[:500]]
    targets += [r.target or "" for s in page.scripts for r in s.report.redirects]
    parts.append("\n".join(t for t in targets if t.lower().startswith(("http://", "https://", "//"))))
    if page.written_tree is not None:
        parts.append(page.written_tree.text(deep=True, separator="\n"))
    parts.extend(qr.payload for qr in page.qr_codes)
    return "\n".join(p for p in parts if p)[:MAX_TEXT_CHARS]


def verdict_of(findings: Sequence[Finding]) -> Verdict:
    """Combine findings into a verdict: noisy-OR of kind weight x confidence."""
    remaining = 1.0
    reasons = []
    for finding in findings:
        remaining *= 1.0 - _WEIGHT[finding.kind] * finding.confidence
        reasons.append(f"{finding.kind}: {finding.detail}".rstrip(": "))
    score = round(1.0 - remaining, 3)
    label = "malicious" if score >= MALICIOUS_AT else "suspicious" if score >= SUSPICIOUS_AT else "clean"
    if label == "malicious" and all(f.kind is FindingKind.PII_EXPOSURE for f in findings):
        label = "suspicious"  # a data leak is an exposure to fix, not a malicious page
    return Verdict(label, score, tuple(dict.fromkeys(reasons)))


def inspect_page(
    html: str | bytes,
    url: str | None = None,
    rendered: RenderedPage | None = None,
    *,
    linked_scripts: Mapping[str, str] | None = None,
    images: Mapping[str, bytes] | None = None,
    checks: Sequence[Check] = CHECKS,
    indicators: bool = True,
    classify: bool = True,
) -> Inspection:
    """Inspect one page statically (plus the renderer's view when `rendered` is given).

    `html` as bytes is decoded by BOM, <meta charset> or detection (GBK pages decode as GB18030);
    `linked_scripts` maps a <script src> (as written or absolute) to its source, `images` maps
    an <img src> to its bytes. Pure: no I/O. Raises InputError for a non-str/bytes `html`;
    malformed HTML, binary junk and pathological scripts produce notes, never exceptions.
    Indicators come from the whole `page_text` (at most MAX_TEXT_CHARS); the detector reads the
    first MAX_CLASSIFY_CHARS characters of the visible text, what a triager reads first.
    `indicators=False` / `classify=False` skip indicator extraction / the text detector (both
    cost more than the page checks on big pages); the Inspection then says so in `notes`.
    """
    notes: tuple[str, ...] = ()
    if isinstance(html, bytes | bytearray):
        if len(html) > MAX_HTML_BYTES:
            # Decoding 50 MB of CJK costs ~200 MB of str; cut before decoding (parse_page cuts again).
            notes = (f"input truncated from {len(html)} to {MAX_HTML_BYTES} bytes",)
            html = html[:MAX_HTML_BYTES]
        text, encoding = decode_body(bytes(html))
    elif isinstance(html, str):
        text, encoding = html, "str"
    else:
        raise InputError(f"inspect_page expects str or bytes, got {type(html).__name__}")
    page = parse_page(text, url, rendered, linked_scripts=linked_scripts, images=images, notes=notes)
    classifier = _classifier() if classify else None
    classification = None
    status = "ok" if classifier is not None else "skipped" if not classify else "not available"
    if classifier is not None:
        # What visitors see; a stuffed <title> is seo_spam's evidence, not the page's content.
        sample = page.visible_text.strip()[:MAX_CLASSIFY_CHARS]
        try:
            classification = classifier(sample) if sample else None
        except LianfangError as exc:  # load() reports a missing or foreign weights file this way
            status = f"not available: {exc}"
        page = replace(page, classification=classification)
    findings: list[Finding] = []
    for check in checks:
        findings.extend(check.check(page))
    findings.sort(key=lambda f: (-f.confidence, f.kind.value, f.start if f.start is not None else -1))
    combined = page_text(page) if indicators else ""
    found = tuple(extract(combined)) if indicators else ()
    notes = page.notes
    if not indicators:
        notes += ("indicator extraction skipped",)
    return Inspection(
        url=url,
        findings=tuple(findings),
        indicators=found,
        verdict=verdict_of(findings),
        classification=classification,
        classifier=status,
        qr_payloads=tuple(dict.fromkeys(qr.payload for qr in page.qr_codes)),
        text=combined,
        encoding=encoding,
        notes=notes,
    )
