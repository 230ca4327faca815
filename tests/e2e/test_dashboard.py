"""Browser tests of the dashboard: Debian's Chromium via Playwright against a real uvicorn server.

One server (temp SQLite DB with a small demo load) and one browser for the whole module.
Screenshots of every page land in test-output/dashboard/.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from e2e.dashboard_data import (
    AMBER_MARK,
    AMBER_QQ,
    SECRET_DOMAIN,
    SECRET_MARK,
    SECRET_PHONE,
    SECRET_PHONE_SHOWN,
    SHARED_DOMAIN,
    XSS_IMG,
    XSS_SCRIPT,
    DashboardData,
    load,
)
from lianfang.config import Settings

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-output" / "dashboard"
RUNNER = Path(__file__).with_name("dashboard_runner.py")

if not Path(CHROMIUM).exists():
    pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)",
                allow_module_level=True)

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def data_and_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DashboardData, str]]:
    """Load the data set into a temp SQLite DB and serve it on 127.0.0.1:<ephemeral>."""
    path = tmp_path_factory.mktemp("dash") / "lianfang.db"
    settings = Settings(database_url=f"sqlite:///{path}", hmac_key="e2e-hmac-key")
    data = load(settings)
    env = {**os.environ, "LIANFANG_DATABASE_URL": settings.database_url,
           "LIANFANG_HMAC_KEY": settings.hmac_key,
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, str(RUNNER)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        if not line.isdigit():
            err = proc.stderr.read() if proc.stderr else ""
            raise RuntimeError(f"dashboard server did not start: {line!r} {err[-2000:]}")
        url = f"http://127.0.0.1:{line}"
        for _ in range(100):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            proc.poll()
            if proc.returncode is not None:
                raise RuntimeError("dashboard server exited")
            import time

            time.sleep(0.1)
        yield data, url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Debian Chromium for the module (never a downloaded browser)."""
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-dev-shm-usage"])
        yield b
        b.close()


class Watch:
    """Collects console errors, page errors and dialogs of one page; any of them fails the test."""

    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))

        def on_dialog(d: Any) -> None:
            self.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", on_dialog)

    def forgive_404(self) -> None:
        """Drop the console line Chromium logs for a 404 the test itself asked for."""
        self.errors = [e for e in self.errors if "status of 404" not in e]

    def check(self) -> None:
        assert not self.dialogs, f"a dialog opened: {self.dialogs}"
        assert not self.errors, "\n".join(self.errors)


def login(browser: Browser, url: str, key: str, lang: str = "zh") -> tuple[BrowserContext, Page, Watch]:
    """A fresh context logged in through the real form; the language chosen with ?lang=."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    watch = Watch(page)
    page.goto(f"{url}/ui/login?lang={lang}")
    page.fill("#key", key)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/ui/")
    return context, page, watch


def _canvas_in(page: Page, chart_id: str) -> None:
    page.wait_for_selector(f"#{chart_id}[data-rendered='1'] canvas", timeout=10_000)


def test_every_page_both_languages(browser: Browser, data_and_url: tuple[DashboardData, str]) -> None:
    """Each page loads with no console error in zh and en; charts and the map draw; screenshots saved."""
    data, url = data_and_url
    SHOTS.mkdir(parents=True, exist_ok=True)
    for lang, marker in (("zh", "态势总览"), ("en", "Overview")):
        context, page, watch = login(browser, url, data.police_key, lang)
        assert marker in page.inner_text("header")
        for chart in ("chart-trend", "chart-category", "chart-stage", "chart-map"):
            _canvas_in(page, chart)
        page.screenshot(path=str(SHOTS / f"{lang}-overview.png"), full_page=True)
        first = page.locator("#top-indicators a").first
        ind_href = first.get_attribute("href")
        assert ind_href and ind_href.startswith("/ui/indicator?key=")
        pages = {
            "reports": "/ui/reports",
            "search": "/ui/reports?q=" + quote("返利"),
            "report": f"/ui/reports/{data.xss_report}",
            "indicator": ind_href,
            "clusters": "/ui/clusters",
            "graph": "/ui/graph",
            "graph-seed": "/ui/graph?seed=" + quote(f"domain:{SHARED_DOMAIN}"),
            "lookup": "/ui/lookup",
        }
        for name, path in pages.items():
            response = page.goto(url + path)
            assert response is not None and response.status == 200, (name, response and response.status)
            assert marker in page.inner_text("header"), f"{name} not in {lang}"
            if name == "indicator":
                _canvas_in(page, "chart-timeline")
            if name.startswith("graph"):
                _canvas_in(page, "chart-graph")
            page.screenshot(path=str(SHOTS / f"{lang}-{name}.png"), full_page=True)
        assert page.locator("#report-list, #clusters").count() == 0  # we are on the lookup page now
        page.fill("#values", f"{SHARED_DOMAIN}\n13800138000\n不是指标")
        page.click("form[action='/ui/lookup'] button[type=submit]")
        page.wait_for_selector("#results")
        verdicts = page.locator("#results td.verdict").all_inner_texts()
        assert verdicts[0] in ("已知恶意", "Known bad")
        page.screenshot(path=str(SHOTS / f"{lang}-lookup-results.png"), full_page=True)
        # Click-to-expand: fire the graph's node click as ECharts would and wait for the merged graph.
        page.goto(url + "/ui/graph?seed=" + quote(f"domain:{SHARED_DOMAIN}"))
        _canvas_in(page, "chart-graph")
        before = page.evaluate("echarts.getInstanceByDom(document.getElementById('chart-graph'))"
                               ".getOption().series[0].data.length")
        target = page.evaluate("""() => {
            const c = echarts.getInstanceByDom(document.getElementById('chart-graph'));
            const n = c.getOption().series[0].data.find(d => d.expand && !d.expand.startsWith('domain:'));
            c.trigger('click', {dataType: 'node', data: n});
            return n.expand; }""")
        page.wait_for_selector(f"#chart-graph[data-expanded='{target}']", timeout=10_000)
        after = page.evaluate("echarts.getInstanceByDom(document.getElementById('chart-graph'))"
                              ".getOption().series[0].data.length")
        assert after >= before
        watch.check()
        context.close()


def test_hostile_report_text_is_inert(browser: Browser, data_and_url: tuple[DashboardData, str]) -> None:
    """`<script>` and an onerror <img> in a report show as text on every page; no dialog ever opens."""
    data, url = data_and_url
    context, page, watch = login(browser, url, data.police_key)
    page.goto(f"{url}/ui/reports/{data.xss_report}")
    text = page.inner_text("#original")
    assert XSS_SCRIPT in text and XSS_IMG in text
    assert page.locator("img[src=x]").count() == 0
    assert page.locator("#original a.ioc").count() >= 1  # indicators highlighted in place
    page.goto(f"{url}/ui/reports?q=" + quote("alert(1)"))
    assert XSS_SCRIPT in page.inner_text("#report-list")
    page.goto(f"{url}/ui/lookup")
    page.fill("#values", f"{XSS_IMG}\n{XSS_SCRIPT}")
    page.click("form[action='/ui/lookup'] button[type=submit]")
    page.wait_for_selector("#results")
    assert XSS_IMG in page.inner_text("#results")
    page.goto(f"{url}/ui/graph?seed=" + quote(XSS_IMG))
    page.goto(f"{url}/ui/reports?q=" + quote(XSS_IMG))
    assert page.locator("img[src=x]").count() == 0
    page.wait_for_timeout(300)
    watch.check()
    context.close()


def test_org_a_never_sees_org_b_red_or_amber(
    browser: Browser, data_and_url: tuple[DashboardData, str]
) -> None:
    """Org A's pages, searches, graph, lookup and JSON endpoints never show org B's RED/AMBER data."""
    data, url = data_and_url
    secrets = (SECRET_MARK, AMBER_MARK, SECRET_PHONE, SECRET_PHONE_SHOWN, SECRET_DOMAIN, AMBER_QQ)
    context, page, watch = login(browser, url, data.key_a)

    def clean(where: str) -> None:
        # A search page echoes its own query in the search box; judge its results and nav only.
        html = page.inner_html("#report-list") if "?q=" in where else page.content()
        leaked = [s for s in secrets if s in html]
        assert not leaked, f"{where} shows {leaked}"

    for path in ("/ui/", "/ui/reports", "/ui/clusters", "/ui/graph", f"/ui/reports?q={quote('乙方')}",
                 f"/ui/reports?q={quote('SECRETB')}", f"/ui/reports?q={SECRET_PHONE}",
                 "/ui/graph?seed=" + quote(f"domain:{SHARED_DOMAIN}"),
                 "/ui/indicator?key=" + quote(f"domain:{SHARED_DOMAIN}")):
        response = page.goto(url + path)
        assert response is not None and response.status == 200, path
        clean(path)
    assert page.locator("#sightings tbody tr").count() == 1  # only B's GREEN report names the shared domain
    for hidden in (data.red_report, data.amber_report):
        response = page.goto(f"{url}/ui/reports/{hidden}")
        assert response is not None and response.status == 404
        watch.forgive_404()
        clean(f"report {hidden}")
    for key in (f"phone:{SECRET_PHONE_SHOWN}", f"domain:{SECRET_DOMAIN}", f"qq:{AMBER_QQ}"):
        response = page.goto(f"{url}/ui/indicator?key={quote(key)}")
        assert response is not None and response.status == 404, key
        watch.forgive_404()
        page.goto(f"{url}/ui/graph?seed={quote(key)}")
        assert page.locator("p.error").count() == 1
    page.goto(f"{url}/ui/lookup")
    page.fill("#values", f"{SECRET_PHONE}\n{SECRET_DOMAIN}\n{AMBER_QQ}")
    page.click("form[action='/ui/lookup'] button[type=submit]")
    page.wait_for_selector("#results")
    assert page.locator("#results tr.bad").count() == 0
    # The JSON behind the pages, fetched with the session cookie from inside the page.
    for api in ("/api/v1/graph/expand?seed=" + quote(f"domain:{SHARED_DOMAIN}") + "&hops=4&limit=500",
                "/api/v1/clusters?limit=1000", "/api/v1/stats/top-indicators?limit=200",
                f"/api/v1/clusters/{data.green_b_report}?format=echarts"):
        body = page.evaluate("(u) => fetch(u, {credentials: 'same-origin'}).then(r => r.text())", api)
        assert not [s for s in secrets if s in body], api
        assert f'"{data.red_report}"' not in body and f"r:{data.red_report}\"" not in body, api
    status = page.evaluate("(u) => fetch(u).then(r => r.status)", f"/api/v1/clusters/{data.red_report}")
    assert status == 404
    watch.forgive_404()
    watch.check()
    context.close()
    # Org B itself does see its RED report (the test above is not passing vacuously).
    context, page, watch = login(browser, url, data.key_b)
    response = page.goto(f"{url}/ui/reports/{data.red_report}")
    assert response is not None and response.status == 200
    assert SECRET_MARK in page.inner_text("#original")
    watch.check()
    context.close()
