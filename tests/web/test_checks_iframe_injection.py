"""iframe_injection checker."""

from __future__ import annotations

from lianfang.web.checks.iframe_injection import IframeInjectionCheck
from lianfang.web.page import parse_page

URL = "http://www.school.edu.cn/"


def run(body: str) -> list:
    return list(IframeInjectionCheck().check(parse_page(f"<html><body>{body}</body></html>", URL)))


def test_invisible_and_full_page_frames() -> None:
    assert run('<iframe src="http://e.com/" width="0" height="0"></iframe>')[0].detail.startswith("invisible")
    assert run('<iframe src="http://e.com/" style="display:none"></iframe>')
    assert run('<iframe src="http://e.com/" width="100%" height="100%"></iframe>')[0].detail == "full-page"
    assert run(
        '<iframe src="http://e.com/" style="position:fixed;top:0;left:0;width:100%;height:100%"></iframe>'
    )


def test_ordinary_embeds_and_tag_manager_are_clean() -> None:
    assert run('<iframe src="https://player.bilibili.com/x" width="800" height="450"></iframe>') == []
    assert run('<iframe src="/inner.html" width="0" height="0"></iframe>') == []
    assert (
        run(
            '<noscript><iframe src="https://www.googletagmanager.com/ns.html?id=GTM-1" height="0" width="0"'
            ' style="display:none"></iframe></noscript>'
        )
        == []
    )


def test_frameset_hijack() -> None:
    page = parse_page('<html><frameset rows="100%,*"><frame src="http://e.com/"></frameset></html>', URL)
    assert list(IframeInjectionCheck().check(page))[0].detail == "full-page"
