"""meta_refresh checker."""

from __future__ import annotations

from lianfang.web.checks.meta_refresh import MetaRefreshCheck, refresh_target
from lianfang.web.page import parse_page

URL = "http://www.school.edu.cn/"


def run(head: str) -> list:
    return list(MetaRefreshCheck().check(parse_page(f"<html><head>{head}</head><body></body></html>", URL)))


def test_refresh_content_forms() -> None:
    assert refresh_target("0;url=http://a.com/") == (0.0, "http://a.com/")
    assert refresh_target("3; URL='http://a.com/'") == (3.0, "http://a.com/")
    assert refresh_target("300") == (300.0, "")


def test_external_zero_delay_is_strong_and_located() -> None:
    found = run('<meta http-equiv="refresh" content="0;url=http://evil.com/">')
    assert found[0].target == "http://evil.com/" and found[0].confidence >= 0.9
    assert found[0].start is not None


def test_same_site_and_reload_are_clean() -> None:
    assert run('<meta http-equiv="refresh" content="0;url=/new/">') == []
    assert run('<meta http-equiv="refresh" content="300">') == []


def test_refresh_written_by_script() -> None:
    page = parse_page(
        '<script>document.write(\'<meta http-equiv="refresh" content="0;url=http://e.com/">\')</script>', URL
    )
    found = list(MetaRefreshCheck().check(page))
    assert found and "document.write" in found[0].detail
