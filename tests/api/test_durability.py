"""Durability: `kill -9` the server during a bulk import; every acknowledged report survives, and
re-importing the same file afterwards creates exactly the missing ones (no duplicates)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import httpx
import orjson
from sqlalchemy import func, select

from conftest import make_member, start_server
from lianfang.config import Settings
from lianfang.demo_corpus import generate_reports
from lianfang.store.db import Database
from lianfang.store.models import Report

LINES = 3000  # 20 requests: enough that the kill always lands mid-import, even at full speed
PER_REQUEST = 150


def _jsonl() -> list[bytes]:
    """Realistic, distinct report lines (demo corpus texts, numbered so none repeats)."""
    reports = generate_reports(LINES, seed=99, now=datetime(2025, 1, 1, tzinfo=UTC))
    return [orjson.dumps({"text": f"{r.text} [#{n}]", "tlp": "GREEN", "source": r.channel})
            for n, r in enumerate(reports)]


def _import(url: str, headers: dict[str, str], chunks: list[list[bytes]],
            acked: dict[int, int], stop: threading.Event) -> None:
    """Send `chunks` one bulk request each, recording line -> report id of every acknowledged line."""
    with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
        for first, chunk in chunks:
            if stop.is_set():
                return
            body = (line + b"\n" for line in chunk)  # streamed, not one buffer
            try:
                resp = client.post("/api/v1/reports/bulk", content=body,
                                   headers={"Content-Type": "application/x-ndjson"})
            except httpx.HTTPError:
                return  # the server died under us: this request was never acknowledged
            assert resp.status_code == 200, resp.text
            for item in resp.json()["lines"]:
                assert item["status"] in ("created", "duplicate"), item
                acked[first + item["line"] - 1] = item["id"]


def test_kill_9_mid_import_keeps_every_acknowledged_report(settings: Settings, db: Database) -> None:
    member = make_member(db, "importer")
    lines = _jsonl()
    chunks = [(i, lines[i:i + PER_REQUEST]) for i in range(0, len(lines), PER_REQUEST)]
    acked: dict[int, int] = {}
    stop = threading.Event()

    server = start_server(settings)
    worker = threading.Thread(target=_import, args=(server.url, member.headers, chunks, acked, stop))
    worker.start()
    try:
        # Kill once two requests were acknowledged, while the third is being streamed/committed.
        while len(acked) < 2 * PER_REQUEST and worker.is_alive():
            worker.join(0.01)
        assert worker.is_alive(), "import finished before the kill: make the file larger"
    finally:
        server.stop(kill=True)
        stop.set()
        worker.join(60)
    assert 2 * PER_REQUEST <= len(acked) < LINES

    with db.read() as session:
        texts = {rid: text for rid, text in session.execute(select(Report.id, Report.text))}
    for line, report_id in acked.items():
        assert report_id in texts, f"acknowledged line {line} (report {report_id}) lost"
        assert texts[report_id].endswith(f"[#{line}]")
    survived = len(texts)

    # Restart and re-import the same file: acknowledged lines come back as duplicates with
    # their old ids, the rest are created, nothing is stored twice.
    server = start_server(settings)
    again: dict[int, int] = {}
    try:
        _import(server.url, member.headers, chunks, again, threading.Event())
    finally:
        server.stop()
    assert len(again) == LINES
    assert all(again[line] == report_id for line, report_id in acked.items())
    with db.read() as session:
        total = session.scalar(select(func.count()).select_from(Report))
        distinct = session.scalar(select(func.count(func.distinct(Report.content_hash))))
    assert total == distinct == LINES
    assert total >= survived
