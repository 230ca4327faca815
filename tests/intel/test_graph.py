"""Expansion paths, clusters and visibility over small hand-built graphs with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from lianfang.errors import InputError, NotFound
from lianfang.intel.correlate import CorrelationConfig, Correlator
from lianfang.intel.graph import (
    NodeKind,
    cluster_of,
    connected_labels,
    expand,
    leiden_membership,
    list_clusters,
)
from lianfang.intel.source import IndicatorRow, batch_from_rows

# phone A —report 17— wechat B —report 42— domain C, plus a hot value in every report,
# an allow-listed one, and a second chain reachable only through hidden report 99.
ROWS: list[IndicatorRow] = [
    (17, "phone", "+8613800000001", False),
    (17, "wechat", "wx_b", False),
    (42, "wechat", "wx_b", False),
    (42, "domain", "c-scam.example", False),
    (42, "phone", "+8610086", True),
    (17, "phone", "+8610086", False),
    (99, "phone", "+8613800000001", False),
    (99, "qq", "777777", False),
    (100, "qq", "777777", False),
    (100, "telegram", "secret_channel", False),
] + [(r, "domain", "hot.example", False) for r in [17, 42, 99, 100, *range(1000, 1010)]]


@pytest.fixture
def engine() -> Correlator:
    return Correlator.build(batch_from_rows(ROWS), CorrelationConfig(df_cap=5))


def keys(items: tuple) -> list[str]:
    return [item.node.key for item in items]


def test_expand_follows_the_explaining_path(engine: Correlator) -> None:
    result = expand(engine, "phone:+8613800000001", hops=2, limit=50)
    by_key = {item.node.key: item for item in result.indicators}
    c = by_key["domain:c-scam.example"]
    expected = ["phone:+8613800000001", "17", "wechat:wx_b", "42", "domain:c-scam.example"]
    assert [n.key for n in c.path] == expected
    assert [n.kind for n in c.path][1::2] == [NodeKind.REPORT, NodeKind.REPORT]
    assert c.hops == 2
    assert c.score == pytest.approx(float(np.prod(c.weights)))
    assert "phone:+8610086" not in by_key  # allow-listed values never appear
    assert "domain:hot.example" in by_key  # hot values appear as leaves ...
    assert by_key["domain:hot.example"].hops == 1
    # ... but are never walked through: reports 1000-1009 hold only the hot value.
    assert not {str(r) for r in range(1000, 1010)} & set(keys(result.reports))
    scores = [item.score for item in result.indicators]
    assert scores == sorted(scores, reverse=True)


def test_every_expansion_edge_is_a_real_incidence(engine: Correlator) -> None:
    result = expand(engine, "phone:+8613800000001", hops=3, limit=50)
    incidence = engine.incidence
    for item in result.indicators + result.reports:
        for a, b in zip(item.path, item.path[1:], strict=False):
            report, indicator = (a, b) if a.kind is NodeKind.REPORT else (b, a)
            assert report.kind is NodeKind.REPORT and indicator.kind is NodeKind.INDICATOR
            row = int(engine.rows_of([int(report.key)])[0])
            col = engine.column(indicator.key)
            assert col is not None and incidence[row, col] == 1.0


def test_hops_and_limit_bound_the_expansion(engine: Correlator) -> None:
    one = expand(engine, "phone:+8613800000001", hops=1, limit=50)
    assert "domain:c-scam.example" not in keys(one.indicators)
    assert max(item.hops for item in one.indicators) == 1
    small = expand(engine, "phone:+8613800000001", hops=3, limit=2)
    assert len(small.indicators) == 2 and len(small.reports) == 2
    with pytest.raises(InputError):
        expand(engine, "phone:+8613800000001", hops=0)
    with pytest.raises(InputError):
        expand(engine, "phone:+8613800000001", limit=0)


def test_visibility_hides_reports_and_what_only_they_reach(engine: Correlator) -> None:
    everything = expand(engine, "phone:+8613800000001", hops=3, limit=50)
    assert "telegram:secret_channel" in keys(everything.indicators)
    seen = expand(engine, "phone:+8613800000001", hops=3, limit=50, visible={17, 42, 100})
    assert "99" not in keys(seen.reports)
    assert "qq:777777" not in keys(seen.indicators)
    assert "telegram:secret_channel" not in keys(seen.indicators)  # only reachable via 99
    assert "domain:c-scam.example" in keys(seen.indicators)
    for item in seen.indicators + seen.reports:
        assert "99" not in [n.key for n in item.path]
    with pytest.raises(NotFound):
        expand(engine, "qq:777777", visible={17, 42})  # held only by hidden reports
    with pytest.raises(NotFound):
        expand(engine, "qq:000000")


def test_expand_from_allow_listed_or_hot_start(engine: Correlator) -> None:
    allowed = expand(engine, "phone:+8610086")
    assert allowed.start_allow_listed and not allowed.indicators and not allowed.reports
    hot = expand(engine, "domain:hot.example", hops=1, limit=100)
    # A hot start is followed into its newest df_cap (5) visible reports only.
    assert hot.start_hot and sorted(keys(hot.reports)) == [str(r) for r in range(1005, 1010)]


def linked_gangs() -> Correlator:
    rows: list[IndicatorRow] = []
    for r in range(1, 6):
        rows += [(r, "phone", "+8613900000001", False), (r, "wechat", "gang_a", False)]
    for r in range(11, 15):
        rows += [(r, "phone", "+8613900000002", False), (r, "wechat", "gang_b", False)]
    rows += [(5, "qq", "31337", False), (50, "qq", "31337", False), (50, "qq", "42424", False),
             (11, "qq", "42424", False), (70, "qq", "99", False)]
    return Correlator.build(batch_from_rows(rows))


def test_clusters_listing_and_visibility_split() -> None:
    engine = linked_gangs()
    (whole,) = list_clusters(engine)
    assert whole.size == 10 and whole.cluster_id == 1
    assert {ind.key for ind in whole.top_indicators} >= {"phone:+8613900000001", "wechat:gang_b"}
    # Hiding bridge report 50 splits the cluster in the viewer's graph.
    visible = {1, 2, 3, 4, 5, 11, 12, 13, 14, 70}
    pieces = list_clusters(engine, visible=visible)
    assert [(c.cluster_id, c.size) for c in pieces] == [(1, 5), (11, 4)]
    assert all(50 not in c.report_ids for c in pieces)
    assert cluster_of(engine, 12, visible=visible).report_ids == (11, 12, 13, 14)
    assert cluster_of(engine, 12).size == 10
    assert cluster_of(engine, 70).size == 1
    with pytest.raises(NotFound):
        cluster_of(engine, 50, visible=visible)
    assert list_clusters(engine, visible=set()) == ()
    assert [c.size for c in list_clusters(engine, visible=visible, min_size=1, limit=3)] == [5, 4, 1]


def test_graph_algorithms_on_arrays() -> None:
    labels = connected_labels(5, np.array([0, 3]), np.array([1, 4]))
    assert labels[0] == labels[1] and labels[3] == labels[4] and len(set(labels.tolist())) == 3
    # Two 5-cliques joined by one edge: Leiden separates them, and does so the same way twice.
    u, v = [], []
    for base in (0, 5):
        for i in range(5):
            for j in range(i + 1, 5):
                u.append(base + i)
                v.append(base + j)
    u.append(4)
    v.append(5)
    args = (10, np.array(u), np.array(v), np.ones(len(u)), 1.0, 7)
    first, second = leiden_membership(*args), leiden_membership(*args)
    assert (first == second).all()
    assert len(set(first[:5].tolist())) == 1 and first[0] != first[9]
