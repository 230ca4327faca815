"""Bulk intake through the pipeline worker pool stores exactly what in-process intake stores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from conftest import make_member
from lianfang.api.app import create_app
from lianfang.api.routers import reports as reports_router
from lianfang.config import Settings
from lianfang.demo_corpus import generate_reports
from lianfang.store.db import Database
from lianfang.store.models import ClassificationRow, Report, ReportShare, Sighting

LINES = 150
DUPLICATE_AT, BAD_AT = 120, 77  # 1-based line numbers
CST = timezone(timedelta(hours=8))


def _body(share_with: str) -> bytes:
    reports = generate_reports(LINES, seed=5, now=datetime(2025, 3, 1, tzinfo=UTC))
    lines = [
        orjson.dumps({
            "text": f"{r.text} <{n}>",
            "tlp": "AMBER" if n % 3 == 0 else "GREEN",
            "share_with": [share_with] if n % 3 == 0 else [],
            "observed_at": datetime(2025, 2, 1, 9, 30, n % 60, tzinfo=CST).isoformat(),
        })
        for n, r in enumerate(reports)
    ]
    lines[DUPLICATE_AT - 1] = lines[0]  # same text again, two chunks later
    lines[BAD_AT - 1] = b'{"text": ""}'
    return b"\n".join(lines) + b"\n"


def _stored(db: Database, org_id: int) -> dict[str, tuple[object, ...]]:
    """text -> everything derived from it, for one organisation's reports (ids left out)."""
    out: dict[str, tuple[object, ...]] = {}
    with db.read() as session:
        for report in session.scalars(select(Report).where(Report.org_id == org_id)):
            c = session.get(ClassificationRow, report.id)
            assert c is not None
            sightings = session.execute(
                select(Sighting.indicator_id, Sighting.role, Sighting.start, Sighting.end, Sighting.seen_at)
                .where(Sighting.report_id == report.id).order_by(Sighting.start, Sighting.indicator_id)
            ).all()
            shares = session.scalars(
                select(ReportShare.org_id).where(ReportShare.report_id == report.id)
            ).all()
            out[report.text] = (report.tlp, report.created_at, report.sealed_text is not None,
                                (c.label, c.harm, c.scores, c.stage, c.subtype, c.rules),
                                tuple(tuple(s) for s in sightings), tuple(sorted(shares)))
    return out


def _post(settings: Settings, workers: int, headers: dict[str, str], body: bytes,
          pooled: bool) -> dict[str, object]:
    app = create_app(settings.model_copy(update={"pipeline_workers": workers, "max_body_bytes": 10_000_000}))
    pool = app.state.platform.ingestor.pool
    with TestClient(app) as client:
        resp = client.post("/api/v1/reports/bulk", content=body,
                           headers={**headers, "Content-Type": "application/x-ndjson"})
        assert resp.status_code == 200, resp.text
        assert pool.started == pooled
    assert not pool.started  # the app's lifespan closed the pool
    result: dict[str, object] = resp.json()
    return result


def test_pooled_bulk_matches_in_process(
    settings: Settings, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reports_router, "BULK_CHUNK", 70)  # 3 chunks: 70 + 70 (pooled) + 10 (local)
    pooled, local, other = make_member(db, "pooled"), make_member(db, "local"), make_member(db, "other")

    result = _post(settings, 1, pooled.headers, _body("other"), pooled=True)
    lines = result["lines"]
    assert isinstance(lines, list)
    assert [x["line"] for x in lines] == list(range(1, LINES + 1))
    assert result["created"] == LINES - 2 and result["duplicates"] == 1 and result["errors"] == 1
    assert lines[BAD_AT - 1]["status"] == "error"
    assert lines[DUPLICATE_AT - 1] == {**lines[0], "line": DUPLICATE_AT, "status": "duplicate"}
    ids = [x["id"] for x in lines if x["status"] == "created"]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)

    assert _post(settings, 0, local.headers, _body("other"), pooled=False)["created"] == LINES - 2
    from_pool, in_process = _stored(db, pooled.org_id), _stored(db, local.org_id)
    assert len(from_pool) == LINES - 2
    assert from_pool == in_process
    first = next(v for text, v in from_pool.items() if text.endswith(" <0>"))
    assert first[1] == datetime(2025, 2, 1, 1, 30, 0, tzinfo=UTC)  # +08:00 stored as the same instant
    assert any(v[5] == (other.org_id,) for v in from_pool.values())
    assert any(v[4] for v in from_pool.values())

    # Re-sending the same body finds every text, without analysing anything again.
    again = _post(settings, 1, pooled.headers, _body("other"), pooled=False)
    assert again["created"] == 0 and again["duplicates"] == LINES - 1
