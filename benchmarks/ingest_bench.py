"""End-to-end bulk ingest throughput: HTTP POST /api/v1/reports/bulk -> pipeline -> commit.

Usage: .venv/bin/python benchmarks/ingest_bench.py [--reports N] [--per-request M]
                                                   [--backend sqlite|postgresql]

For each backend: a fresh database (SQLite file in a temp dir; a new PostgreSQL database on the
server of LIANFANG_TEST_PG_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/test, dropped
afterwards), migrated, with the five demo organisations and a key. The server (create_app under
uvicorn, one worker) runs in a subprocess; this process streams realistic JSONL (the demo corpus:
obfuscated contacts, mixed TLP, AMBER share lists, observed_at) in requests of M lines and times
from the first request to the last acknowledged line. Warm-up (model loading in the server and in
its pipeline worker processes, first request) is excluded by an untimed request of WARM_UP_LINES
other texts first. Last line: reports/s per backend.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
import orjson

from lianfang.config import Settings
from lianfang.demo import org_name
from lianfang.demo_corpus import ORGS, generate_reports
from lianfang.store.accounts import Role, create_key, create_org
from lianfang.store.db import make_database, upgrade
from lianfang.store.scratch import scratch_pg_database

# Two 500-line chunks: one per pipeline worker on a 2-core machine, so every worker has started.
WARM_UP_LINES = 1_000
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SERVER = (
    "import sys, uvicorn\n"
    "from lianfang.api.app import create_app\n"
    "uvicorn.run(create_app(), host='127.0.0.1', port=int(sys.argv[1]),\n"
    "            log_level='warning', access_log=False)\n"
)


def corpus(n: int, seed: int = 424242, tag: str = "") -> list[bytes]:
    """n realistic JSONL lines from the demo corpus (distinct texts; submitter = the sending org)."""
    reports = generate_reports(n, seed=seed, now=datetime.now(UTC))
    names = {o.slug: org_name(o) for o in ORGS}
    return [orjson.dumps({"text": f"{r.text} #{tag}{i}", "source": r.channel, "tlp": r.sharing.upper(),
                          "share_with": [names[s] for s in r.shared_with],
                          "observed_at": r.created_at.isoformat()}) for i, r in enumerate(reports)]


@contextmanager
def database(backend: str, tmp: Path) -> Iterator[str]:
    """A fresh, migrated database URL for `backend`, removed afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp / 'ingest.db'}"
        return
    with scratch_pg_database(os.environ.get("LIANFANG_TEST_PG_URL", DEFAULT_PG), "lf_bench_") as url:
        yield url


def prepare(url: str) -> str:
    """Migrate, create the demo organisations and return an API key of the first one."""
    db = make_database(Settings(database_url=url))
    try:
        upgrade(db)
        with db.write.begin() as session:
            for org in ORGS:
                create_org(session, org_name(org))
            key = create_key(session, org_name(ORGS[0]), Role.ANALYST).key
    finally:
        db.dispose()
    return key


def serve(url: str) -> tuple[subprocess.Popen[bytes], str]:
    """Start the API in a subprocess on an ephemeral port; wait until /healthz answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "LIANFANG_DATABASE_URL": url}
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("server exited during start-up")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


def run(backend: str, lines: list[bytes], warm_up: list[bytes], per_request: int) -> float:
    """Reports/s for one backend."""
    with tempfile.TemporaryDirectory(prefix="lf-ingest-bench-") as tmp, database(backend, Path(tmp)) as url:
        key = prepare(url)
        proc, base = serve(url)
        try:
            with httpx.Client(base_url=base, timeout=600,
                              headers={"Authorization": f"Bearer {key}",
                                       "Content-Type": "application/x-ndjson"}) as client:
                warm = client.post("/api/v1/reports/bulk", content=b"\n".join(warm_up) + b"\n")
                warm.raise_for_status()
                created = 0
                started = time.perf_counter()
                for i in range(0, len(lines), per_request):
                    body = b"\n".join(lines[i:i + per_request]) + b"\n"
                    resp = client.post("/api/v1/reports/bulk", content=body)
                    resp.raise_for_status()
                    result = resp.json()
                    if result["errors"]:
                        bad = [x for x in result["lines"] if x["status"] == "error"]
                        raise SystemExit(f"bad lines: {bad[:3]}")
                    created += result["created"]
                elapsed = time.perf_counter() - started
        finally:
            proc.terminate()
            proc.wait(30)
    rate = len(lines) / elapsed
    print(f"{backend}: {len(lines):,} reports ({created:,} created) in {elapsed:.1f} s "
          f"= {rate:,.0f} reports/s")
    return rate


def main() -> None:
    """Run the chosen backends and print reports/s last."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--per-request", type=int, default=2_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), action="append")
    args = parser.parse_args()
    lines = corpus(args.reports)
    warm_up = corpus(WARM_UP_LINES, seed=7, tag="w")
    backends = args.backend or ("sqlite", "postgresql")
    rates = {backend: run(backend, lines, warm_up, args.per_request) for backend in backends}
    print("bulk ingest reports/s: " + ", ".join(f"{b} {r:,.0f}" for b, r in rates.items()))


if __name__ == "__main__":
    main()
