"""The in-memory lookup index: sharing levels, allow-lists, and agreement with the SQL summaries."""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from lianfang.config import Settings
from lianfang.intel.lookup import Fact, LookupIndex, build_index
from lianfang.store.db import Database, make_database, upgrade
from lianfang.store.indicators import summarize
from lianfang.store.models import (
    AllowlistEntry,
    ClassificationRow,
    IndicatorRow,
    Organisation,
    Report,
    ReportShare,
    Sighting,
)
from lianfang.store.values import StoredValue
from lianfang.taxonomy import IndicatorType

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def fact(sid: int, key: str, org: int, tlp: str, audience: tuple[int, ...] = (), label: str = "fraud",
         harm: float = 0.9, days_ago: float = 1.0) -> Fact:
    return Fact(sid, key, org, tlp, frozenset(audience), label, harm, NOW - timedelta(days=days_ago))


# --- the core, without a database -------------------------------------------------------------

def test_each_sharing_level_reaches_exactly_its_audience() -> None:
    index = LookupIndex()
    index.apply([
        fact(1, "qq:111", 1, "CLEAR"),
        fact(2, "qq:222", 1, "GREEN"),
        fact(3, "qq:333", 1, "AMBER", audience=(2,)),
        fact(4, "qq:444", 1, "RED"),
    ])
    keys = ["qq:111", "qq:222", "qq:333", "qq:444", "qq:999"]
    seen = {org: [h is not None for h in index.check(keys, org)] for org in (1, 2, 3)}
    assert seen[1] == [True, True, True, True, False]
    assert seen[2] == [True, True, True, False, False]
    assert seen[3] == [True, True, False, False, False]
    assert [h is not None for h in index.check_public(keys)] == [True, False, False, False, False]


def test_counts_only_cover_what_the_viewer_may_see() -> None:
    index = LookupIndex()
    index.apply([
        fact(1, "wechat:gang1", 1, "GREEN", label="fraud", harm=0.6, days_ago=10),
        fact(2, "wechat:gang1", 2, "RED", label="gambling", harm=0.95, days_ago=1),
        fact(3, "wechat:gang1", 3, "AMBER", audience=(1,), label="gambling", harm=0.8, days_ago=2),
    ])
    h1, h2, h3 = (index.check(["wechat:gang1"], org)[0] for org in (1, 2, 3))
    assert h1 is not None and (h1.sightings, h1.orgs, h1.harm) == (2, 2, 0.8)
    assert h2 is not None and (h2.sightings, h2.orgs, h2.harm) == (2, 2, 0.95)
    assert h2.category == "fraud"  # tie 1:1 is broken alphabetically, like the SQL summary
    assert h3 is not None and (h3.sightings, h3.orgs) == (2, 2)
    h4 = index.check(["wechat:gang1"], 4)[0]
    assert h4 is not None and (h4.sightings, h4.orgs, h4.harm, h4.category) == (1, 1, 0.6, "fraud")
    assert h4.last_seen == NOW - timedelta(days=10)
    assert index.check_public(["wechat:gang1"]) == [None]
    assert 0 < h4.confidence(NOW) < h1.confidence(NOW) <= 100


def test_global_and_org_allow_lists_hide_hits() -> None:
    index = LookupIndex()
    index.apply([
        fact(1, "phone:+8613812345678", 1, "CLEAR"),
        fact(2, "domain:scam.example.com", 1, "GREEN"),
        fact(3, "qq:5555", 1, "AMBER", audience=(2,)),
    ])
    index.allow([("phone:13812345678", 2), ("domain:example.com", None)])
    assert index.check(["phone:+8613812345678"], 1)[0] is not None
    assert index.check(["phone:+8613812345678"], 2) == [None]  # org 2 vouches for it: hidden for org 2 only
    assert index.check_public(["phone:+8613812345678"])[0] is not None
    assert index.check(["domain:scam.example.com"], 1) == [None]  # parent domain globally allowed
    index.allow([("qq:5555", None)])
    assert index.check(["qq:5555"], 1) == [None] and index.check(["qq:5555"], 2) == [None]
    # New sightings of an allowed key stay hidden.
    index.apply([fact(4, "qq:5555", 3, "GREEN")])
    assert index.check(["qq:5555"], 3) == [None]
    assert "qq:5555" in index and index.aggregate("qq:5555", 3) is not None


def test_victim_and_unknown_keys_and_empty_batches() -> None:
    index = LookupIndex()
    assert index.check([], 1) == [] and index.check_public([]) == []
    index.apply([fact(1, "eth:0xab", 1, "GREEN")])
    assert index.check(["eth:0xab", "eth:0xcd", ""], 7)[1:] == [None, None]
    assert len(index) == 1


# --- against the real database ----------------------------------------------------------------

def _sqlite(tmp: Path) -> Iterator[Database]:
    db = make_database(Settings(database_url=f"sqlite:///{tmp / 'lookup.db'}"))
    upgrade(db)
    yield db
    db.dispose()


def _postgres() -> Iterator[Database]:
    base = os.environ.get("LIANFANG_TEST_PG_URL")
    if not base:
        pytest.skip("LIANFANG_TEST_PG_URL is not set: PostgreSQL tests skipped")
    name = f"lf_lookup_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db = make_database(Settings(database_url=make_url(base).set(database=name).render_as_string(False)))
    try:
        upgrade(db)
        yield db
    finally:
        db.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    yield from (_sqlite(tmp_path) if request.param == "sqlite" else _postgres())


KEY_TYPES = (IndicatorType.PHONE, IndicatorType.QQ, IndicatorType.WECHAT, IndicatorType.DOMAIN)


def _random_data(db: Database, rng: random.Random, orgs: list[int], start_report: int, reports: int,
                 values: list[StoredValue]) -> None:
    """Insert `reports` random reports with 1-3 sightings each, random TLP and AMBER share lists."""
    with db.write.begin() as session:
        have = {(r.type, r.value) for r in session.query(IndicatorRow)}
        for type_, value in {(v.type.value, v.value) for v in values} - have:
            session.add(IndicatorRow(type=type_, value=value, display=value, personal=False))
        session.flush()
        by_key = {(r.type, r.value): r.id for r in session.query(IndicatorRow)}
        for n in range(start_report, start_report + reports):
            org = rng.choice(orgs)
            tlp = rng.choice(("CLEAR", "GREEN", "AMBER", "RED"))
            when = NOW - timedelta(days=rng.uniform(0, 120))
            report = Report(org_id=org, tlp=tlp, source="test", text=f"report {n}", content_hash=f"{n:064d}",
                            created_at=when)
            session.add(report)
            session.flush()
            if tlp == "AMBER":
                for other in rng.sample([o for o in orgs if o != org], rng.randint(0, 2)):
                    session.add(ReportShare(report_id=report.id, org_id=other))
            label = rng.choice(("fraud", "gambling", "porn", "benign"))
            session.add(ClassificationRow(report_id=report.id, label=label, harm=round(rng.random(), 3),
                                          scores={}, rules=[]))
            for v in rng.sample(values, rng.randint(1, 3)):
                session.add(Sighting(indicator_id=by_key[(v.type.value, v.value)], report_id=report.id,
                                     org_id=org, role=rng.choice(("subject",) * 5 + ("victim",)),
                                     start=0, end=1, seen_at=when))


def _values(rng: random.Random, count: int) -> list[StoredValue]:
    out = []
    for i in range(count):
        type_ = rng.choice(KEY_TYPES)
        value = {IndicatorType.PHONE: f"+86138{i:08d}", IndicatorType.QQ: str(10000 + i),
                 IndicatorType.WECHAT: f"wx_{i}", IndicatorType.DOMAIN: f"d{i}.example.cn"}[type_]
        out.append(StoredValue(type_, value, value, False, value))
    return out


def _assert_agrees(db: Database, index: LookupIndex, orgs: list[int], values: list[StoredValue]) -> int:
    compared = 0
    with db.read() as session:
        for viewer in [None, *orgs]:
            expected = summarize(session, viewer, values, NOW)
            got = index.summaries(values, viewer, NOW)
            assert got == expected, f"viewer {viewer}"
            hits = (index.check_public([v.key for v in values]) if viewer is None
                    else index.check([v.key for v in values], viewer))
            for v, hit in zip(values, hits, strict=True):
                summary = expected[v.key]
                assert (hit is not None) == (summary.known_bad and summary.sightings > 0), (viewer, v.key)
                if hit is not None:
                    assert (hit.sightings, hit.orgs, hit.confidence(NOW)) == (
                        summary.sightings, summary.orgs, summary.confidence)
                compared += 1
    return compared


def test_index_agrees_with_sql_for_every_viewer_and_follows_new_rows(db: Database) -> None:
    rng = random.Random(7)
    with db.write.begin() as session:
        orgs = []
        for i in range(5):
            org = Organisation(name=f"org-{i}")
            session.add(org)
            session.flush()
            orgs.append(org.id)
    values = _values(rng, 60)
    _random_data(db, rng, orgs, 0, 150, values)
    with db.write.begin() as session:
        session.add(AllowlistEntry(type="domain", value="d3.example.cn", org_id=None, source="t"))
        first_qq = next(v.value for v in values if v.type is IndicatorType.QQ)
        session.add(AllowlistEntry(type="qq", value=first_qq, org_id=orgs[1], source="t"))
    index = build_index(db)
    assert _assert_agrees(db, index, orgs, values) == 6 * len(values)

    # New rows after the build: one refresh brings the index level with the database again.
    _random_data(db, rng, orgs, 150, 60, values)
    with db.write.begin() as session:
        session.add(AllowlistEntry(type="phone", value=next(v.value[3:] for v in values
                                                             if v.type is IndicatorType.PHONE),
                                   org_id=None, source="t"))
    assert index.refresh() > 0
    _assert_agrees(db, index, orgs, values)


def test_sightings_committed_out_of_id_order_are_picked_up(db: Database) -> None:
    with db.write.begin() as session:
        org = Organisation(name="solo")
        session.add(org)
        session.flush()
        ind = IndicatorRow(type="qq", value="424242", display="424242", personal=False)
        report = Report(org_id=org.id, tlp="GREEN", source="t", text="x", content_hash="h" * 64,
                        created_at=NOW)
        session.add_all([ind, report])
        session.flush()
        org_id, ind_id, report_id = org.id, ind.id, report.id
    index = build_index(db)
    # A later transaction commits id 10 while the one holding id 5 is still open (as on PostgreSQL).
    with db.write.begin() as session:
        session.add(Sighting(id=10, indicator_id=ind_id, report_id=report_id, org_id=org_id, role="subject",
                             start=0, end=1, seen_at=NOW))
    index.refresh()
    assert index.check(["qq:424242"], org_id)[0].sightings == 1  # type: ignore[union-attr]
    with db.write.begin() as session:
        session.add(Sighting(id=5, indicator_id=ind_id, report_id=report_id, org_id=org_id, role="subject",
                             start=0, end=1, seen_at=NOW))
    index.refresh()
    assert index.check(["qq:424242"], org_id)[0].sightings == 2  # type: ignore[union-attr]
    index.refresh()
    assert index.check(["qq:424242"], org_id)[0].sightings == 2  # type: ignore[union-attr]
