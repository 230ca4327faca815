"""seo_spam checker: stuffed head vs. visible body."""

from __future__ import annotations

from lianfang.web.checks.seo_spam import SeoSpamCheck
from lianfang.web.page import parse_page


def run(title: str, body: str, keywords: str = "", script: str = "") -> list:
    html = (
        f'<html><head><title>{title}</title><meta name="keywords" content="{keywords}">{script}</head>'
        f"<body>{body}</body></html>"
    )
    return list(SeoSpamCheck().check(parse_page(html, "http://www.school.edu.cn/")))


def test_stuffed_title_on_school_page() -> None:
    found = run("百家乐_新葡京_皇冠体育", "<p>我校举行毕业典礼，欢迎家长参加。</p>")
    assert found and found[0].confidence >= 0.9 and found[0].start is not None


def test_title_rewritten_by_script_is_strongest() -> None:
    found = run("太阳城_百家乐", "<p>学校新闻</p>", script='<script>document.title="某中学"</script>')
    assert "title-rewritten-by-script" in found[0].detail


def test_crackdown_news_is_not_stuffing() -> None:
    body = "<p>警方打击网络赌博，捣毁百家乐、六合彩窝点。</p><p>网络赌博危害大，百家乐是骗局。</p>"
    assert run("打击网络赌博 百家乐 六合彩", body, keywords="网络赌博") == []


def test_ordinary_titles_are_clean() -> None:
    assert run("某某中学 - 首页", "<p>欢迎</p>", keywords="学校,招生") == []
    assert run("中国体育彩票", "<p>体育彩票公益金</p>") == []
