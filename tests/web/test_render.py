"""Render mode with Debian's Chromium: computed visibility, navigations, screenshot, SSRF."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
from local_site import LocalSite, Reply, Route, serve

from lianfang.errors import FetchBlocked
from lianfang.web.fetch import Fetcher
from lianfang.web.render import CHROMIUM, Renderer, chromium_available

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason=f"{CHROMIUM} is absent: run `make browser`"),
]

HIDDEN_LINKS = """<html><body style="background:#ffffff">
<p><a id="ok" href="/about">关于我们</a></p>
<a href="http://hidden-display.example/" style="display:none">葡京</a>
<div style="visibility:hidden"><a href="http://hidden-vis.example/">彩票</a></div>
<div style="opacity:0"><a href="http://hidden-opacity.example/">百家乐</a></div>
<div style="position:absolute;left:-9999px;top:-9999px"><a href="http://hidden-off.example/">棋牌</a></div>
<p style="text-indent:-99999px;overflow:hidden"><a href="http://hidden-indent.example/">娱乐城</a></p>
<a href="http://hidden-colour.example/" style="color:#fefefe">成人视频</a>
<div style="height:0;overflow:hidden"><a href="http://hidden-clip.example/">赌球</a></div>
<a href="http://hidden-font.example/" style="font-size:0">时时彩</a>
<marquee width="0" height="0"><a href="http://hidden-marquee.example/">六合彩</a></marquee>
<div class="menu" style="position:relative"><a href="/news">新闻</a></div>
</body></html>"""


# Pages that leave for a host we block while (or right after) loading: (HTML, blocked target).
# The page keeps loading an image after the script so a 'load' event matters.
LEAVING_PAGES = {
    "inline-href": (
        "<html><body><a href='/a'>a</a><script>window.location.href='http://xpj.example/?from=gov';"
        "</script><img src='/img.png'><p>页面</p></body></html>",
        "http://xpj.example/?from=gov",
    ),
    "settimeout-href": (
        "<html><body><a href='/a'>a</a><script>setTimeout(function(){location.href="
        "'http://tyc.example/in';}, 5000);</script><img src='/img.png'></body></html>",
        "http://tyc.example/in",
    ),
    "meta-refresh-zero": (
        "<html><head><meta http-equiv='refresh' content='0;url=http://bjl.example/'></head>"
        "<body><a href='/a'>a</a><img src='/img.png'></body></html>",
        "http://bjl.example/",
    ),
    "meta-refresh-delay": (
        "<html><head><meta http-equiv='Refresh' content=\"3; URL='https://ylc.example/index.php'\">"
        "</head><body><a href='/a'>a</a></body></html>",
        "https://ylc.example/index.php",
    ),
}


@pytest.fixture(scope="module")
def site() -> Iterator[LocalSite]:
    routes: dict[str, Route] = {
        "/hidden": Reply(body=HIDDEN_LINKS.encode()),
        "/jsredirect": Reply(
            body=b"<html><body><a href='/a'>a</a><script>setTimeout(function(){"
            b"top.location.href='http://bad-casino.example/?from=seo';}, 3000);</script></body></html>"
        ),
        "/open": Reply(body=b"<html><body><script>window.open('http://popup-porn.example/x');</script></body></html>"),
        "/hop": Reply(status=302, headers={"Location": "/landing"}),
        "/landing": Reply(body="<html><body><a href='/home'>首页</a></body></html>".encode()),
        "/private-img": Reply(
            body=b"<html><body><img src='http://10.1.2.3/pixel.png'><img src='/img.png'></body></html>"
        ),
        "/img.png": Reply(headers={"Content-Type": "image/png"}, body=b"\x89PNG\r\n\x1a\n"),
        **{f"/leave-{name}": Reply(body=html.encode()) for name, (html, _) in LEAVING_PAGES.items()},
    }
    with serve(routes) as running:
        yield running


@pytest.fixture(scope="module")
def renderer() -> Iterator[Renderer]:
    with Renderer(fetcher=Fetcher(allow_networks=("127.0.0.1/32",))) as running:
        yield running


def test_computed_visibility_of_links(renderer: Renderer, site: LocalSite) -> None:
    page = renderer.render(site.url("/hidden"))
    reasons = {link.href: link.reason for link in page.links}
    assert reasons[site.url("/about")] == "" and reasons[site.url("/news")] == ""
    assert reasons["http://hidden-display.example/"] == "display:none"
    assert reasons["http://hidden-vis.example/"] == "visibility:hidden"
    assert reasons["http://hidden-opacity.example/"] == "opacity:0"
    assert reasons["http://hidden-off.example/"] == "offscreen"
    assert reasons["http://hidden-indent.example/"] in {"offscreen", "clipped"}
    assert reasons["http://hidden-colour.example/"] == "same-colour"
    assert reasons["http://hidden-clip.example/"] == "clipped"
    assert reasons["http://hidden-font.example/"] == "font-size:0"
    assert reasons["http://hidden-marquee.example/"] in {"clipped", "zero-size"}
    assert all(link.visible == (link.reason == "") for link in page.links)
    assert next(link.text for link in page.links if link.href.endswith("/about")) == "关于我们"


def test_html_string_renders_against_base_url(renderer: Renderer) -> None:
    html = "<a href='/x' style='display:none'>x</a><a href='/y'>y</a>"
    page = renderer.render(html, base_url="http://site.test/")
    pairs = [(link.href, link.visible) for link in page.links]
    assert pairs == [("http://site.test/x", False), ("http://site.test/y", True)]


def test_delayed_js_redirect_is_captured_and_not_followed(renderer: Renderer, site: LocalSite) -> None:
    page = renderer.render(site.url("/jsredirect"))
    assert page.navigations == ("http://bad-casino.example/?from=seo",)
    assert page.final_url == "http://bad-casino.example/?from=seo"
    assert [link.href for link in page.links] == [site.url("/a")]  # the DOM is still the page's


def test_window_open_is_captured(renderer: Renderer, site: LocalSite) -> None:
    page = renderer.render(site.url("/open"))
    assert "http://popup-porn.example/x" in page.navigations
    assert page.final_url == site.url("/open")


def test_same_host_redirect_is_followed(renderer: Renderer, site: LocalSite) -> None:
    page = renderer.render(site.url("/hop"))
    assert page.final_url == site.url("/landing")
    assert [link.text for link in page.links] == ["首页"]


def test_screenshot_is_png(renderer: Renderer, site: LocalSite) -> None:
    page = renderer.render(site.url("/landing"), screenshot=True)
    assert page.screenshot_png is not None and page.screenshot_png.startswith(b"\x89PNG\r\n\x1a\n")
    assert renderer.render(site.url("/landing")).screenshot_png is None


def test_private_subresource_is_blocked_unless_allowed(renderer: Renderer, site: LocalSite) -> None:
    page = renderer.render(site.url("/private-img"))
    assert any(entry.startswith("http://10.1.2.3/pixel.png: refused") for entry in page.blocked)
    assert not any("/img.png" in entry for entry in page.blocked)
    assert (site.url("/img.png"), f"127.0.0.1:{site.port}") in [(site.base + p, h) for p, h in site.seen]


def test_start_url_on_private_address_is_refused(renderer: Renderer) -> None:
    with pytest.raises(FetchBlocked, match="refused"):
        renderer.render("http://169.254.169.254/latest/meta-data/")
    with pytest.raises(FetchBlocked, match="refused"):
        renderer.render("http://0x0a.1/")  # 10.0.0.1 written in hex shorthand


def test_loopback_subresource_blocked_by_default_policy(renderer: Renderer, site: LocalSite) -> None:
    html = f"<html><body><img src='{site.url('/img.png')}?strict'></body></html>"
    before = len(site.seen)
    page = renderer.render(html, fetcher=Fetcher())
    assert any("/img.png?strict: refused" in entry and "loopback" in entry for entry in page.blocked)
    assert len(site.seen) == before  # Chromium never reached the server by itself either


@pytest.mark.parametrize("name", sorted(LEAVING_PAGES))
def test_blocked_external_navigation_ends_render_promptly(
    renderer: Renderer, site: LocalSite, name: str
) -> None:
    target = LEAVING_PAGES[name][1]
    started = time.monotonic()
    page = renderer.render(site.url(f"/leave-{name}"), timeout_s=10.0)
    # Regression: a navigation answered with 204 while the page loaded left render() waiting
    # for a 'load' event Playwright never reported, until the whole time-out ran out.
    assert time.monotonic() - started < 5.0
    assert page.navigations == (target,)
    assert page.final_url == target
    assert [link.href for link in page.links] == [site.url("/a")]  # the DOM is still the page's


def test_blocked_navigation_of_html_string_with_base_url(renderer: Renderer) -> None:
    html, target = LEAVING_PAGES["inline-href"]
    page = renderer.render(html.replace("<img src='/img.png'>", ""), base_url="http://www.school.test/")
    assert page.navigations == (target,)
    assert page.final_url == target
    assert [link.href for link in page.links] == ["http://www.school.test/a"]


@pytest.fixture
def closed_port() -> Iterator[int]:
    # Bound but never listening: connections to it are refused while we hold it.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        yield holder.getsockname()[1]


def test_same_host_navigation_that_fails_keeps_the_page(
    renderer: Renderer, site: LocalSite, closed_port: int
) -> None:
    dead = f"http://127.0.0.1:{closed_port}/next"
    html = f"<html><body><a href='/a'>a</a><script>location.href='{dead}';</script></body></html>"
    page = renderer.render(html, base_url=site.url("/"))
    assert page.navigations == (dead,)
    assert page.final_url == site.url("/")  # not Chromium's error page
    assert [link.href for link in page.links] == [site.url("/a")]
    assert any(entry.startswith(f"{dead}: cannot fetch") for entry in page.blocked)


def test_start_url_that_cannot_be_fetched_raises(renderer: Renderer, closed_port: int) -> None:
    with pytest.raises(FetchBlocked, match="cannot fetch"):
        renderer.render(f"http://127.0.0.1:{closed_port}/")
