"""A real HTTP server on 127.0.0.1 (ephemeral port) serving canned routes, for web tests."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(slots=True)
class Reply:
    """A canned response; `chunks` are written one after the other without Content-Length."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    body: bytes = b""
    chunks: tuple[bytes, ...] = ()


Route = Reply | Callable[[str], Reply]


@dataclass(slots=True)
class LocalSite:
    """Handle on a running server: its base URL, routes and the requests it has seen."""

    base: str
    port: int
    routes: dict[str, Route]
    seen: list[tuple[str, str]] = field(default_factory=list)  # (path, Host header)

    def url(self, path: str) -> str:
        """Absolute URL of `path` on this server."""
        return self.base + path


@contextmanager
def serve(routes: dict[str, Route]) -> Iterator[LocalSite]:
    """Run a threaded http.server on 127.0.0.1:0 for the duration of the block."""
    site = LocalSite(base="", port=0, routes=routes)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            site.seen.append((self.path, self.headers.get("Host", "")))
            path = self.path.split("?", 1)[0]
            route = site.routes.get(path)
            if route is None:
                reply = Reply(status=404, body=b"not found", headers={"Content-Type": "text/plain"})
            else:
                reply = route(self.path) if callable(route) else route
            self.send_response(reply.status)
            for key, value in reply.headers.items():
                self.send_header(key, value)
            if not reply.chunks:
                self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            try:
                if reply.chunks:
                    for chunk in reply.chunks:
                        self.wfile.write(chunk)
                else:
                    self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client aborted on purpose (size cap)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    site.port = server.server_address[1]
    site.base = f"http://127.0.0.1:{site.port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
