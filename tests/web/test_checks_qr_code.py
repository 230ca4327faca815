"""qr_code checker and QR decoding (fixtures made with segno at test time)."""

from __future__ import annotations

import base64
import io

import segno

from lianfang.web.checks.qr_code import QrCodeCheck
from lianfang.web.page import parse_page
from lianfang.web.qr import data_uri_bytes, decode_qr


def png(payload: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(payload, micro=False).save(buffer, kind="png", scale=4)
    return buffer.getvalue()


def page_with(payload: str, alt: str = "", caption: str = "", url: str = "http://www.school.edu.cn/") -> list:
    uri = "data:image/png;base64," + base64.b64encode(png(payload)).decode()
    page = parse_page(
        f'<html><body><div><img src="{uri}" alt="{alt}"><p>{caption}</p></div></body></html>', url
    )
    assert page.qr_codes and page.qr_codes[0].payload == payload
    return list(QrCodeCheck().check(page))


def test_decode_round_trip_and_junk() -> None:
    assert decode_qr(png("https://example.org/x")) == ("https://example.org/x",)
    assert decode_qr(b"not an image") == ()
    assert data_uri_bytes("data:text/html,<b>") is None


def test_illicit_context_telegram_and_crypto_are_flagged() -> None:
    assert page_with("https://dl.app8.com/x", caption="扫码下载娱乐城APP")[0].detail == "illicit-context"
    assert "telegram" in page_with("https://t.me/+abc")[0].detail
    assert "crypto-address" in page_with("TJYeasTPa6gpEEfYqB4wAnqh8XhsWeLDnS")[0].detail


def test_ordinary_qr_codes_are_kept_but_not_flagged() -> None:
    assert page_with("http://weixin.qq.com/r/abc", caption="关注官方微信") == []
    assert page_with("http://m.school.edu.cn/") == []


def test_images_mapping_from_caller() -> None:
    page = parse_page(
        '<img src="/qr.png" alt="扫码">',
        "http://www.s.cn/",
        images={"http://www.s.cn/qr.png": png("https://t.me/x")},
    )
    assert list(QrCodeCheck().check(page))
