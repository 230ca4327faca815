"""Correlation engine: rarity weights, hot and allow-listed values, incremental = full rebuild."""

from __future__ import annotations

import numpy as np
import pytest

from lianfang.errors import InputError
from lianfang.intel.correlate import CorrelationConfig, Correlator, rarity_weights
from lianfang.intel.source import IndicatorRow, ReportBatch, batch_from_rows


def partition(engine: Correlator, labels: np.ndarray) -> set[frozenset[int]]:
    """The grouping of external report ids by a per-row label array."""
    groups: dict[int, set[int]] = {}
    for row, label in enumerate(labels.tolist()):
        groups.setdefault(label, set()).add(int(engine.report_ids[row]))
    return {frozenset(g) for g in groups.values()}


def same_group(engine: Correlator, a: int, b: int) -> bool:
    rows = engine.rows_of([a, b])
    return bool(engine.components[rows[0]] == engine.components[rows[1]])


def gang(first: int, size: int, name: str) -> list[IndicatorRow]:
    """A gang: `size` reports from id `first`, all naming the gang's phone and wechat."""
    rows: list[IndicatorRow] = []
    for report in range(first, first + size):
        rows.append((report, "phone", f"+86139{name}", False))
        rows.append((report, "wechat", f"wx_{name}", False))
    return rows


def test_weights_fall_with_document_frequency_and_allow_list_is_zero() -> None:
    df = np.array([1, 2, 3, 4, 15, 16, 1000, 100_000])
    weights = rarity_weights(df, np.zeros(df.size, dtype=bool))
    assert weights[0] == 1.0
    assert np.all(np.diff(weights) <= 0)
    assert weights[1] == weights[2]  # same power-of-two bucket
    assert weights[4] >= 0.3 > weights[5]  # default threshold: ≤ 15 reports link alone
    allowed = rarity_weights(df, np.ones(df.size, dtype=bool))
    assert not allowed.any()


def test_hot_indicator_shared_by_everyone_does_not_merge_gangs() -> None:
    rows = gang(1, 5, "aaaa") + gang(100, 5, "bbbb")
    rows += [(r, "domain", "popular.example", False) for r in [*range(1, 6), *range(100, 105)]]
    rows += [(r, "domain", "popular.example", False) for r in range(1000, 1100)]
    engine = Correlator.build(batch_from_rows(rows), CorrelationConfig(df_cap=50))
    assert same_group(engine, 1, 5)
    assert same_group(engine, 100, 104)
    assert not same_group(engine, 1, 100)
    col = engine.column("domain:popular.example")
    assert col is not None and not engine.informative()[col]
    assert engine.n_edges == 2 * (5 * 4 // 2)  # only in-gang pairs: the hot value adds no edge


def test_two_gangs_sharing_one_rare_phone_link() -> None:
    rows = gang(1, 5, "aaaa") + gang(100, 5, "bbbb")
    rows += [(3, "phone", "+8613700000001", False), (102, "phone", "+8613700000001", False)]
    engine = Correlator.build(batch_from_rows(rows))
    assert same_group(engine, 1, 104)
    assert len(partition(engine, engine.components)) == 1


def test_two_moderately_common_values_link_but_one_does_not() -> None:
    # Values each seen in 40 reports (weight ~0.22 < 0.3): one alone links nothing, two do.
    rows: list[IndicatorRow] = []
    for r in range(40):
        rows.append((r, "domain", "common-a.example", False))
        rows.append((r + 100, "domain", "common-b.example", False))
    rows.append((100, "domain", "common-a.example", False))
    rows.append((0, "domain", "common-b.example", False))
    engine = Correlator.build(batch_from_rows(rows))
    assert same_group(engine, 0, 100)  # share both
    assert not same_group(engine, 1, 2)  # share one


def test_allow_listed_values_are_ignored() -> None:
    rows = gang(1, 3, "aaaa") + gang(100, 3, "bbbb")
    rows += [(1, "phone", "+8610086", True), (100, "phone", "+8610086", False)]
    engine = Correlator.build(batch_from_rows(rows))
    assert not same_group(engine, 1, 100)
    col = engine.column("phone:+8610086")
    assert col is not None and engine.allow_listed[col] and engine.weights()[col] == 0.0


def test_allow_listing_later_removes_the_link() -> None:
    rows = gang(1, 3, "aaaa") + gang(100, 3, "bbbb")
    rows += [(1, "qq", "55555", False), (100, "qq", "55555", False)]
    engine = Correlator.build(batch_from_rows(rows))
    assert same_group(engine, 1, 100)
    engine.add_reports(batch_from_rows([(500, "qq", "55555", True)]))
    assert not same_group(engine, 1, 100)


def random_rows(seed: int, n_reports: int = 400) -> list[IndicatorRow]:
    """Small random corpus: gangs, unique values, medium values and a few hot ones."""
    rng = np.random.default_rng(seed)
    rows: list[IndicatorRow] = []
    for report in range(n_reports):
        g = int(rng.integers(0, 40))
        for _ in range(2):
            rows.append((report, "wechat", f"g{g}_{int(rng.integers(0, 4))}", False))
        rows.append((report, "qq", str(100_000 + report), False))
        if rng.random() < 0.4:
            rows.append((report, "domain", f"m{int(rng.zipf(1.6)) % 60}.example", False))
        if rng.random() < 0.5:
            rows.append((report, "phone", f"+8695{int(rng.integers(0, 3))}", bool(rng.random() < 0.01)))
    order = rng.permutation(len(rows))
    return [rows[i] for i in order]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("leiden_min_size", [10_000, 12])
def test_incremental_add_equals_full_rebuild(seed: int, leiden_min_size: int) -> None:
    rows = random_rows(seed)
    config = CorrelationConfig(df_cap=30, leiden_min_size=leiden_min_size)
    full = Correlator.build(batch_from_rows(rows), config)
    # Feed the same rows in report-id batches (ids grow) and a few late rows for old reports.
    by_report: dict[int, list[IndicatorRow]] = {}
    for row in rows:
        by_report.setdefault(row[0], []).append(row)
    ids = sorted(by_report)
    late = [by_report[i].pop() for i in ids[::37] if len(by_report[i]) > 1]
    incremental = Correlator.build(batch_from_rows([r for i in ids[:150] for r in by_report[i]]), config)
    for start in range(150, len(ids), 50):
        incremental.add_reports(batch_from_rows([r for i in ids[start : start + 50] for r in by_report[i]]))
    incremental.add_reports(batch_from_rows(late))
    incremental.refine()

    assert incremental.n_edges == full.n_edges
    assert partition(incremental, incremental.components) == partition(full, full.components)
    assert partition(incremental, incremental.clusters) == partition(full, full.clusters)
    if leiden_min_size < 100:  # Leiden really split something, so the equality above means something
        assert len(partition(full, full.clusters)) > len(partition(full, full.components))
    for key in ("phone:+86950", "domain:m1.example", "wechat:g3_1"):
        a, b = incremental.column(key), full.column(key)
        assert a is not None and b is not None
        assert incremental.document_frequency[a] == full.document_frequency[b]


def test_clusters_never_span_components_between_refines() -> None:
    rows = random_rows(5)
    config = CorrelationConfig(df_cap=30, leiden_min_size=12)
    engine = Correlator.build(batch_from_rows([r for r in rows if r[0] < 200]), config)
    engine.add_reports(batch_from_rows([r for r in rows if r[0] >= 200]))
    for group in partition(engine, engine.clusters):
        labels = engine.components[engine.rows_of(sorted(group))]
        assert np.unique(labels).size == 1


def test_duplicate_rows_count_once_and_empty_batch_is_a_no_op() -> None:
    rows = [(1, "qq", "12345", False)] * 3 + [(2, "qq", "12345", False)]
    engine = Correlator.build(batch_from_rows(rows))
    col = engine.column("qq:12345")
    assert col is not None and engine.document_frequency[col] == 2
    stats = engine.add_reports(batch_from_rows([]))
    assert stats.new_reports == 0
    engine.add_reports(batch_from_rows([(1, "qq", "12345", False)]))
    assert engine.document_frequency[col] == 2


@pytest.mark.parametrize(
    "row",
    [
        (1, "phone", "+8613800000000"),
        ("1", "phone", "+8613800000000", False),
        (True, "phone", "+8613800000000", False),
        (-5, "phone", "+8613800000000", False),
        (1, "fax", "123", False),
        (1, "phone", "  ", False),
        (1, "phone", "+8613800000000", "yes"),
    ],
)
def test_bad_rows_raise_input_error(row: tuple) -> None:
    with pytest.raises(InputError):
        batch_from_rows([(7, "qq", "10001", False), row])  # type: ignore[list-item]


def test_inconsistent_batch_and_config_raise_input_error() -> None:
    with pytest.raises(InputError):
        ReportBatch(np.array([1, 2]), np.array([0]), ("qq:1",), np.array([False]))
    with pytest.raises(InputError):
        ReportBatch(np.array([1]), np.array([3]), ("qq:1",), np.array([False]))
    with pytest.raises(InputError):
        CorrelationConfig(threshold=0.0)
    with pytest.raises(InputError):
        CorrelationConfig(df_cap=1)
