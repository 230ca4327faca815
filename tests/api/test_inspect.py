"""POST /api/v1/inspect: auth, HTML and URL bodies, SSRF refusals mapped to 422."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fastapi.testclient import TestClient

from lianfang.config import Settings

GBK_PAGE = "<html><head><meta charset='gbk'><title>学校主页</title></head><body>招生简章</body></html>"


@pytest.fixture
def gbk_server() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            body = GBK_PAGE.encode("gbk")
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    server.shutdown()
    server.server_close()


def test_inspect_needs_a_key(client: TestClient) -> None:
    assert client.post("/api/v1/inspect", json={"html": "<p>x</p>"}).status_code == 401


def test_inspect_html_body(client: TestClient, members: dict) -> None:
    html = "<html><body><div style='display:none'><a href='http://bad-casino.com/'>葡京</a></div></body></html>"
    response = client.post("/api/v1/inspect", json={"html": html, "url": "http://school.edu.cn/"},
                           headers=members["a"].headers)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["source"] == "html" and data["url"] == "http://school.edu.cn/" and data["rendered"] is None


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data/", "http://0x7f.1/", "file:///etc/passwd",
                                 "http://[::ffff:10.0.0.1]/", "/etc/passwd", "pyproject.toml"])
def test_inspect_refuses_forbidden_urls(client: TestClient, members: dict, url: str) -> None:
    response = client.post("/api/v1/inspect", json={"url": url}, headers=members["a"].headers)
    assert response.status_code == 422
    assert response.json()["error"] == "FetchBlocked"


def test_inspect_bad_body(client: TestClient, members: dict) -> None:
    assert client.post("/api/v1/inspect", json={}, headers=members["a"].headers).status_code == 422


def test_inspect_url_with_private_fetch_allowed(settings: Settings, members: dict, gbk_server: str) -> None:
    from lianfang.api.app import create_app

    app = create_app(settings.model_copy(update={"allow_private_fetch": True}))
    with TestClient(app) as allowed:
        response = allowed.post("/api/v1/inspect", json={"url": gbk_server}, headers=members["a"].headers)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["charset"] == "gb18030" and data["final_url"] == gbk_server
