"""Regenerate the QR-code pages of the web corpus (deterministic: segno, fixed payloads).

Run by hand: `.venv/bin/python tests/data/web/make_qr_pages.py`. Each page embeds its QR code
as a PNG data URI; expectations live in expected.json next to the pages.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import segno

HERE = Path(__file__).parent

PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head>
<body>
<div class="header"><a href="/">首页</a> <a href="/news/">新闻</a></div>
<div class="main"><p>{intro}</p>
<div class="qr"{style}><img src="{uri}" alt="{alt}" width="180" height="180"><p>{caption}</p></div>
</div>
<div class="footer">版权所有 © 2024</div>
</body></html>
"""

# name: (title, intro, alt, caption, payload, inline style of the QR block)
PAGES: dict[str, tuple[str, str, str, str, str, str]] = {
    "qr_gambling_app.html": (
        "某某市第一中学",
        "欢迎访问某某市第一中学。",
        "扫码下载",
        "扫码下载澳门新葡京APP，注册送彩金",
        "https://dl.xpj3344.com/app/download?ch=8866",
        "",
    ),
    "qr_telegram.html": (
        "某某县人民政府",
        "政务公开。",
        "扫码加入",
        "扫码加入群组，日结兼职",
        "https://t.me/+AbCdEfGhIjKlMnOp",
        "",
    ),
    "qr_usdt.html": (
        "某某科技",
        "公司简介。",
        "收款码",
        "USDT 收款",
        "tron:TJYeasTPa6gpEEfYqB4wAnqh8XhsWeLDnS?amount=100",
        "",
    ),
    "qr_illicit_payload.html": (
        "某某协会",
        "协会动态。",
        "二维码",
        "扫一扫",
        "同城约炮 裸聊 加微信 abc12345 https://yp520.example.net/",
        "",
    ),
    "qr_hidden_image.html": (
        "某某中学",
        "学校新闻。",
        "qr",
        "",
        "http://45.77.12.34/dl/app.apk",
        ' style="position:absolute;left:-9999px"',
    ),
    "clean_qr_wechat.html": (
        "某某市第一中学",
        "欢迎关注学校官方微信公众号。",
        "官方微信",
        "扫码关注官方微信公众号",
        "http://weixin.qq.com/r/AbCdEfGhIjKl",
        "",
    ),
    "clean_qr_same_site.html": (
        "某某市第一中学",
        "手机访问学校网站。",
        "手机版",
        "扫码访问手机版网站",
        "http://m.dyzx.edu.cn/",
        "",
    ),
}


def data_uri(payload: str) -> str:
    """Return a PNG data URI of a QR code for `payload` (scale 5, quiet zone 4)."""
    buffer = io.BytesIO()
    segno.make(payload, error="m", micro=False).save(buffer, kind="png", scale=5, border=4)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def main() -> None:
    """Write every QR page next to this script."""
    for name, (title, intro, alt, caption, payload, style) in PAGES.items():
        html = PAGE.format(
            title=title, intro=intro, alt=alt, caption=caption, uri=data_uri(payload), style=style
        )
        (HERE / name).write_text(html, encoding="utf-8")


if __name__ == "__main__":
    main()
