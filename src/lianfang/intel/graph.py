"""Clusters and expansion (深挖扩线) over the correlation engine, filtered by what the viewer may see.

Visibility: every public function takes `visible`, the report ids the caller may see (the store
computes them with its access filter; None means everything). Reports outside it are removed
before any traversal or grouping, so nothing reachable only through a hidden report appears, and
clusters are re-split on the visible edges alone. Rarity weights come from all reports the engine
holds: a weight reveals how common a value is, never which report or organisation holds it. For
strict isolation build one engine per viewer from that viewer's rows instead.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

import igraph as ig
import leidenalg
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from lianfang.errors import InputError, NotFound
from lianfang.i18n import t

if TYPE_CHECKING:
    from lianfang.intel.correlate import Correlator, VisibleReports

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

MAX_HOPS = 6
MAX_LIMIT = 10_000


# --------------------------------------------------------------------------- graph algorithms
def connected_labels(n: int, u: IntArray, v: IntArray) -> IntArray:
    """Return a component label (0..k-1) for each of `n` nodes joined by undirected edges (u[i], v[i])."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    adjacency = sp.coo_matrix((np.ones(u.size, dtype=np.int8), (u, v)), shape=(n, n)).tocsr()
    _, labels = connected_components(adjacency, directed=False)
    return labels.astype(np.int64)


def leiden_membership(
    n: int, u: IntArray, v: IntArray, w: FloatArray, resolution: float, seed: int
) -> IntArray:
    """Return Leiden communities (0..k-1) of a weighted undirected graph on `n` nodes.

    Seeded: the same graph (same vertex and edge order) always gives the same membership.
    """
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    graph = ig.Graph(n=n, edges=np.column_stack((u, v)).tolist(), directed=False)
    partition = leidenalg.find_partition(
        graph,
        leidenalg.RBConfigurationVertexPartition,
        weights=w.tolist(),
        resolution_parameter=resolution,
        seed=seed,
        n_iterations=2,
    )
    return np.asarray(partition.membership, dtype=np.int64)


# --------------------------------------------------------------------------- result types
class NodeKind(StrEnum):
    """The two sides of the bipartite graph."""

    INDICATOR = "indicator"
    REPORT = "report"


@dataclass(frozen=True, slots=True)
class NodeRef:
    """A node: an indicator (``key`` = ``"type:value"``) or a report (``key`` = its id as text)."""

    kind: NodeKind
    key: str


@dataclass(frozen=True, slots=True)
class ExpansionItem:
    """A related node, its score (product of the path's edge weights) and the path that explains it.

    `path` runs from the start indicator to `node` through alternating reports and indicators;
    `weights[i]` is the weight of the edge path[i]–path[i+1] (the rarity weight of the indicator
    on that edge). `hops` counts the reports on the path.
    """

    node: NodeRef
    score: float
    hops: int
    path: tuple[NodeRef, ...]
    weights: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class Expansion:
    """Best-first expansion from one indicator: up to `limit` indicators and `limit` reports."""

    start: NodeRef
    hops: int
    limit: int
    indicators: tuple[ExpansionItem, ...]
    reports: tuple[ExpansionItem, ...]
    start_hot: bool
    start_allow_listed: bool
    truncated: bool


@dataclass(frozen=True, slots=True)
class ClusterIndicator:
    """An indicator shared inside a cluster: how many member reports hold it, and its rarity weight."""

    key: str
    reports: int
    weight: float


@dataclass(frozen=True, slots=True)
class Cluster:
    """A group of linked reports as one viewer sees it; `cluster_id` is its smallest visible report id."""

    cluster_id: int
    size: int
    report_ids: tuple[int, ...]
    indicator_count: int
    top_indicators: tuple[ClusterIndicator, ...]


# --------------------------------------------------------------------------- expansion
def expand(
    engine: Correlator,
    indicator_key: str,
    hops: int = 2,
    limit: int = 50,
    visible: VisibleReports = None,
    max_visits: int = 200_000,
) -> Expansion:
    """Expand from one indicator to related indicators and reports, best-first by path score.

    The walk alternates indicator → report → indicator over visible reports only; `hops` bounds
    the reports on a path (1–6), `limit` the items of each kind (1–10,000). An edge report–indicator
    weighs the indicator's rarity weight; a path's score is the product of its edge weights. Hot
    indicators (above the df cap) appear as leaves but are never walked through; allow-listed ones
    never appear. From a hot start indicator the newest `df_cap` visible reports are followed.
    Raises `InputError` for bad hops/limit, `NotFound` when the indicator is unknown or in no
    visible report.
    """
    if not 1 <= hops <= MAX_HOPS or not 1 <= limit <= MAX_LIMIT:
        raise InputError(f"hops must be 1–{MAX_HOPS} and limit 1–{MAX_LIMIT}")
    with engine.lock:
        return _expand_locked(engine, indicator_key, hops, limit, visible, max_visits)


def _expand_locked(
    engine: Correlator,
    indicator_key: str,
    hops: int,
    limit: int,
    visible: VisibleReports,
    max_visits: int,
) -> Expansion:
    start_col = engine.column(indicator_key)
    mask = engine.visible_mask(visible)
    if start_col is None:
        raise NotFound(t("intel_unknown_indicator", indicator=indicator_key))
    csr, csc = engine.incidence, engine.incidence_csc
    report_ids = engine.report_ids
    first = csc.indices[csc.indptr[start_col] : csc.indptr[start_col + 1]]
    if mask is not None:
        first = first[mask[first]]
    if first.size == 0:
        raise NotFound(t("intel_unknown_indicator", indicator=indicator_key))
    weights, informative, allow = engine.weights(), engine.informative(), engine.allow_listed
    start = NodeRef(NodeKind.INDICATOR, indicator_key)
    start_hot = not bool(informative[start_col]) and not bool(allow[start_col])
    if allow[start_col]:
        return Expansion(start, hops, limit, (), (), start_hot, True, False)

    # Node codes: indicator column c ≥ 0, report row r → -(r + 1).
    # entries[i] = (code, score, hops, parent entry, weight of the edge from the parent)
    entries: list[tuple[int, float, int, int, float]] = [(start_col, 1.0, 0, -1, 1.0)]
    heap: list[tuple[float, int]] = [(-1.0, 0)]
    settled_hops: dict[int, int] = {}
    found_ind: list[int] = []
    found_rep: list[int] = []
    visits = 0
    truncated = False
    while heap:
        if len(found_ind) >= limit and len(found_rep) >= limit:
            break
        visits += 1
        if visits > max_visits:
            truncated = True
            break
        _, index = heapq.heappop(heap)
        code, score, depth, _, _ = entries[index]
        previous = settled_hops.get(code)
        # Label-correcting: a node is walked again only if reached with fewer hops, since a
        # shorter path may reach further even when its score is lower.
        if previous is not None and previous <= depth:
            continue
        settled_hops[code] = depth
        if previous is None and index:
            (found_ind if code >= 0 else found_rep).append(index)
        if code >= 0:
            if depth >= hops or (index and not informative[code]):
                continue
            rows = csc.indices[csc.indptr[code] : csc.indptr[code + 1]]
            if mask is not None:
                rows = rows[mask[rows]]
            if rows.size > engine.config.df_cap:
                rows = rows[np.argsort(-report_ids[rows], kind="stable")[: engine.config.df_cap]]
            edge = float(weights[code])
            for row in rows.tolist():
                child = -(row + 1)
                seen = settled_hops.get(child)
                if seen is None or seen > depth + 1:
                    entries.append((child, score * edge, depth + 1, index, edge))
                    heapq.heappush(heap, (-score * edge, len(entries) - 1))
        else:
            row = -code - 1
            cols = csr.indices[csr.indptr[row] : csr.indptr[row + 1]]
            cols = cols[~allow[cols]]
            for col in cols.tolist():
                seen = settled_hops.get(col)
                if seen is None or seen > depth:
                    edge = float(weights[col])
                    entries.append((col, score * edge, depth, index, edge))
                    heapq.heappush(heap, (-score * edge, len(entries) - 1))
    else:
        truncated = False

    def node(code: int) -> NodeRef:
        if code >= 0:
            return NodeRef(NodeKind.INDICATOR, engine.key(code))
        return NodeRef(NodeKind.REPORT, str(int(report_ids[-code - 1])))

    def item(index: int) -> ExpansionItem:
        code, score, depth, _, _ = entries[index]
        chain: list[int] = []
        cursor = index
        while cursor >= 0:
            chain.append(cursor)
            cursor = entries[cursor][3]
        chain.reverse()
        return ExpansionItem(
            node=node(code),
            score=score,
            hops=depth,
            path=tuple(node(entries[i][0]) for i in chain),
            weights=tuple(entries[i][4] for i in chain[1:]),
        )

    return Expansion(
        start=start,
        hops=hops,
        limit=limit,
        indicators=tuple(item(i) for i in found_ind[:limit]),
        reports=tuple(item(i) for i in found_rep[:limit]),
        start_hot=start_hot,
        start_allow_listed=False,
        truncated=truncated,
    )


# --------------------------------------------------------------------------- clusters
def list_clusters(
    engine: Correlator,
    visible: VisibleReports = None,
    min_size: int = 2,
    limit: int = 100,
    top: int = 5,
) -> tuple[Cluster, ...]:
    """Return the viewer's biggest clusters, largest first (ties: smallest cluster id first).

    A cluster is a component (or its Leiden community) restricted to the visible reports and
    re-split on the edges among them, so two visible groups joined only through a hidden report
    come out apart. `top` shared indicators are listed per cluster. Raises `InputError` for
    min_size < 1 or limit outside 1–10,000.
    """
    if min_size < 1 or not 1 <= limit <= MAX_LIMIT or top < 0:
        raise InputError(f"min_size must be ≥ 1, limit 1–{MAX_LIMIT}, top ≥ 0")
    with engine.lock:
        labels = engine.clusters
        mask = engine.visible_mask(visible)
        rows = np.arange(engine.n_reports, dtype=np.int64) if mask is None else np.flatnonzero(mask)
        if rows.size == 0:
            return ()
        full_size = np.bincount(labels)
        order = np.argsort(labels[rows], kind="stable")
        rows = rows[order]
        bounds = np.flatnonzero(np.diff(labels[rows])) + 1
        # Heap of candidate groups by visible size; a mixed group (some members hidden) may
        # split into smaller pieces, so it is re-split before it can be emitted.
        heap: list[tuple[int, int, int, IntArray]] = []
        for group in np.split(rows, bounds):
            if group.size >= min_size:
                exact = int(full_size[labels[group[0]]] == group.size)
                first_id = int(engine.report_ids[group].min())
                heap.append((-int(group.size), first_id, exact, group))
        heapq.heapify(heap)
        out: list[Cluster] = []
        while heap and len(out) < limit:
            neg_size, first_id, exact, group = heapq.heappop(heap)
            if exact:
                out.append(_cluster(engine, group, top))
                continue
            for piece in _split_visible(engine, group):
                if piece.size >= min_size:
                    heapq.heappush(heap, (-int(piece.size), int(engine.report_ids[piece].min()), 1, piece))
        return tuple(out)


def cluster_of(
    engine: Correlator,
    report_id: int,
    visible: VisibleReports = None,
    top: int = 10,
) -> Cluster:
    """Return the cluster holding `report_id` as the viewer sees it (a singleton if unlinked).

    Raises `NotFound` when the engine does not hold the report or the viewer may not see it.
    """
    with engine.lock:
        row = int(engine.rows_of([report_id])[0])
        mask = engine.visible_mask(visible)
        if row < 0 or (mask is not None and not mask[row]):
            raise NotFound(t("intel_unknown_report", report_id=report_id))
        labels = engine.clusters
        group = np.flatnonzero(labels == labels[row]).astype(np.int64)
        if mask is not None and not mask[group].all():
            group = group[mask[group]]
            for piece in _split_visible(engine, group):
                if row in piece:
                    group = piece
                    break
        return _cluster(engine, group, top)


def _split_visible(engine: Correlator, rows: IntArray) -> list[IntArray]:
    """Split visible `rows` of one cluster into pieces connected by edges among themselves."""
    rows = np.sort(rows)
    u, v, _ = engine.edges_among(rows)
    local = connected_labels(rows.size, u, v)
    order = np.argsort(local, kind="stable")
    bounds = np.flatnonzero(np.diff(local[order])) + 1
    return [rows[part] for part in np.split(order, bounds)]


def _cluster(engine: Correlator, rows: IntArray, top: int) -> Cluster:
    """Build the `Cluster` record for internal `rows`."""
    sub = engine.incidence[np.sort(rows)]
    cols, counts = np.unique(sub.indices, return_counts=True)
    weights, allow = engine.weights(), engine.allow_listed
    keep = ~allow[cols]
    cols, counts = cols[keep], counts[keep]
    shared = counts >= 2
    # Rank by count × rarity: a hot value every member mentions should not crowd out the phone
    # number that actually ties the gang together.
    strength = counts[shared] * weights[cols[shared]]
    hot = ~engine.informative()[cols[shared]]
    ranked_order = np.lexsort((cols[shared], -counts[shared], -strength, hot))[:top]
    ranked_cols, ranked_counts = cols[shared][ranked_order], counts[shared][ranked_order]
    ids = np.sort(engine.report_ids[rows])
    return Cluster(
        cluster_id=int(ids[0]),
        size=int(ids.size),
        report_ids=tuple(int(x) for x in ids),
        indicator_count=int(cols.size),
        top_indicators=tuple(
            ClusterIndicator(engine.key(int(c)), int(n), float(weights[c]))
            for c, n in zip(ranked_cols, ranked_counts, strict=True)
        ),
    )
