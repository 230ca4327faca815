"""Server-side render time of each dashboard page on the demo data set (target: p95 < 300 ms).

Builds the demo data (`lianfang.demo.load_demo`, default 4,000 reports) in a temporary SQLite
database, or reuses `--db`, then requests every page N times in-process through the ASGI app
(Starlette TestClient: no sockets, so the figure is server time plus a thin in-process client).
The first request of each page is a warm-up (the caller's correlation engine is built then; that
cold time is printed separately). Prints p50/p95 per page; the LAST line is the worst p95 in ms.

    .venv/bin/python benchmarks/dashboard_bench.py [--count 4000] [--n 30] [--db PATH]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from fastapi.testclient import TestClient

from lianfang.api.app import create_app
from lianfang.config import Settings
from lianfang.demo import load_demo
from lianfang.ui.routes import ui_routers


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    """Load (or reuse) the demo data, time every page, print per-page p50/p95 and the worst p95."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=4000, help="demo reports to load")
    parser.add_argument("--n", type=int, default=30, help="timed requests per page")
    parser.add_argument("--db", type=Path, default=None, help="SQLite file to build or reuse")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="lf-dash-bench-"))
    db_path = args.db or workdir / "lianfang.db"
    settings = Settings(database_url=f"sqlite:///{db_path}", hmac_key="bench-hmac-key")
    started = time.perf_counter()
    demo = load_demo(settings, count=args.count)
    print(f"demo data: {demo.created} new reports ({demo.duplicates} already there), "
          f"{time.perf_counter() - started:.1f} s")

    app = create_app(settings, extra_routers=ui_routers())
    with TestClient(app) as client:
        login = client.post("/ui/login", data={"key": demo.api_key, "next": "/ui/"}, follow_redirects=False)
        assert login.status_code == 303, login.text
        top = client.get("/api/v1/stats/top-indicators?limit=1").json()
        seed = f"{top[0]['type']}:{top[0]['value']}"
        report_id = client.get("/api/v1/clusters?limit=1").json()[0]["id"]
        pages: dict[str, tuple[str, str, dict[str, str] | None]] = {
            "overview": ("GET", "/ui/", None),
            "reports": ("GET", "/ui/reports", None),
            "search": ("GET", "/ui/reports?q=" + quote("微信"), None),
            "report": ("GET", f"/ui/reports/{report_id}", None),
            "indicator": ("GET", "/ui/indicator?key=" + quote(seed), None),
            "clusters": ("GET", "/ui/clusters", None),
            "graph": ("GET", "/ui/graph", None),
            "graph-seed": ("GET", "/ui/graph?seed=" + quote(seed), None),
            "lookup": ("POST", "/ui/lookup", {"values": "\n".join([top[0]["value"], "13800138000"] * 50)}),
        }
        worst = 0.0
        for name, (method, url, form) in pages.items():
            t0 = time.perf_counter()
            first = client.request(method, url, data=form)
            cold = (time.perf_counter() - t0) * 1000
            assert first.status_code == 200, (name, first.status_code, first.text[:300])
            samples = []
            for _ in range(args.n):
                t0 = time.perf_counter()
                r = client.request(method, url, data=form)
                samples.append((time.perf_counter() - t0) * 1000)
                assert r.status_code == 200
            p50, p95 = statistics.median(samples), _p95(samples)
            worst = max(worst, p95)
            print(f"{name:11s} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  (cold {cold:7.1f} ms, n={args.n})")
    print(f"worst p95 (ms, target < 300): {worst:.1f}")


if __name__ == "__main__":
    main()
