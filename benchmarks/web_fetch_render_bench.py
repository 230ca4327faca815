"""Web edge speed: SSRF-safe fetches/s and Chromium renders/s of a 200 KB page on 127.0.0.1.

Usage: .venv/bin/python benchmarks/web_fetch_render_bench.py [--fetches N] [--renders N]

Serves one generated 200 KB GBK page (links, some hidden, a script) from a threaded
http.server on 127.0.0.1 (ephemeral port). (a) times `Fetcher.fetch` (policy check, pinned
connection, streamed body, charset detection) N times; (b) times `Renderer.render` of the
same URL N times in one Chromium (every browser request goes through the fetcher).
Last line: both figures.
"""

from __future__ import annotations

import argparse
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from lianfang.web.fetch import Fetcher
from lianfang.web.render import Renderer


def make_page(size: int = 200_000) -> bytes:
    """A GBK page of about `size` bytes: paragraphs and links, every tenth one hidden."""
    parts = ["<html><head><meta charset='gbk'><title>某某大学新闻网</title></head><body>"]
    i = length = 0
    while length < size:
        hidden = " style='display:none'" if i % 10 == 0 else ""
        item = f"<p>学校新闻第{i}条：教学科研动态与校园通知。<a href='/news/{i}.html'{hidden}>详情</a></p>"
        parts.append(item)
        length += len(item.encode("gbk"))
        i += 1
    parts.append("<script>var n = document.links.length;</script></body></html>")
    return "".join(parts).encode("gbk")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fetches", type=int, default=200)
    parser.add_argument("--renders", type=int, default=20)
    args = parser.parse_args()
    page = make_page()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, format: str, *a: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/index.html"
    fetcher = Fetcher(allow_networks=("127.0.0.1/32",))
    print(f"page size: {len(page)} bytes")
    started = time.perf_counter()
    for _ in range(args.fetches):
        fetcher.fetch(url)
    fetch_rate = args.fetches / (time.perf_counter() - started)
    print(f"fetch: {args.fetches} pages in {args.fetches / fetch_rate:.2f} s")
    with Renderer(fetcher=fetcher) as renderer:
        renderer.render(url)  # warm-up: first context start
        started = time.perf_counter()
        for _ in range(args.renders):
            rendered = renderer.render(url)
        render_rate = args.renders / (time.perf_counter() - started)
    hidden = sum(1 for link in rendered.links if not link.visible)
    print(f"render: {args.renders} pages in {args.renders / render_rate:.2f} s; {len(rendered.links)} links, "
          f"{hidden} hidden")
    server.shutdown()
    print(f"fetch {fetch_rate:.1f} pages/s, render {render_rate:.2f} pages/s (200 KB page, 127.0.0.1)")


if __name__ == "__main__":
    main()
