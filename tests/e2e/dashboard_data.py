"""The dashboard tests' data set: a small demo load plus hostile and org-private reports.

Everything goes through the real ingest path (`lianfang.demo.load_demo` and `Ingestor`), so the
pages show what real submissions produce. Org A (甲) and org B (乙) are extra members: B files a
RED and an AMBER report whose markers A must never see, and a GREEN report that shares a domain
with B's RED one (so A's graph could only reach B's secret phone through a hidden report).
"""

from __future__ import annotations

from dataclasses import dataclass

from lianfang.config import Settings
from lianfang.demo import load_demo
from lianfang.store.access import Tlp
from lianfang.store.accounts import Role, create_key, create_org
from lianfang.store.db import make_database
from lianfang.store.ingest import Ingestor, Submission
from lianfang.store.values import Secrets

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = '"><img src=x onerror=alert(1)>'
SECRET_MARK = "乙方红色机密SECRETB"
AMBER_MARK = "乙方琥珀机密AMBERB"
SECRET_PHONE = "13912340987"
SECRET_PHONE_SHOWN = "+8613912340987"
SECRET_DOMAIN = "redsecret-only-b.top"
SHARED_DOMAIN = "shared-gang-b.top"
AMBER_QQ = "3849120567"
DEMO_COUNT = 120


@dataclass(frozen=True, slots=True)
class DashboardData:
    """Keys and ids the dashboard tests need."""

    police_key: str
    key_a: str
    key_b: str
    xss_report: int
    red_report: int
    amber_report: int
    green_b_report: int


def load(settings: Settings, demo_count: int = DEMO_COUNT) -> DashboardData:
    """Load the demo data and the special reports into the (empty) database of `settings`."""
    demo = load_demo(settings, count=demo_count)
    db = make_database(settings)
    try:
        with db.write.begin() as session:
            a = create_org(session, "甲组织 Org A")
            b = create_org(session, "乙组织 Org B")
            create_org(session, "丙组织 Org C")
            key_a = create_key(session, a.name, Role.ANALYST).key
            key_b = create_key(session, b.name, Role.ANALYST).key
        ingest = Ingestor(db, Secrets.from_setting(settings.hmac_key))
        xss = ingest.ingest(a.id, None, [Submission(
            text=f"刷单返利 {XSS_SCRIPT} 联系 {XSS_IMG} 网址 xss-test-gang.top 加微信 xsswx_2024",
            tlp=Tlp.GREEN, source="e2e")])[0].report_id
        red, amber, green = (r.report_id for r in ingest.ingest(b.id, None, [
            Submission(text=f"{SECRET_MARK} 博彩 电话 {SECRET_PHONE} 网站 {SECRET_DOMAIN} 和 {SHARED_DOMAIN}",
                       tlp=Tlp.RED, source="e2e"),
            Submission(text=f"{AMBER_MARK} 赌博 QQ {AMBER_QQ}", tlp=Tlp.AMBER, share_with=["丙组织 Org C"],
                       source="e2e"),
            Submission(text=f"博彩推广 网站 {SHARED_DOMAIN} 充值返利", tlp=Tlp.GREEN, source="e2e"),
        ]))
    finally:
        db.dispose()
    return DashboardData(demo.api_key, key_a, key_b, xss, red, amber, green)
