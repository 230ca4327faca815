"""One small checker per finding kind; `CHECKS` is the default list `inspect_page` runs.

A checker is any object with a `kind` and a `check(page) -> Iterator[Finding]` method; adding a
technique is adding a module here and one line to `CHECKS`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from lianfang.web.checks.hidden_link import HiddenLinkCheck
from lianfang.web.checks.iframe_injection import IframeInjectionCheck
from lianfang.web.checks.illicit_content import IllicitContentCheck
from lianfang.web.checks.js_redirect import JsRedirectCheck
from lianfang.web.checks.meta_refresh import MetaRefreshCheck
from lianfang.web.checks.pii_exposure import PiiExposureCheck
from lianfang.web.checks.qr_code import QrCodeCheck
from lianfang.web.checks.seo_spam import SeoSpamCheck
from lianfang.web.finding import Finding, FindingKind
from lianfang.web.page import Page


class Check(Protocol):
    """The checker interface: one finding kind, one method over a parsed page."""

    kind: FindingKind

    def check(self, page: Page) -> Iterator[Finding]:
        """Yield the findings of this kind in `page`."""
        ...


CHECKS: tuple[Check, ...] = (
    HiddenLinkCheck(),
    JsRedirectCheck(),
    MetaRefreshCheck(),
    IframeInjectionCheck(),
    SeoSpamCheck(),
    PiiExposureCheck(),
    QrCodeCheck(),
    IllicitContentCheck(),
)

__all__ = ["CHECKS", "Check"]
