"""QQ, WeChat and Telegram: only next to a cue (or a t.me link)."""

from __future__ import annotations

import pytest

from lianfang.indicators.extract import extract
from lianfang.taxonomy import IndicatorType


def found(text: str) -> set[tuple[str, str]]:
    return {(i.type.value, i.value) for i in extract(text)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("扣扣①⑤⑤⑤①⑤⑤①⑧②⑥", {("qq", "15551551826")}),  # a QQ number, not also a phone
        ("QQ：12345678", {("qq", "12345678")}),
        ("加企鹅 228703575", {("qq", "228703575")}),
        ("🐧11111889送38", {("qq", "11111889")}),
        ("Q群823919125", {("qq", "823919125")}),
        ("联系方式797208483（企鹅）", {("qq", "797208483")}),
        ("邮箱12345678@qq.com", {("qq", "12345678"), ("email", "12345678@qq.com")}),
        ("薇信：bsa-ri8", {("wechat", "bsa-ri8")}),
        ("加V：DMHT189", {("wechat", "dmht189")}),
        ("➕V  QBB050405", {("wechat", "qbb050405")}),
        ("vx：WPK5675", {("wechat", "wpk5675")}),
        ("加Vqian233126y", {("wechat", "qian233126y")}),
        ("微信同号13800138000", {("phone", "+8613800138000")}),
        ("加飞机 @abc_def", {("telegram", "abc_def")}),
        ("電報：Pay2024x", {("telegram", "pay2024x")}),
        ("TG群：t.me/ok_888sggm", {("telegram", "ok_888sggm")}),
        ("https://t.me/kefucnwudy", {("telegram", "kefucnwudy")}),
    ],
)
def test_cued_handles(text: str, expected: set[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "今天收入12345678元",  # no cue
        "QQ会员一个月15元，共12345元",  # unit after the number
        "共有123456人参加",
        "坐飞机去北京",  # airplane, no handle
        "加vip会员",  # `vip` is not a cue
        "微信支付",  # cue without an ID
        "@someone 你好",  # a bare mention is no Telegram handle
        "https://t.me/joinchat/abcdef",  # invite path, not a username
    ],
)
def test_no_handle_without_cue(text: str) -> None:
    assert {t for t, _ in found(text)} & {"qq", "wechat", "telegram"} == set()


def test_im_link_hosts_are_not_domains() -> None:
    for link in ("https://t.me/foo_bar", "https://wa.me/8613800138000", "https://qm.qq.com/q/Ab12Cd",
                 "https://u.wechat.com/EFabc123"):
        assert IndicatorType.DOMAIN not in {i.type for i in extract(link)}, link
