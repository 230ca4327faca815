"""Demo data: deterministic, varied, gang-shaped corpus; `load_demo` goes through the real ingest path."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lianfang.config import Settings
from lianfang.demo import load_demo
from lianfang.demo_corpus import KIND_WEIGHTS, ORGS, generate_reports
from lianfang.intel.geo import province_of_phone
from lianfang.store.accounts import verify_key
from lianfang.store.db import make_database
from lianfang.store.models import Organisation, Report, ReportShare, Sighting

NOW = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)


def test_same_seed_same_corpus_other_seed_other_corpus() -> None:
    a = generate_reports(300, seed=5, now=NOW)
    assert a == generate_reports(300, seed=5, now=NOW)
    assert [r.text for r in a] != [r.text for r in generate_reports(300, seed=6, now=NOW)]


def test_corpus_is_varied_and_plausible() -> None:
    reports = generate_reports(4000, now=NOW)
    assert len(reports) == 4000
    assert {r.kind for r in reports} == set(KIND_WEIGHTS)
    assert {r.org for r in reports} == {o.slug for o in ORGS}
    assert {r.sharing for r in reports} == {"clear", "green", "amber", "red"}
    assert all(r.shared_with and r.org not in r.shared_with for r in reports if r.sharing == "amber")
    assert all(NOW - timedelta(days=90) <= r.created_at <= NOW for r in reports)
    assert reports == sorted(reports, key=lambda r: r.created_at)
    assert len({r.text for r in reports}) > 0.95 * len(reports)
    texts = "\n".join(r.text for r in reports)
    for obfuscation in ("薇信", "V信", "扣扣", "飞机", "点", "①", "１", "[.]"):
        assert obfuscation in texts, obfuscation
    benign = sum(r.kind == "benign" for r in reports) / len(reports)
    assert 0.1 < benign < 0.3


def test_gangs_recur_across_organisations_with_a_power_law() -> None:
    reports = generate_reports(4000, now=NOW)
    sizes = Counter(r.gang for r in reports if r.gang)
    ranked = [n for _, n in sizes.most_common()]
    assert ranked[0] >= 50 and ranked[-1] <= 3  # a few big gangs, a long tail of small ones
    orgs_per_gang: dict[str, set[str]] = defaultdict(set)
    for r in reports:
        if r.gang:
            orgs_per_gang[r.gang].add(r.org)
    assert sum(len(orgs) >= 3 for orgs in orgs_per_gang.values()) >= 20


def test_phones_come_from_many_provinces() -> None:
    texts = " ".join(r.text for r in generate_reports(4000, now=NOW))
    provinces = {province_of_phone("+86" + m) for m in re.findall(r"(?<!\d)1[3-9]\d{9}(?!\d)", texts)}
    assert len(provinces - {None}) >= 20


def test_load_demo_ingests_through_the_real_path_and_is_idempotent(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'demo.db'}", hmac_key="demo-test")
    first = load_demo(settings, count=300, now=NOW)
    assert first.created + first.duplicates == 300 and first.created > 250
    assert len(first.orgs) == 5 and first.api_key_org in first.orgs
    db = make_database(settings)
    try:
        with db.read() as session:
            principal = verify_key(session, first.api_key)
            assert principal is not None and principal.org_name == first.api_key_org
            assert principal.role.value == "police"
            assert all(verify_key(session, key) is not None for key in first.keys.values())
            assert session.scalar(select(func.count()).select_from(Organisation)) == 5
            assert session.scalar(select(func.count()).select_from(Report)) == first.created
            assert session.scalar(select(func.count()).select_from(Sighting)) > first.created
            assert session.scalar(select(func.count()).select_from(ReportShare)) > 0
            levels = set(session.scalars(select(Report.tlp).distinct()))
        assert levels == {"CLEAR", "GREEN", "AMBER", "RED"}
        again = load_demo(settings, count=300, now=NOW)
        assert (again.created, again.duplicates) == (0, 300)
    finally:
        db.dispose()


def test_load_demo_rejects_a_bad_count(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        load_demo(Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}"), count=0, now=NOW)
