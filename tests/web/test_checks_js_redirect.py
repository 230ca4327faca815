"""js_redirect checker: load-time, cloaked and obfuscated off-site navigation."""

from __future__ import annotations

import base64

import pytest

from lianfang.web.checks.js_redirect import JsRedirectCheck
from lianfang.web.page import parse_page

URL = "http://www.school.edu.cn/"


def run(script: str) -> list:
    page = parse_page(f"<html><body><p>x</p><script>{script}</script></body></html>", URL)
    return list(JsRedirectCheck().check(page))


@pytest.mark.parametrize(
    "script",
    [
        'location.href="http://evil.com/";',
        'setTimeout(function(){top.location="http://evil.com/"},100);',
        'window.onload=function(){location.replace("http://evil.com/")};',
        "function go(){window.location='http://evil.com/'} go();",
        'eval(atob("' + base64.b64encode(b'location.href="http://evil.com/"').decode() + '"));',
        "eval(String.fromCharCode(" + ",".join(str(ord(c)) for c in 'location="http://evil.com/"') + "));",
    ],
)
def test_auto_redirects_are_flagged(script: str) -> None:
    found = run(script)
    assert len(found) == 1 and found[0].target and "evil.com" in found[0].target
    assert found[0].start is not None and found[0].start < found[0].end  # type: ignore[operator]


def test_referrer_cloaking_is_named() -> None:
    found = run('var r=document.referrer;if(r.indexOf("baidu")>-1){location.href="http://evil.com/"}')
    assert "referrer-cloaking" in found[0].detail and found[0].confidence >= 0.95


def test_spider_cloaking_in_else_branch() -> None:
    found = run('if(/baiduspider/i.test(navigator.userAgent)){}else{location.href="http://evil.com/"}')
    assert "user-agent-cloaking" in found[0].detail


@pytest.mark.parametrize(
    "script",
    [
        'btn.onclick=function(){window.open("http://partner.com/")};',
        'el.addEventListener("click",function(){location.href="http://partner.com/"});',
        'location.href="/user/home";',
        "if(top.location!=self.location){top.location=self.location}",
        'location.href=location.href.replace("http:","https:");',
        'if(/iPhone|Android/.test(navigator.userAgent)){location.href="http://m.school.edu.cn/"}',
        'var u = "http://" + host; console.log(u);',
    ],
)
def test_legitimate_navigation_is_not_flagged(script: str) -> None:
    assert run(script) == []


def test_syntax_error_becomes_a_note() -> None:
    page = parse_page("<script>location.href = ;;(</script>", URL)
    assert list(JsRedirectCheck().check(page)) == []
    assert any("not parsed" in note for note in page.notes)


def test_renderer_navigation_counts_unless_a_meta_refresh_explains_it() -> None:
    from lianfang.web.render import RenderedPage

    seen = RenderedPage(URL, "http://evil.com/", "", (), ("http://evil.com/",), None)
    page = parse_page("<html><body><p>x</p></body></html>", URL, seen)
    assert [f.detail for f in JsRedirectCheck().check(page)] == ["render:navigation"]
    meta = parse_page('<meta http-equiv="refresh" content="0;url=http://evil.com/">', URL, seen)
    assert list(JsRedirectCheck().check(meta)) == []
