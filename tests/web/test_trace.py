"""Source tracing over a small site served on 127.0.0.1 under names from an injected resolver."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from local_site import LocalSite, Reply, serve

from lianfang.errors import FetchBlocked, InputError
from lianfang.web.fetch import Fetcher
from lianfang.web.trace import load_bad_domains, read_bad_domains, registrable_domain, trace

BAD = ["bad-casino.com", "porn-video.cn", "http://www.qipai.net.cn/x"]


class LocalNames:
    """Resolves every name under school.edu.cn (and the bad domains) to 127.0.0.1."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def resolve(self, host: str, port: int) -> Sequence[str]:
        self.asked.append(host)
        return ["127.0.0.1"]


def _page(body: str, head: str = "") -> Reply:
    return Reply(body=f"<html><head>{head}</head><body>{body}</body></html>".encode())


@pytest.fixture(scope="module")
def site() -> Iterator[LocalSite]:
    routes: dict[str, Reply] = {}
    with serve(routes) as running:
        port = running.port
        www = f"http://www.school.edu.cn:{port}"
        news = f"http://news.school.edu.cn:{port}"
        routes.update(
            {
                "/robots.txt": Reply(
                    headers={"Content-Type": "text/plain"}, body=b"User-agent: *\nDisallow: /private/\n"
                ),
                "/": _page(
                    f"<a href='/about.html'>关于</a><a href='{news}/list.html'>新闻</a>"
                    "<a href='/private/secret.html'>内部</a><a href='http://other-school.org/'>友链</a>"
                    "<a href='/old'>旧版</a><a href='mailto:a@b.cn'>mail</a>"
                ),
                "/about.html": _page(
                    "<p>学校简介</p><div style='display:none'><a href='http://www.bad-casino.com/?id=7'>葡京娱乐</a></div>"
                ),
                "/list.html": _page(
                    "<a href='/a1.html#top'>通知</a><iframe src='https://m.porn-video.cn/v' width=0></iframe>"
                ),
                "/a1.html": _page(
                    "<p>clean</p>",
                    head="<meta http-equiv='refresh' content=\"3; URL='http://qipai.net.cn/'\">",
                ),
                "/old": Reply(status=301, headers={"Location": "http://bad-casino.com/landing"}),
                "/private/secret.html": _page("<a href='http://porn-video.cn/secret'>x</a>"),
                "/deep1.html": _page(f"<a href='{www}/deep2.html'>2</a>"),
            }
        )
        yield running


def test_trace_reports_every_page_sending_visitors_to_bad_domains(site: LocalSite) -> None:
    fetcher = Fetcher(resolver=LocalNames(), allow_networks=("127.0.0.1/32",))
    report = trace(
        f"http://www.school.edu.cn:{site.port}/", load_bad_domains(BAD), max_pages=20, fetcher=fetcher
    )
    got = {(hit.page.rsplit("/", 1)[1], hit.bad_domain, hit.how) for hit in report.hits}
    assert {
        ("about.html", "bad-casino.com", "link"),
        ("list.html", "porn-video.cn", "iframe"),
        ("a1.html", "qipai.net.cn", "meta_refresh"),
        ("old", "bad-casino.com", "http_redirect"),
    } <= got
    assert not any("secret" in hit.page for hit in report.hits)  # robots.txt honoured
    assert any(url.endswith("/private/secret.html") and "robots" in why for url, why in report.skipped)
    assert all(hit.bad_domain in {"bad-casino.com", "porn-video.cn", "qipai.net.cn"} for hit in report.hits)
    assert report.pages_crawled == 5 and not report.truncated  # /, about, news list, a1, old
    about = next(hit for hit in report.hits if hit.page.endswith("about.html"))
    assert "葡京娱乐" in about.evidence and about.target == "http://www.bad-casino.com/?id=7"
    assert not any("other-school.org" in url for url, _ in report.skipped)  # off-site: never fetched


def test_trace_is_bounded_by_max_pages(site: LocalSite) -> None:
    fetcher = Fetcher(resolver=LocalNames(), allow_networks=("127.0.0.1/32",))
    report = trace(f"http://www.school.edu.cn:{site.port}/", BAD, max_pages=2, fetcher=fetcher)
    assert report.pages_crawled == 2 and report.truncated


def test_trace_refuses_private_start_without_allow_setting(site: LocalSite) -> None:
    with pytest.raises(FetchBlocked, match="loopback"):
        trace(site.url("/"), BAD, max_pages=3, fetcher=Fetcher())
    with pytest.raises(InputError, match="max_pages"):
        trace(site.url("/"), BAD, max_pages=0, fetcher=Fetcher())


def test_bad_domain_lists(tmp_path: Path) -> None:
    assert load_bad_domains(["# list", "", "WWW.Bad-Casino.COM", "https://m.x.com.cn/a  # mobile"]) == {
        "bad-casino.com",
        "x.com.cn",
    }
    with pytest.raises(InputError, match="line 2"):
        load_bad_domains(["ok.com", "not a domain"])
    with pytest.raises(InputError, match="cannot read"):
        read_bad_domains(tmp_path / "missing.txt")
    assert registrable_domain("a.b.gov.cn.") == "b.gov.cn"
