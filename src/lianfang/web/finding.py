"""What a page inspection reports: one `Finding` per technique instance, and the finding kinds."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FindingKind(StrEnum):
    """Techniques of the black/gray industry that a web page can carry."""

    HIDDEN_LINK = "hidden_link"
    JS_REDIRECT = "js_redirect"
    META_REFRESH = "meta_refresh"
    IFRAME_INJECTION = "iframe_injection"
    SEO_SPAM = "seo_spam"
    PII_EXPOSURE = "pii_exposure"
    QR_CODE = "qr_code"
    ILLICIT_CONTENT = "illicit_content"


FINDING_NAMES: dict[FindingKind, tuple[str, str]] = {
    FindingKind.HIDDEN_LINK: ("暗链", "Hidden link"),
    FindingKind.JS_REDIRECT: ("JS 跳转", "JavaScript redirect"),
    FindingKind.META_REFRESH: ("meta 刷新跳转", "Meta refresh"),
    FindingKind.IFRAME_INJECTION: ("iframe 注入", "Iframe injection"),
    FindingKind.SEO_SPAM: ("SEO 关键词篡改", "SEO spam / defacement"),
    FindingKind.PII_EXPOSURE: ("个人信息泄露", "Personal-data exposure"),
    FindingKind.QR_CODE: ("可疑二维码", "Suspicious QR code"),
    FindingKind.ILLICIT_CONTENT: ("违规内容", "Illicit content"),
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One technique instance found in a page.

    `evidence` is a short snippet (links' anchor texts, the JS statement, the meta tag);
    `selector` a CSS path of the element ("" when the evidence is page-wide);
    `start`/`end` index the decoded HTML source (None when the evidence could not be located
    in the source, e.g. HTML written by script or links only seen by the renderer);
    `target` the URL the technique sends visitors to; `count` how many items the finding
    groups (links in one hidden block, ID numbers on the page); `confidence` in [0, 1];
    `detail` a machine-readable reason ("display:none", "referrer-cloaking", ...).
    """

    kind: FindingKind
    evidence: str
    selector: str = ""
    start: int | None = None
    end: int | None = None
    target: str | None = None
    count: int = 1
    confidence: float = 0.5
    detail: str = ""
