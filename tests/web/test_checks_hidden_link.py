"""hidden_link checker: planted hidden blocks flagged, UI hiding (menus, skip links) not."""

from __future__ import annotations

from lianfang.web.checks.hidden_link import HiddenLinkCheck
from lianfang.web.page import parse_page

URL = "http://www.school.edu.cn/"


def run(body: str, head: str = "") -> list:
    page = parse_page(f"<html><head>{head}</head><body><a href='/'>首页</a>{body}</body></html>", URL)
    return list(HiddenLinkCheck().check(page))


def test_display_none_gambling_block_is_one_grouped_finding() -> None:
    found = run(
        '<div style="display:none"><a href="http://a.com/">百家乐</a><a href="http://b.com/">新葡京</a></div>'
    )
    assert len(found) == 1
    assert found[0].count == 2 and found[0].target == "http://a.com/"
    assert "display:none" in found[0].detail and found[0].confidence >= 0.9
    assert found[0].start is not None


def test_strong_technique_with_neutral_text_is_flagged() -> None:
    assert run('<p style="text-indent:-9999px"><a href="http://x.com/">家具</a></p>')
    assert run('<div style="font-size:0"><a href="http://x.com/">家具</a></div>')
    assert run('<body bgcolor="#fff"><font color="#FFFFFF"><a href="http://x.com/">家具</a></font>')


def test_stylesheet_rule_is_matched_by_selector() -> None:
    found = run(
        '<div class="fl"><a href="http://x.com/">成人影院</a></div>', head="<style>.fl{display:none}</style>"
    )
    assert found and "display:none" in found[0].detail


def test_hover_dropdown_of_partner_sites_is_not_flagged() -> None:
    head = "<style>.m .sub{display:none}.m:hover .sub{display:block}</style>"
    body = (
        '<div class="m">链接<ul class="sub"><li><a href="http://www.gov.cn/">中国政府网</a></li>'
        '<li><a href="http://www.zj.gov.cn/">浙江</a></li><li><a href="http://www.hz.gov.cn/">杭州</a></li></ul></div>'
    )
    assert run(body, head) == []


def test_same_site_hidden_links_and_print_rules_are_ignored() -> None:
    assert (
        run('<div style="display:none"><a href="/a">a</a><a href="http://www.school.edu.cn/b">b</a></div>')
        == []
    )
    head = "<style>@media print{.x{display:none}}</style>"
    assert (
        run(
            '<div class="x"><a href="http://a.com/">a</a><a href="http://b.com">b</a><a href="http://c.com">c</a></div>',
            head,
        )
        == []
    )


def test_links_written_by_script_into_hidden_div() -> None:
    script = (
        "<script>document.write('<div style=\"display:none\">');"
        "document.write('<a href=\"http://bet.com/\">百家乐</a></div>');</script>"
    )
    found = run(script)
    assert found and "document.write" in found[0].detail


def test_weak_hiding_needs_several_domains() -> None:
    assert run('<div style="display:none"><a href="http://a.com/">a</a></div>') == []
    many = "".join(f'<a href="http://d{i}.com/">站点{i}</a>' for i in range(3))
    assert run(f'<div style="display:none">{many}</div>')
