"""Lookup speed: (a) in-process index values/s against N stored indicators (default 1,000,000);
(b) HTTP POST /api/v1/lookup with one value vs a bare /hello on the SAME server, same run.

Usage: .venv/bin/python benchmarks/lookup_bench.py [--indicators N] [--seconds S] [--skip-http]

(a) fills a fresh SQLite database with N indicators (one quarter of them also sighted by a
second organisation, sharing levels CLEAR/GREEN/AMBER/RED mixed), builds the index from it with
`build_index` (the app-start path) and times `LookupIndex.check` over batches of 10,000 keys,
half of them stored and half unknown, for an organisation that has AMBER/RED overrides.
(b) builds the app with `create_app`, adds a constant-JSON FastAPI hello endpoint twice — `/hello`
first in the route table (no route matching: the strict baseline) and `/hello-last` appended
after our routes like any new route — and the same answer as a plain Starlette route
(`/hello-starlette`, the route kind /lookup is), serves it
with uvicorn on 127.0.0.1 (ephemeral port) and drives load from a separate process: `wrk` when
installed (`apt-get install -y wrk`), else a Python keep-alive client. Endpoints alternate in
fixed-length rounds (ROUNDS of each; the median counts) so background load on the machine hits
all alike. The lookup probe is one QQ number with its type; a domain without a type (full
normalisation and type guessing) is measured too. Last line: the ratio against the strict
baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import insert
from starlette.routing import Route

from lianfang.config import Settings
from lianfang.intel.lookup import build_index
from lianfang.store.accounts import Role, create_key, create_org
from lianfang.store.db import Database, make_database, upgrade
from lianfang.store.models import ClassificationRow, IndicatorRow, Report, ReportShare, Sighting

LEVELS = ("CLEAR", "GREEN", "GREEN", "GREEN", "AMBER", "RED")
LABELS = ("fraud", "gambling", "porn", "illicit_ad", "benign")
PER_REPORT = 4
ROUNDS = 5


def indicator_value(i: int) -> tuple[str, str]:
    """The i-th synthetic stored indicator (type, canonical value)."""
    kind = i % 4
    if kind == 0:
        return "phone", f"+861{30 + i % 70}{i:08d}"[:14]
    if kind == 1:
        return "qq", str(10_000_000 + i)
    if kind == 2:
        return "wechat", f"wx_{i:07d}"
    return "domain", f"bench{i}.example.cc"


def fill(db: Database, n: int, rng: random.Random) -> list[int]:
    """Insert n indicators with sightings spread over reports of five organisations; return org ids."""
    with db.write.begin() as session:
        orgs = [create_org(session, f"bench-org-{k}").id for k in range(5)]
    now = datetime.now(UTC)
    step = 100_000
    report_id = 0
    for base in range(0, n, step):
        ids = range(base + 1, min(n, base + step) + 1)
        with db.write.begin() as session:
            session.execute(
                insert(IndicatorRow),
                [
                    {"id": i, "type": t, "value": v, "display": v, "personal": False}
                    for i in ids
                    for t, v in [indicator_value(i - 1)]
                ],
            )
            # Each indicator sighted once; every fourth also in a second report (random organisation).
            sighted = list(ids) + [i for i in ids if i % 4 == 0]
            rng.shuffle(sighted)
            reports: list[dict[str, Any]] = []
            shares: list[dict[str, Any]] = []
            classes: list[dict[str, Any]] = []
            sightings: list[dict[str, Any]] = []
            for start in range(0, len(sighted), PER_REPORT):
                report_id += 1
                r = report_id
                org = rng.choice(orgs)
                tlp = rng.choice(LEVELS)
                when = now - timedelta(days=rng.uniform(0, 90))
                reports.append(
                    {
                        "id": r,
                        "org_id": org,
                        "tlp": tlp,
                        "source": "bench",
                        "text": "x",
                        "content_hash": f"{r:064d}",
                        "created_at": when,
                    }
                )
                if tlp == "AMBER":
                    shares.append({"report_id": r, "org_id": rng.choice([o for o in orgs if o != org])})
                classes.append(
                    {
                        "report_id": r,
                        "label": rng.choice(LABELS),
                        "harm": rng.random(),
                        "scores": {},
                        "rules": [],
                    }
                )
                sightings.extend(
                    {
                        "indicator_id": i,
                        "report_id": r,
                        "org_id": org,
                        "role": "subject",
                        "start": 0,
                        "end": 1,
                        "seen_at": when,
                    }
                    for i in sighted[start : start + PER_REPORT]
                )
            session.execute(insert(Report), reports)
            session.execute(insert(ClassificationRow), classes)
            if shares:
                session.execute(insert(ReportShare), shares)
            session.execute(insert(Sighting), sightings)
    return orgs


def bench_in_process(db: Database, n: int, orgs: list[int], rng: random.Random) -> float:
    """Build the index from the database and return check() values per second."""
    started = time.perf_counter()
    index = build_index(db)
    print(
        f"index built from {n:,} stored indicators in {time.perf_counter() - started:.1f} s "
        f"({len(index):,} keys)"
    )
    stored = [f"{t}:{v}" for t, v in (indicator_value(rng.randrange(n)) for _ in range(50_000))]
    unknown = [f"qq:{9_000_000_000 + i}" for i in range(50_000)]
    keys = stored + unknown
    rng.shuffle(keys)
    batches = [keys[i : i + 10_000] for i in range(0, len(keys), 10_000)]
    viewer = max(orgs, key=lambda o: len(index._by_org.get(o, {})))  # the one with most AMBER/RED overrides
    hits = sum(h is not None for h in index.check(keys, viewer))
    print(f"viewer org {viewer}: {hits:,} of {len(keys):,} probe keys visible")
    best = 0.0
    for _ in range(5):
        done = 0
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < 1.0:
            for batch in batches:
                index.check(batch, viewer)
            done += len(keys)
        best = max(best, done / (time.perf_counter() - t0))
    print(f"in-process lookup: {best:,.0f} values/s (best of 5 one-second runs, batches of 10,000)")
    return best


WRK_LUA = """
wrk.method = "POST"
wrk.body = '%s'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %s"
"""

PY_CLIENT = r"""
import http.client, json, sys, threading, time
port, path, method, body, key, seconds, conns = sys.argv[1:8]
seconds, conns = float(seconds), int(conns)
counts = [0] * conns
def run(i):
    c = http.client.HTTPConnection("127.0.0.1", int(port))
    headers = {"Content-Type": "application/json", "Authorization": "Bearer " + key}
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        c.request(method, path, body=body.encode() if method == "POST" else None, headers=headers)
        r = c.getresponse(); r.read()
        if r.status != 200: raise SystemExit(f"HTTP {r.status}")
        counts[i] += 1
ts = [threading.Thread(target=run, args=(i,)) for i in range(conns)]
t0 = time.perf_counter(); [t.start() for t in ts]; [t.join() for t in ts]
print(json.dumps({"rps": sum(counts) / (time.perf_counter() - t0)}))
"""


def drive(port: int, path: str, method: str, body: str, key: str, seconds: float) -> float:
    """Requests/s from a separate load-generating process (wrk if installed)."""
    if shutil.which("wrk"):
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(
                WRK_LUA % (body, key)
                if method == "POST"
                else f'wrk.headers["Authorization"] = "Bearer {key}"\n'
            )
        try:
            out = subprocess.run(
                [
                    "wrk",
                    "-t1",
                    "-c8",
                    f"-d{max(1, round(seconds))}s",
                    "-s",
                    script.name,
                    f"http://127.0.0.1:{port}{path}",
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        finally:
            os.unlink(script.name)
        if "Non-2xx" in out:
            raise SystemExit(f"non-2xx responses from {path}:\n{out}")
        return float(next(line.split()[1] for line in out.splitlines() if line.startswith("Requests/sec")))
    out = subprocess.run(
        [sys.executable, "-c", PY_CLIENT, str(port), path, method, body, key, str(seconds), "4"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(json.loads(out)["rps"])


def bench_app() -> FastAPI:
    """The app under test: `create_app` from LIANFANG_* settings plus a bare `/hello` route."""
    from lianfang.api.app import create_app

    app = create_app(Settings())

    async def hello() -> dict[str, str]:
        return {"hello": "world"}

    # `/hello` first in the route table pays no route matching: the strictest baseline.
    # `/hello-last` is the same endpoint appended like any new route, after all of ours.
    app.get("/hello-last")(hello)
    app.get("/hello")(hello)
    app.router.routes.insert(0, app.router.routes.pop())

    # The same answer as a plain Starlette route (the kind /lookup is): no FastAPI machinery at all.
    async def hello_starlette(request: Request) -> JSONResponse:
        return JSONResponse({"hello": "world"})

    app.router.routes.insert(1, Route("/hello-starlette", hello_starlette))
    return app


SERVER = (
    "import sys, uvicorn\n"
    "sys.path.insert(0, sys.argv[2])\n"
    "uvicorn.run('lookup_bench:bench_app', factory=True, host='127.0.0.1', port=int(sys.argv[1]),\n"
    "            log_level='warning', access_log=False)\n"
)


def bench_http(settings: Settings, key: str, probe: str, domain: str, seconds: float) -> dict[str, float]:
    """Serve bench_app with uvicorn in a subprocess; median RPS of each load over ROUNDS rounds."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "LIANFANG_DATABASE_URL": settings.database_url}
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port), str(Path(__file__).parent)], env=env)
    try:
        deadline = time.monotonic() + 600  # the index of 1 M indicators is built at start-up
        while True:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("server did not start")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        loads = {
            "hello": ("/hello", "GET", ""),
            "lookup": ("/api/v1/lookup", "POST", json.dumps({"values": [probe], "type": "qq"})),
            "hello-last": ("/hello-last", "GET", ""),
            "hello-starlette": ("/hello-starlette", "GET", ""),
            # A value that needs full normalisation and type guessing (no bare-digits fast path).
            "lookup-domain": ("/api/v1/lookup", "POST", json.dumps({"values": [domain]})),
        }
        for path, method, body in loads.values():
            drive(port, path, method, body, key, 1)  # warm-up: auth cache, code paths
        results: dict[str, list[float]] = {name: [] for name in loads}
        for _ in range(ROUNDS):
            for name, (path, method, body) in loads.items():
                results[name].append(drive(port, path, method, body, key, seconds))
    finally:
        server.terminate()
        server.wait(30)
    print("rounds: " + ", ".join(f"{name} {[round(x) for x in rps]}" for name, rps in results.items()))
    return {name: statistics.median(rps) for name, rps in results.items()}


def main() -> None:
    """Run both parts and print the ratio last."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--indicators", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=3.0, help="length of one HTTP load round")
    parser.add_argument("--skip-http", action="store_true")
    args = parser.parse_args()
    rng = random.Random(1)
    with tempfile.TemporaryDirectory(prefix="lf-lookup-bench-") as tmp:
        settings = Settings(database_url=f"sqlite:///{Path(tmp) / 'bench.db'}")
        db = make_database(settings)
        upgrade(db)
        t0 = time.perf_counter()
        orgs = fill(db, args.indicators, rng)
        print(f"stored {args.indicators:,} indicators in {time.perf_counter() - t0:.1f} s")
        bench_in_process(db, args.indicators, orgs, rng)
        if args.skip_http:
            return
        with db.write.begin() as session:
            key = create_key(session, "bench-org-0", Role.ANALYST).key
        db.dispose()
        rps = bench_http(settings, key, indicator_value(1)[1], indicator_value(3)[1], args.seconds)
        print(f"HTTP POST /api/v1/lookup (1 QQ number): {rps['lookup']:,.0f} req/s")
        print(
            f"HTTP POST /api/v1/lookup (1 domain, type guessed): {rps['lookup-domain']:,.0f} req/s"
            f" = {rps['lookup-domain'] / rps['hello']:.2f} of /hello"
        )
        print(f"HTTP GET /hello-last (same server, appended last): {rps['hello-last']:,.0f} req/s")
        print(f"lookup/hello-last ratio: {rps['lookup'] / rps['hello-last']:.2f}")
        print(
            f"HTTP GET /hello-starlette (plain Starlette route, like /lookup):"
            f" {rps['hello-starlette']:,.0f} req/s;"
            f" lookup/hello-starlette ratio: {rps['lookup'] / rps['hello-starlette']:.2f}"
        )
        print(f"HTTP GET /hello (same server, first route): {rps['hello']:,.0f} req/s")
        print(f"lookup/hello ratio (strict baseline): {rps['lookup'] / rps['hello']:.2f}")


if __name__ == "__main__":
    main()
