"""Re-take the README screenshots: demo data, a real uvicorn server, Debian's Chromium.

    .venv/bin/python docs/screenshots/take_screenshots.py [--db PATH] [--lang zh|en]

Loads the demo data set into `--db` (a temporary SQLite file by default; loading is idempotent),
serves the platform on 127.0.0.1:<ephemeral> in a thread, logs in with the demo police key and
saves overview.png, report.png, graph.png and indicator.png next to this script.
"""

from __future__ import annotations

import argparse
import socket
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import uvicorn
from playwright.sync_api import sync_playwright

from lianfang.api.app import create_app
from lianfang.config import Settings
from lianfang.demo import load_demo
from lianfang.ui.routes import ui_routers

HERE = Path(__file__).parent


def main() -> None:
    """Build or reuse the demo database, serve it, and shoot the four main pages."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, default=Path(tempfile.mkdtemp()) / "demo.db")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    args = parser.parse_args()
    settings = Settings(database_url=f"sqlite:///{args.db}", hmac_key="screenshot-hmac-key")
    demo = load_demo(settings)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    app = create_app(settings, extra_routers=ui_routers())
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.1)
    headers = {"Authorization": f"Bearer {demo.api_key}"}
    clusters = httpx.get(f"{url}/api/v1/clusters?limit=5", headers=headers).json()
    cluster = clusters[0]
    report = max(cluster["report_ids"])
    seed = cluster["top_indicators"][0]["key"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-dev-shm-usage"])
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        page.goto(f"{url}/ui/login?lang={args.lang}")
        page.fill("#key", demo.api_key)
        page.click("button[type=submit]")
        page.wait_for_url(f"{url}/ui/")
        page.wait_for_selector("#chart-map[data-rendered='1'] canvas")
        page.screenshot(path=str(HERE / "overview.png"), full_page=True)
        page.goto(f"{url}/ui/reports/{report}")
        page.screenshot(path=str(HERE / "report.png"))
        page.goto(f"{url}/ui/graph?cluster={cluster['id']}")
        page.wait_for_selector("#chart-graph[data-rendered='1'] canvas")
        page.wait_for_timeout(1500)  # let the force layout settle
        page.screenshot(path=str(HERE / "graph.png"))
        page.goto(f"{url}/ui/indicator?key={quote(seed)}")
        page.wait_for_selector("#chart-timeline[data-rendered='1'] canvas")
        page.screenshot(path=str(HERE / "indicator.png"))
        browser.close()
    server.should_exit = True
    for name in ("overview", "report", "graph", "indicator"):
        print(f"{name}.png {(HERE / f'{name}.png').stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
