"""qr_code: QR codes in page images that lead to gambling/porn, Telegram groups or crypto payment.

Every decoded QR code is kept in the inspection; a finding is raised only when the payload or
the words around the image are illicit, the payload is a Telegram invite or a USDT/ETH address,
the link points at a bare IP, or the image itself is hidden.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from lianfang.web.finding import Finding, FindingKind
from lianfang.web.lexicon import has_terms
from lianfang.web.page import Page, PageQr, host_of, is_external

_TRON = re.compile(r"(?<![1-9A-HJ-NP-Za-km-z])T[1-9A-HJ-NP-Za-km-z]{33}(?![1-9A-HJ-NP-Za-km-z])")
_ETH = re.compile(r"(?<![0-9a-fA-Fx])0x[0-9a-fA-F]{40}(?![0-9a-fA-F])")
_TELEGRAM_HOSTS = ("t.me", "telegram.me", "telegram.org", "telegram.dog")


def qr_reasons(qr: PageQr, page: Page) -> list[str]:
    """Return why a decoded QR code looks like black-industry traffic ([] when it does not)."""
    reasons: list[str] = []
    payload = qr.payload
    host = host_of(payload) or ""
    if has_terms(payload):
        reasons.append("illicit-payload")
    if has_terms(qr.alt) or has_terms(qr.context):
        reasons.append("illicit-context")
    if host in _TELEGRAM_HOSTS or host.endswith(".t.me") or payload.lower().startswith("tg://"):
        reasons.append("telegram")
    if _TRON.search(payload) or _ETH.search(payload):
        reasons.append("crypto-address")
    try:
        ipaddress.ip_address(host.strip("[]"))
        reasons.append("ip-host")
    except ValueError:
        pass
    if qr.hidden and is_external(payload, page):
        reasons.append("hidden-image")
    return reasons


class QrCodeCheck:
    """Flags decoded QR codes (data-URI images and images supplied by the caller) with illicit targets."""

    kind = FindingKind.QR_CODE

    def check(self, page: Page) -> Iterator[Finding]:
        """Yield one finding per suspicious QR code."""
        for qr in page.qr_codes:
            reasons = qr_reasons(qr, page)
            if not reasons:
                continue
            strong = {"illicit-payload", "telegram", "crypto-address"} & set(reasons)
            confidence = 0.95 if strong else 0.85
            yield Finding(
                FindingKind.QR_CODE,
                f"QR: {qr.payload}"[:300],
                qr.selector,
                None,
                None,
                qr.payload if host_of(qr.payload) else None,
                1,
                confidence,
                ",".join(reasons),
            )
