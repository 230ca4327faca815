"""URLs, registrable domains and e-mails, including defanged and obfuscated forms."""

from __future__ import annotations

import pytest

from lianfang.indicators.extract import extract


def found(text: str) -> set[tuple[str, str]]:
    return {(i.type.value, i.value) for i in extract(text)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("官网https://www.WorldCup-Bet88.COM，客服", {("url", "https://www.worldcup-bet88.com"),
                                                 ("domain", "worldcup-bet88.com")}),
        ("打开 yl1018点vip 注册", {("url", "http://yl1018.vip"), ("domain", "yl1018.vip")}),
        ("网址 hjgj777[.]com", {("url", "http://hjgj777.com"), ("domain", "hjgj777.com")}),
        ("tz.wx-abc3.com/app/register.php?id=1新人", {("url", "http://tz.wx-abc3.com/app/register.php?id=1"),
                                                    ("domain", "wx-abc3.com")}),
        ("入口https://m.bd.vip/#/home", {("url", "https://m.bd.vip/#/home"), ("domain", "bd.vip")}),
        ("见 https://a.example.co.uk/x#top。", {("url", "https://a.example.co.uk/x"),
                                                ("domain", "example.co.uk")}),
        ("http://1.2.3.4:8080/x", {("url", "http://1.2.3.4:8080/x")}),
        ("邮箱Support@HKGold-Trade.com", {("email", "support@hkgold-trade.com")}),  # no separate domain
        ("https://wa.me/8613800138000", {("url", "https://wa.me/8613800138000")}),  # no domain, no phone
    ],
)
def test_net(text: str, expected: set[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "版本v2.8.1更新",  # version string
        "运行 main.py 即可",  # file name
        "Mr.Wang 你好",  # a name, not the .wang TLD
        "a.notatld",  # unknown suffix
        "价格1.5元",
        "3点30分开会",
    ],
)
def test_not_hosts(text: str) -> None:
    assert found(text) == set()
