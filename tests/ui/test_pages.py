"""Dashboard routes in-process: login cookie, language switch, escaping, CSRF guard, scoping, bad input."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from lianfang.api.app import create_app
from lianfang.config import Settings
from lianfang.store.access import Tlp
from lianfang.store.db import Database
from lianfang.store.ingest import Ingestor, Submission
from lianfang.store.values import Secrets
from lianfang.ui.routes import segments, ui_routers


@pytest.fixture
def dash(settings: Settings, db: Database, members: dict) -> Iterator[tuple[TestClient, dict]]:
    """An app with the dashboard, a's GREEN report (hostile text) and b's RED report."""
    ing = Ingestor(db, Secrets.from_setting(settings.hmac_key))
    a, b = members["a"], members["b"]
    green = ing.ingest(a.org_id, None, [Submission(
        text='刷单 <script>alert(1)</script> "><img src=x onerror=alert(1)> '
             "网址 green-gang.top 电话 13812345678",
        tlp=Tlp.GREEN)])[0].report_id
    red = ing.ingest(b.org_id, None, [Submission(
        text="红色机密 博彩 网站 green-gang.top 电话 18912345670", tlp=Tlp.RED)])[0].report_id
    with TestClient(create_app(settings, extra_routers=ui_routers())) as client:
        yield client, {"green": green, "red": red, "a": a, "b": b}


def _login(client: TestClient, key: str) -> None:
    r = client.post("/ui/login", data={"key": key, "next": "/ui/reports"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/ui/reports"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and key not in cookie


def test_login_required_and_root_redirect(dash: tuple[TestClient, dict]) -> None:
    """Pages redirect to the login form; / goes to the dashboard; JSON stats need a key or cookie."""
    client, _ = dash
    assert client.get("/", follow_redirects=False).headers["location"] == "/ui/"
    r = client.get("/ui/reports?q=x", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/ui/login?next=%2Fui%2Freports")
    assert client.get("/api/v1/stats/overview").status_code == 401
    bad = client.post("/ui/login", data={"key": "lf_nope_nope"}, follow_redirects=False)
    assert bad.status_code == 401 and "密钥无效" in bad.text
    client.cookies.set("lf_session", "abc.99999999999.deadbeef")
    assert client.get("/api/v1/stats/overview").status_code == 401


def test_api_key_header_works_for_pages_and_stats(dash: tuple[TestClient, dict]) -> None:
    """Scripts use the API key header instead of the cookie, on JSON endpoints and pages alike."""
    client, w = dash
    client.cookies.clear()
    key = {"X-API-Key": w["a"].key}
    assert client.get("/api/v1/stats/overview", headers=key).json()["reports"] == 1
    assert client.get(f"/ui/reports/{w['green']}", headers=key).status_code == 200
    assert client.get(f"/ui/reports/{w['red']}", headers=key).status_code == 404
    assert client.get("/api/v1/stats/overview", headers={"X-API-Key": "lf_no_such"}).status_code == 401


def test_cookie_session_scopes_pages_and_api(dash: tuple[TestClient, dict]) -> None:
    """A's session sees a's report, not b's RED one (404), in pages and in the JSON endpoints."""
    client, w = dash
    _login(client, w["a"].key)
    assert client.get("/api/v1/stats/overview").json()["reports"] == 1
    assert client.get(f"/ui/reports/{w['red']}").status_code == 404
    assert client.get(f"/ui/reports/{w['green']}").status_code == 200
    assert client.get("/ui/indicator", params={"key": "phone:+8618912345670"}).status_code == 404
    page = client.get("/ui/indicator", params={"key": "domain:green-gang.top"})
    assert page.status_code == 200 and "红色机密" not in page.text and f"#{w['red']}" not in page.text
    expand = client.get("/api/v1/graph/expand", params={"seed": "domain:green-gang.top", "hops": 4}).json()
    assert str(w["red"]) not in {r["key"] for r in expand["reports"]}
    assert "phone:+8618912345670" not in {i["key"] for i in expand["indicators"]}
    assert client.get(f"/api/v1/clusters/{w['red']}").status_code == 404
    top = client.get("/api/v1/stats/top-indicators").json()
    assert "+8618912345670" not in {t["value"] for t in top}
    # b sees its own RED report and the link through it
    client.cookies.clear()
    _login(client, w["b"].key)
    expand_b = client.get("/api/v1/graph/expand", params={"seed": "domain:green-gang.top"}).json()
    assert str(w["red"]) in {r["key"] for r in expand_b["reports"]}


def test_escaping_highlight_and_headers(dash: tuple[TestClient, dict]) -> None:
    """Report text is escaped, indicators are links in place, CSP forbids inline scripts."""
    client, w = dash
    _login(client, w["a"].key)
    r = client.get(f"/ui/reports/{w['green']}")
    assert "<script>alert(1)</script>" not in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    assert "<img src=x" not in r.text
    assert 'class="ioc ioc-domain" href="/ui/indicator?key=domain%3Agreen-gang.top"' in r.text
    assert "script-src 'self'" in r.headers["content-security-policy"]
    static = client.get("/ui/static/app.js")
    assert static.status_code == 200 and "page-data" in static.text
    assert client.get("/ui/static/../routes.py").status_code == 404


def test_language_switch_is_remembered(dash: tuple[TestClient, dict]) -> None:
    """?lang=en switches to English and sets a cookie; later pages stay English; default is Chinese."""
    client, w = dash
    _login(client, w["a"].key)
    assert "态势总览" in client.get("/ui/").text
    r = client.get("/ui/?lang=en")
    assert "Situational overview" in r.text and r.cookies.get("lf_lang") == "en"
    assert "Reports" in client.get("/ui/reports").text and "举报线索" not in client.get("/ui/reports").text


def test_posts_refuse_foreign_origin_and_bad_input(dash: tuple[TestClient, dict]) -> None:
    """Cross-site POSTs get 403; malformed ids, cursors and seeds get a clear page, not a crash."""
    client, w = dash
    evil = {"origin": "https://evil.example"}
    assert client.post("/ui/login", data={"key": w["a"].key}, headers=evil).status_code == 403
    _login(client, w["a"].key)
    assert client.post("/ui/lookup", data={"values": "green-gang.top"}, headers=evil).status_code == 403
    ok = client.post("/ui/lookup", data={"values": "green-gang.top\nnot a value"})
    assert ok.status_code == 200 and ok.text.count('class="bad"') == 1
    assert client.post("/ui/lookup", data={"values": "  \n "}).status_code == 422
    assert client.get("/ui/reports/abc").status_code == 404
    assert client.get("/ui/reports?cursor=zz").status_code == 422
    assert client.get("/ui/reports?tlp=purple").status_code == 422
    assert client.get("/ui/graph?seed=" + "x" * 3000).status_code == 422
    assert client.get("/ui/graph?cluster=-1").status_code == 200  # "not found" message, no crash
    assert client.get("/api/v1/graph/expand", params={"seed": "nothing-here"}).status_code == 404
    assert client.get("/api/v1/stats/timeline", params={"days": 0}).status_code == 422
    after = client.post("/ui/logout", follow_redirects=False)
    assert after.status_code == 303 and 'lf_session=""' in after.headers["set-cookie"]


def test_segments_skip_overlaps_and_bad_offsets() -> None:
    """A URL span swallows the domain span inside it; out-of-range spans are ignored."""
    from lianfang.store.stats import Span

    text = "see http://a.top/x now"
    spans = [Span(4, 16, "url", "http://a.top/x", "http://a.top/x", False, "subject"),
             Span(11, 16, "domain", "a.top", "a.top", False, "subject"),
             Span(20, 99, "qq", "1", "1", False, "subject")]
    segs = segments(text, spans)
    assert "".join(s.text for s in segs) == text
    assert [s.type for s in segs] == [None, "url", None]
