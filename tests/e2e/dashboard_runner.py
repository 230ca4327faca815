"""Serve the API + dashboard for browser tests: binds 127.0.0.1:0 and prints the port it got.

Usage: `python dashboard_runner.py` with LIANFANG_* settings in the environment.
"""

from __future__ import annotations

import socket
import sys

import uvicorn

from lianfang.api.app import create_app
from lianfang.config import Settings
from lianfang.ui.routes import ui_routers

if __name__ == "__main__":
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    app = create_app(Settings(), extra_routers=ui_routers())
    config = uvicorn.Config(app, log_level="warning")
    print(sock.getsockname()[1], flush=True)
    sys.stdout.flush()
    uvicorn.Server(config).run(sockets=[sock])
