"""store.stats: every figure counts only what the viewer's organisation may see (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lianfang.config import Settings
from lianfang.errors import InputError
from lianfang.store import stats
from lianfang.store.access import Tlp
from lianfang.store.db import Database
from lianfang.store.ingest import Ingestor, Submission
from lianfang.store.reports import ReportFilter
from lianfang.store.values import Secrets

NOW = datetime(2024, 6, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def world(settings: Settings, db: Database, members: dict) -> dict:
    """a: two GREEN reports sharing a phone; b: one RED and one AMBER (shared with c) report."""
    ing = Ingestor(db, Secrets.from_setting(settings.hmac_key))
    a, b = members["a"], members["b"]
    day = timedelta(days=1)
    ids_a = [r.report_id for r in ing.ingest(a.org_id, None, [
        Submission(text="刷单返利 加微信 shuadan_777 电话 13812345678", tlp=Tlp.GREEN,
                   observed_at=NOW - 2 * day),
        Submission(text="刷单兼职 电话 13812345678 网址 fake-task.top", tlp=Tlp.GREEN,
                   observed_at=NOW - day),
    ])]
    ids_b = [r.report_id for r in ing.ingest(b.org_id, None, [
        Submission(text="博彩 红色机密 电话 18912345670 网站 red-only.top", tlp=Tlp.RED, observed_at=NOW),
        Submission(text="博彩 琥珀 QQ 3849120567", tlp=Tlp.AMBER, share_with=["c"], observed_at=NOW),
    ])]
    return {"a": ids_a, "b": ids_b, "members": members}


def test_overview_is_scoped(db: Database, world: dict) -> None:
    """a sees its own two reports only; b sees all four; c sees a's and the AMBER one shared with it."""
    m = world["members"]
    with db.read() as s:
        seen_a = stats.overview(s, m["a"].org_id, now=NOW)
        seen_b = stats.overview(s, m["b"].org_id, now=NOW)
        seen_c = stats.overview(s, m["c"].org_id, now=NOW)
        public = stats.overview(s, None, now=NOW)
    assert (seen_a.reports, seen_a.organisations) == (2, 1)
    assert (seen_b.reports, seen_b.organisations) == (4, 2)
    assert (seen_c.reports, seen_c.organisations) == (3, 2)
    assert public.reports == 0
    assert seen_b.indicators > seen_a.indicators
    assert seen_a.last_7_days == 2


def test_timeline_counts_days_and_first_sightings(db: Database, world: dict) -> None:
    """Per-day reports and first-seen indicators; b's RED day is empty for a."""
    m = world["members"]
    with db.read() as s:
        tl_a = stats.timeline(s, m["a"].org_id, days=3, until=NOW)
        tl_b = stats.timeline(s, m["b"].org_id, days=3, until=NOW)
    assert tl_a.days == ("2024-06-18", "2024-06-19", "2024-06-20")
    assert tl_a.reports == (1, 1, 0)
    assert tl_b.reports == (1, 1, 2)
    # the phone of a's second report was first seen the day before: only the new URL/domain count
    assert tl_a.new_indicators[0] >= 2 and tl_a.new_indicators[1] >= 1 and tl_a.new_indicators[2] == 0
    assert tl_b.new_indicators[2] >= 2
    with pytest.raises(InputError):
        stats.timeline(s, m["a"].org_id, days=0)


def test_categories_provinces_top(db: Database, world: dict) -> None:
    """Breakdowns and the top list never include b's RED report or its phone."""
    m = world["members"]
    with db.read() as s:
        cats_a = {b.key: b.count for b in stats.categories(s, m["a"].org_id)}
        cats_b = {b.key: b.count for b in stats.categories(s, m["b"].org_id)}
        prov_a = stats.provinces(s, m["a"].org_id)
        prov_b = stats.provinces(s, m["b"].org_id)
        top_a = stats.top_indicators(s, m["a"].org_id, 50)
        top_b = stats.top_indicators(s, m["b"].org_id, 50)
    assert sum(cats_a.values()) == 2 and sum(cats_b.values()) == 4
    assert sum(p.numbers for p in prov_a) == 1  # 138 1234 5678 only
    assert sum(p.numbers for p in prov_b) == 2
    assert prov_a[0].reports == 2
    assert top_a[0].value == "+8613812345678" and top_a[0].reports == 2
    values_a = {t.value for t in top_a}
    assert "+8618912345670" not in values_a and "red-only.top" not in values_a
    assert {"+8618912345670", "red-only.top"} <= {t.value for t in top_b}


def test_report_list_search_and_filters(db: Database, world: dict) -> None:
    """Text search and filters run over visible reports only; LIKE wildcards are literal."""
    m = world["members"]
    with db.read() as s:
        rows, nxt = stats.list_report_rows(s, m["a"].org_id, ReportFilter(text="刷单"))
        assert [r.id for r in rows] == sorted(world["a"], reverse=True) and nxt is None
        assert stats.list_report_rows(s, m["a"].org_id, ReportFilter(text="红色机密"))[0] == []
        assert len(stats.list_report_rows(s, m["b"].org_id, ReportFilter(text="红色机密"))[0]) == 1
        assert stats.list_report_rows(s, m["a"].org_id, ReportFilter(text="%"))[0] == []
        assert len(stats.list_report_rows(s, m["a"].org_id, ReportFilter(text="FAKE-TASK"))[0]) == 1
        page, nxt = stats.list_report_rows(s, m["b"].org_id, ReportFilter(), limit=3)
        assert len(page) == 3 and nxt is not None
        rest, end = stats.list_report_rows(s, m["b"].org_id, ReportFilter(), cursor=nxt, limit=3)
        assert len(rest) == 1 and end is None
        assert len(stats.list_report_rows(s, m["b"].org_id, ReportFilter(tlp="red"))[0]) == 1
        assert len(stats.list_report_rows(s, m["a"].org_id, ReportFilter(indicator_type="qq"))[0]) == 0
        with pytest.raises(InputError):
            stats.list_report_rows(s, m["a"].org_id, ReportFilter(tlp="purple"))
        with pytest.raises(InputError):
            stats.list_report_rows(s, m["a"].org_id, ReportFilter(text="x" * 201))


def test_indicator_helpers_and_correlation_rows(db: Database, world: dict) -> None:
    """find_indicator / report_spans / correlation_rows hide what the viewer may not see."""
    m = world["members"]
    red = world["b"][0]
    with db.read() as s:
        assert stats.find_indicator(s, m["a"].org_id, "domain", "red-only.top") is None
        found = stats.find_indicator(s, m["b"].org_id, "domain", "red-only.top")
        assert found is not None and found.key == "domain:red-only.top"
        assert stats.report_spans(s, m["a"].org_id, red) == []
        spans = stats.report_spans(s, m["b"].org_id, red)
        assert {sp.type for sp in spans} >= {"phone", "domain"}
        rows_a = stats.correlation_rows(s, m["a"].org_id)
        rows_b = stats.correlation_rows(s, m["b"].org_id)
        mark = stats.watermark(s)
        assert stats.correlation_rows(s, m["b"].org_id, after_sighting=mark.sighting) == []
    assert {r[0] for r in rows_a} == set(world["a"])
    assert {r[0] for r in rows_b} == set(world["a"]) | set(world["b"])
    phone = next(sp for sp in spans if sp.type == "phone")
    assert phone.value == "+8618912345670" and phone.end > phone.start
