"""Rarity-weighted report–indicator correlation with incremental updates.

The engine holds the bipartite graph as a sparse incidence matrix B (reports × indicators, CSR and
CSC, integer ids) and derives report–report edges by sparse products:
``S = B · diag(w) · Bᵀ``, so ``S[r, s]`` is the summed rarity weight of the indicators reports r and
s share. Pairs with ``S ≥ threshold`` are edges; connected components over those edges are the
raw clusters, and components of ``leiden_min_size`` reports or more are split by Leiden (seeded).

Rarity weight (IDF-like): ``w(df) = 1 / (1 + ln 2 · ⌊log2 df⌋)``; 1 for a value seen once, about
0.59 for 2–3 reports, 0.33 for 8–15, 0.14 for 512–1023. Allow-listed values weigh 0. It is *not*
scaled by the number of reports N on purpose: with ``log(N/df)`` every ingest would change every
weight and every edge, which rules out incremental updates. Bucketing by powers of two means a
growing df changes an indicator's weight only when it crosses 2^k, so most ingests leave existing
edges untouched.

MISP's correlation exploded (150 M correlations for 1.3 M attributes) because it paired every
report holding a popular value with every other one: a value in d reports yields d² pairs. Here
indicators with ``df > df_cap`` ("hot") and allow-listed ones are left out of the product
entirely, so the product stays sparse (at most ``df_cap`` reports per column) and a value shared
by everyone merges nothing. Hot values are still kept in B, so expansion can show them as leaves.

Not thread-safe on its own: readers and `add_reports` take `Correlator.lock`.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from lianfang.errors import InputError
from lianfang.intel.graph import connected_labels, leiden_membership
from lianfang.intel.source import ReportBatch

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
VisibleReports = npt.ArrayLike | set[int] | frozenset[int] | None
"""Report ids a viewer may see (array, list or set), or None for everything."""

# Tolerance for "weight ≥ threshold": sums of the same weights in another order may differ in
# the last bit, and an edge must not flicker between a full build and an incremental one.
_EPS = 1e-9


@dataclass(frozen=True, slots=True)
class CorrelationConfig:
    """Tuning of the engine.

    threshold: minimum summed rarity weight for a report–report edge (0.3: one shared value seen
    in ≤ 15 reports links on its own; two shared values each seen in ≤ 255 reports link together).
    df_cap: indicators seen in more reports than this are hot and take no part in edges.
    leiden_min_size: components with at least this many reports are split with Leiden.
    chunk_rows, chunk_pairs: reports and candidate pairs per block of the sparse product
    (bound peak memory; the product's cost is the sum of df² over informative indicators).
    """

    threshold: float = 0.3
    df_cap: int = 1000
    leiden_min_size: int = 500
    leiden_resolution: float = 1.0
    seed: int = 42
    chunk_rows: int = 50_000
    chunk_pairs: int = 20_000_000

    def __post_init__(self) -> None:
        if self.threshold <= 0.0:
            raise InputError("threshold must be positive")
        if self.df_cap < 2 or self.leiden_min_size < 2 or self.chunk_rows < 1 or self.chunk_pairs < 1:
            raise InputError("df_cap and leiden_min_size must be ≥ 2, chunk_rows and chunk_pairs ≥ 1")
        if self.leiden_resolution <= 0.0:
            raise InputError("leiden_resolution must be positive")


def rarity_weights(df: IntArray, allow_listed: BoolArray) -> FloatArray:
    """Return the rarity weight of each indicator from its document frequency (see module doc).

    `df` and `allow_listed` are per-indicator arrays of equal length; df 0 counts as 1.
    Allow-listed indicators weigh 0. Hot ones keep their (small) weight; `informative` decides
    whether they join edges.
    """
    buckets = np.floor(np.log2(np.maximum(df, 1))).astype(np.float64)
    weights = 1.0 / (1.0 + math.log(2.0) * buckets)
    weights[allow_listed] = 0.0
    return weights


@dataclass(frozen=True, slots=True)
class UpdateStats:
    """What one `add_reports` call did (for logs and the benchmark)."""

    new_reports: int
    new_indicators: int
    new_pairs: int
    new_edges: int
    merged_components: int
    recomputed_reports: int


class Correlator:
    """The in-memory correlation engine: incidence, document frequencies, components and clusters.

    Build with `Correlator.build(batch)` (full correlation) and grow with `add_reports(batch)`.
    Reports are addressed by external integer ids, indicators by ``"type:value"`` keys;
    internally both are dense integer rows/columns in insertion order.
    """

    def __init__(self, config: CorrelationConfig | None = None) -> None:
        """Create an empty engine with `config` (defaults if None)."""
        self.config = config or CorrelationConfig()
        self.lock = threading.RLock()
        self.version = 0
        self._keys: list[str] = []
        self._key_col: dict[str, int] = {}
        self._allow: BoolArray = np.zeros(0, dtype=np.bool_)
        self._df: IntArray = np.zeros(0, dtype=np.int64)
        self._report_ids: IntArray = np.zeros(0, dtype=np.int64)
        self._sorted_ids: IntArray = np.zeros(0, dtype=np.int64)
        self._sorted_rows: IntArray = np.zeros(0, dtype=np.int64)
        self._csr: sp.csr_matrix = sp.csr_matrix((0, 0), dtype=np.float64)
        self._csc: sp.csc_matrix = sp.csc_matrix((0, 0), dtype=np.float64)
        self._component: IntArray = np.zeros(0, dtype=np.int64)
        self._cluster: IntArray = np.zeros(0, dtype=np.int64)
        self._next_label = 0
        # Components whose Leiden split is stale (merged by an incremental update).
        self._dirty: set[int] = set()
        self._df_before: IntArray = np.zeros(0, dtype=np.int64)
        self._w: FloatArray = np.zeros(0, dtype=np.float64)
        self._informative: BoolArray = np.zeros(0, dtype=np.bool_)
        # Report–report edges ≥ threshold, symmetric, kept exact across incremental updates.
        self._adj: sp.csr_matrix = sp.csr_matrix((0, 0), dtype=np.float64)

    # ----------------------------------------------------------------- construction
    @classmethod
    def build(cls, batch: ReportBatch, config: CorrelationConfig | None = None) -> Correlator:
        """Return an engine holding `batch`, fully correlated and clustered."""
        engine = cls(config)
        with engine.lock:
            engine._ingest(batch)
            u, v, w = engine._product_edges(*engine._factors())
            n = engine.n_reports
            upper = sp.csr_matrix((w, (u, v)), shape=(n, n))
            engine._adj = sp.csr_matrix(upper + upper.T)
            engine._recompute(np.arange(n, dtype=np.int64))
            engine.version += 1
        return engine

    def add_reports(self, batch: ReportBatch) -> UpdateStats:
        """Add observations without a full rebuild and update the affected clusters.

        New report ids become new reports; known ids gain the indicators listed. The stored
        report–report edges stay exact (equal to a full rebuild): edges of the batch's reports come
        from a product over those rows only, and existing pairs are re-weighted only where an
        indicator's weight went down (its df crossed a power of two or the cap, or it was
        allow-listed). Components touched by either are recomputed from the stored edges; Leiden
        splits of big touched components are deferred to `refine()`.
        """
        with self.lock:
            if len(batch) == 0:
                return UpdateStats(0, 0, 0, 0, 0, 0)
            n_old_rows, n_old_cols = self.n_reports, self.n_indicators
            old_csr, old_csc = self._csr, self._csc
            old_corr_w = self._w * self._informative
            old_allow = self._allow
            added = self._ingest(batch)
            new_corr_w = self._w * self._informative
            batch_rows = np.flatnonzero(np.diff(added.indptr)).astype(np.int64)
            old_batch_rows = batch_rows[batch_rows < n_old_rows]

            # Indicators whose weight on EXISTING pairs went down: only those change old edges.
            cols = np.unique(added.indices).astype(np.int64)
            cols = cols[cols < n_old_cols]
            newly_allowed = np.flatnonzero(self._allow[:n_old_cols] & ~old_allow[:n_old_cols])
            cols = np.union1d(cols, newly_allowed)
            changed = cols[
                (old_corr_w[cols] != new_corr_w[cols]) & (self._df_before[cols] >= 2) & (old_corr_w[cols] > 0)
            ]

            self._adj.resize((self.n_reports, self.n_reports))
            touched: list[IntArray] = [batch_rows]
            if old_batch_rows.size:
                # Their pairs are recomputed below from the new incidence; drop the stale ones.
                touched.append(self._adj[old_batch_rows].indices.astype(np.int64))
                keep = np.ones(self.n_reports)
                keep[old_batch_rows] = 0.0
                mask = sp.diags(keep, format="csr")
                self._adj = sp.csr_matrix(mask @ self._adj @ mask)
            delta, delta_rows = self._reweighted(old_csr, old_csc, changed, old_corr_w, new_corr_w,
                                                 n_old_cols, old_batch_rows)
            touched.append(delta_rows)
            u, v, w = self._edges_from(batch_rows)
            touched.append(v)  # old neighbours: their components merge with the batch's
            new_edges = sp.csr_matrix((w, (u, v)), shape=self._adj.shape)
            # Sum the small updates first: each addition to the big adjacency costs O(edges).
            self._adj = sp.csr_matrix(self._adj + (delta + new_edges + new_edges.T))
            # Re-weighting leaves float residue where an edge went away; a real edge is ≥ threshold.
            self._adj.data[np.abs(self._adj.data) < self.config.threshold / 2] = 0.0
            self._adj.eliminate_zeros()

            rows = np.unique(np.concatenate(touched))
            labels = np.unique(self._component[rows])
            affected = np.flatnonzero(np.isin(self._component, labels)).astype(np.int64)
            before = labels.size
            after = self._recompute(affected, new_from=n_old_rows)
            self.version += 1
            return UpdateStats(
                new_reports=self.n_reports - n_old_rows,
                new_indicators=self.n_indicators - n_old_cols,
                new_pairs=int(added.nnz),
                new_edges=int(u.size),
                merged_components=int(before - after),
                recomputed_reports=int(affected.size),
            )

    def refine(self) -> int:
        """Re-run Leiden on big components changed since the last build/refine; return how many ran."""
        with self.lock:
            dirty = np.asarray(sorted(self._dirty), dtype=np.int64)
            self._dirty.clear()
            if dirty.size == 0:
                return 0
            rows_all = np.flatnonzero(np.isin(self._component, dirty)).astype(np.int64)
            done = 0
            for rows in _groups(rows_all, self._component[rows_all]):
                self._assign_clusters(rows)
                done += int(rows.size >= self.config.leiden_min_size)
            self.version += 1
            return done

    # ----------------------------------------------------------------- read access
    @property
    def n_reports(self) -> int:
        """Number of reports held."""
        return int(self._report_ids.shape[0])

    @property
    def n_indicators(self) -> int:
        """Number of distinct indicators held."""
        return len(self._keys)

    @property
    def incidence(self) -> sp.csr_matrix:
        """Reports × indicators incidence (CSR, 1.0 per pair). Read-only by contract."""
        return self._csr

    @property
    def incidence_csc(self) -> sp.csc_matrix:
        """The same incidence in CSC form (indicator → reports). Read-only by contract."""
        return self._csc

    @property
    def document_frequency(self) -> IntArray:
        """Reports per indicator column."""
        return self._df

    @property
    def allow_listed(self) -> BoolArray:
        """Allow-list flag per indicator column."""
        return self._allow

    @property
    def report_ids(self) -> IntArray:
        """External report id per internal row."""
        return self._report_ids

    @property
    def components(self) -> IntArray:
        """Component label per internal row (labels are arbitrary integers)."""
        return self._component

    @property
    def clusters(self) -> IntArray:
        """Cluster label per internal row (component, or Leiden community within a big one)."""
        return self._cluster

    def weights(self) -> FloatArray:
        """Rarity weight per indicator column (0 for allow-listed). Read-only by contract."""
        return self._w

    def informative(self) -> BoolArray:
        """Whether each indicator column takes part in report–report edges (not hot, not allow-listed)."""
        return self._informative

    def key(self, col: int) -> str:
        """Return the ``type:value`` key of indicator column `col`."""
        return self._keys[col]

    def column(self, key: str) -> int | None:
        """Return the column of indicator `key`, or None if the engine has never seen it."""
        return self._key_col.get(key)

    def rows_of(self, report_ids: npt.ArrayLike) -> IntArray:
        """Map external report ids to internal rows; ids the engine does not hold map to -1."""
        ids = np.asarray(report_ids, dtype=np.int64).ravel()
        if self._sorted_ids.size == 0:
            return np.full(ids.shape, -1, dtype=np.int64)
        pos = np.searchsorted(self._sorted_ids, ids)
        pos_c = np.minimum(pos, self._sorted_ids.size - 1)
        found = self._sorted_ids[pos_c] == ids
        return np.where(found, self._sorted_rows[pos_c], -1).astype(np.int64)

    def visible_mask(self, visible_report_ids: VisibleReports) -> BoolArray | None:
        """Turn the caller's visible report ids into a boolean mask over rows (None = sees all).

        The store computes the ids with its access filter; ids unknown to the engine are ignored.
        """
        if visible_report_ids is None:
            return None
        if isinstance(visible_report_ids, set | frozenset):
            ids = np.fromiter(visible_report_ids, dtype=np.int64, count=len(visible_report_ids))
        else:
            ids = np.asarray(visible_report_ids, dtype=np.int64)
        rows = self.rows_of(ids)
        mask = np.zeros(self.n_reports, dtype=np.bool_)
        mask[rows[rows >= 0]] = True
        return mask

    def edges_among(self, rows: IntArray) -> tuple[IntArray, IntArray, FloatArray]:
        """Return the edges (u < v as positions in sorted-or-given `rows`, weight) among internal rows.

        Weights are summed rarity weights of shared informative indicators, ≥ threshold only.
        """
        sub = sp.triu(self._adj[rows][:, rows], k=1).tocoo()
        return sub.row.astype(np.int64), sub.col.astype(np.int64), sub.data.astype(np.float64)

    @property
    def n_edges(self) -> int:
        """Number of report–report edges at or above the threshold."""
        return int(self._adj.nnz // 2)

    # ----------------------------------------------------------------- internals
    def _factors(self) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """Return (B·diag(w), B) restricted to informative columns, as CSR with zeros removed."""
        w = self._w * self._informative
        indices = self._csr.indices
        weighted = sp.csr_matrix((w[indices], indices.copy(), self._csr.indptr.copy()), shape=self._csr.shape)
        # Hot and allow-listed columns leave the product here: this is what keeps it sparse.
        weighted.eliminate_zeros()
        unit = weighted.copy()
        unit.data[:] = 1.0
        return weighted, unit

    def _product_edges(
        self, weighted: sp.csr_matrix, unit: sp.csr_matrix
    ) -> tuple[IntArray, IntArray, FloatArray]:
        """Upper-triangle entries ≥ threshold of weighted · unitᵀ, computed in row blocks."""
        right = unit.T.tocsr()
        us: list[IntArray] = []
        vs: list[IntArray] = []
        ws: list[FloatArray] = []
        for start, stop in self._blocks(weighted, np.diff(right.indptr)):
            block = (weighted[start:stop] @ right).tocoo()
            rows = block.row.astype(np.int64) + start
            cols = block.col.astype(np.int64)
            keep = (cols > rows) & (block.data >= self.config.threshold - _EPS)
            us.append(rows[keep])
            vs.append(cols[keep])
            ws.append(block.data[keep])
        if not us:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0)
        return np.concatenate(us), np.concatenate(vs), np.concatenate(ws)

    def _blocks(self, weighted: sp.csr_matrix, df: IntArray) -> list[tuple[int, int]]:
        """Row blocks of at most `chunk_rows` rows and about `chunk_pairs` product entries each.

        A row's product cost is the summed df of its informative indicators; bounding it per
        block bounds peak memory however the values are spread.
        """
        n = weighted.shape[0]
        if n == 0:
            return []
        cost = np.zeros(n, dtype=np.int64)
        if weighted.nnz:
            nonempty = np.diff(weighted.indptr) > 0
            sums = np.add.reduceat(df[weighted.indices], weighted.indptr[:-1][nonempty])
            cost[nonempty] = sums
        cumulative = np.cumsum(cost)
        blocks: list[tuple[int, int]] = []
        start = 0
        while start < n:
            base = cumulative[start - 1] if start else 0
            by_cost = int(np.searchsorted(cumulative, base + self.config.chunk_pairs, side="right"))
            stop = min(n, start + self.config.chunk_rows, max(by_cost, start + 1))
            blocks.append((start, stop))
            start = stop
        return blocks

    def _ingest(self, batch: ReportBatch) -> sp.csr_matrix:
        """Intern keys and ids, append the batch to the incidence; return the genuinely new pairs."""
        n_old_rows, n_old_cols = self.n_reports, self.n_indicators
        cols_of_key = np.empty(len(batch.keys), dtype=np.int64)
        for j, key in enumerate(batch.keys):
            col = self._key_col.get(key)
            if col is None:
                col = self._key_col[key] = len(self._keys)
                self._keys.append(key)
            cols_of_key[j] = col
        n_cols = len(self._keys)
        allow = np.zeros(n_cols, dtype=np.bool_)
        allow[:n_old_cols] = self._allow
        # Allow-listing is sticky: once any source allow-lists a value it stays allow-listed.
        allow[cols_of_key[batch.allow_listed]] = True

        rows = self.rows_of(batch.report_ids)
        unknown = rows < 0
        if unknown.any():
            new_ids = np.unique(batch.report_ids[unknown])
            new_rows = np.arange(n_old_rows, n_old_rows + new_ids.size, dtype=np.int64)
            self._report_ids = np.concatenate((self._report_ids, new_ids))
            if self._sorted_ids.size == 0 or new_ids[0] > self._sorted_ids[-1]:
                # Common case: ids from an autoincrement column arrive in order; no re-sort.
                self._sorted_ids = np.concatenate((self._sorted_ids, new_ids))
                self._sorted_rows = np.concatenate((self._sorted_rows, new_rows))
            else:
                order = np.argsort(self._report_ids, kind="stable")
                self._sorted_ids = self._report_ids[order]
                self._sorted_rows = order.astype(np.int64)
            rows = self.rows_of(batch.report_ids)
        n_rows = self.n_reports
        cols = cols_of_key[batch.key_index]

        pairs = sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n_rows, n_cols))
        pairs.sum_duplicates()
        pairs.data[:] = 1.0
        old = self._csr.copy() if n_old_rows else sp.csr_matrix((n_rows, n_cols), dtype=np.float64)
        old.resize((n_rows, n_cols))
        if n_old_rows and (rows < n_old_rows).any():
            added = sp.csr_matrix(pairs - pairs.multiply(old))
            added.eliminate_zeros()
            merged = old + added
            merged.data[:] = 1.0
            self._csr = sp.csr_matrix(merged)
        else:
            # Only new reports: their rows go below the old ones, a concatenation, not a merge.
            added = pairs
            old.resize((n_old_rows, n_cols))
            self._csr = sp.csr_matrix(sp.vstack((old, pairs[n_old_rows:]), format="csr"))
        self._df_before = np.zeros(n_cols, dtype=np.int64)
        self._df_before[:n_old_cols] = self._df
        self._df = self._df_before + np.bincount(added.indices, minlength=n_cols)
        self._csc = self._csr.tocsc()
        # Only columns whose df or flag moved need a new weight; new arrays, since callers keep
        # the previous ones to compare.
        moved = np.unique(added.indices)
        weights = np.zeros(n_cols)
        weights[:n_old_cols] = self._w
        weights[moved] = rarity_weights(self._df[moved], allow[moved])
        weights[cols_of_key[batch.allow_listed]] = 0.0
        self._w = weights
        self._informative = (self._df <= self.config.df_cap) & ~allow
        self._allow = allow

        grow = n_rows - n_old_rows
        if grow:
            fresh = np.arange(self._next_label, self._next_label + grow, dtype=np.int64)
            self._next_label += grow
            self._component = np.concatenate((self._component, fresh))
            self._cluster = np.concatenate((self._cluster, fresh))
        return added

    def _edges_from(self, rows: IntArray) -> tuple[IntArray, IntArray, FloatArray]:
        """Edges (global rows u, v, weight) between `rows` and every report, under current weights.

        Each pair is listed once: a pair inside `rows` only as u < v. The product touches only the
        informative columns of these rows, so its cost is the sum of their dfs, not the corpus.
        """
        if rows.size == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0)
        sub = self._csr[rows]
        w = self._w * self._informative
        weighted = sp.csr_matrix((w[sub.indices], sub.indices, sub.indptr), shape=sub.shape)
        weighted.eliminate_zeros()
        block = (weighted @ self._csc.T).tocoo()
        u = rows[block.row]
        v = block.col.astype(np.int64)
        keep = (u != v) & (block.data >= self.config.threshold - _EPS)
        keep &= (u < v) | ~np.isin(v, rows)
        return u[keep], v[keep], block.data[keep]

    def _reweighted(
        self,
        old_csr: sp.csr_matrix,
        old_csc: sp.csc_matrix,
        changed: IntArray,
        old_w: FloatArray,
        new_w: FloatArray,
        n_old_cols: int,
        skip_rows: IntArray,
    ) -> tuple[sp.csr_matrix, IntArray]:
        """Adjacency delta for old pairs sharing a `changed` indicator, and the rows it touches.

        Pairs with a row in `skip_rows` are left out (recomputed from scratch by the caller).
        """
        shape = self._adj.shape
        if changed.size == 0:
            return sp.csr_matrix(shape), np.zeros(0, dtype=np.int64)
        starts, stops = old_csc.indptr[changed], old_csc.indptr[changed + 1]
        rows = np.unique(np.concatenate([old_csc.indices[a:b] for a, b in zip(starts, stops, strict=True)]))
        rows = np.setdiff1d(rows, skip_rows).astype(np.int64)
        if rows.size < 2:
            return sp.csr_matrix(shape), np.zeros(0, dtype=np.int64)
        sub = old_csr[rows]
        unit_t = sub.T.tocsr()
        thr = self.config.threshold - _EPS

        def thresholded(weights: FloatArray) -> sp.coo_matrix:
            data = weights[:n_old_cols][sub.indices]
            scaled = sp.csr_matrix((data, sub.indices, sub.indptr), shape=sub.shape)
            product = sp.triu(scaled @ unit_t, k=1).tocoo()
            keep = product.data >= thr
            return sp.coo_matrix((product.data[keep], (rows[product.row[keep]], rows[product.col[keep]])),
                                 shape=shape)

        upper = (thresholded(new_w) - thresholded(old_w)).tocsr()
        upper.eliminate_zeros()
        touched = np.unique(np.concatenate((upper.tocoo().row, upper.indices)))
        return sp.csr_matrix(upper + upper.T), touched.astype(np.int64)

    def _recompute(self, rows: IntArray, new_from: int | None = None) -> int:
        """Recompute components of `rows` (a union of whole components) from the stored edges.

        Small components become one cluster each. Big ones get Leiden now, or, when `new_from`
        (first row added by this update) is given, keep their current split until `refine()`,
        with each new row joining a neighbour's cluster.
        Returns the number of components `rows` now form.
        """
        rows = np.sort(rows)
        if rows.size == 0:
            return 0
        u, v, _ = self.edges_among(rows)
        local = connected_labels(rows.size, u, v)
        count = int(local.max()) + 1
        fresh = local + self._next_label
        self._next_label += count
        old_cluster = self._cluster[rows].copy()
        self._component[rows] = fresh
        self._cluster[rows] = fresh
        sizes = np.bincount(local)
        if not (sizes >= self.config.leiden_min_size).any():
            return count
        big_rows = rows[sizes[local] >= self.config.leiden_min_size]
        for group in _groups(big_rows, self._component[big_rows]):
            if new_from is None:
                self._assign_clusters(group)
                continue
            label = int(self._component[group[0]])
            self._dirty.add(label)
            kept = old_cluster[np.searchsorted(rows, group)]
            # Rows new to the engine carry their own fresh label; give them a neighbour's cluster.
            is_new = group >= new_from
            if is_new.any():
                adj = self._adj[group[is_new]]
                for k, r in enumerate(np.flatnonzero(is_new)):
                    nbrs = adj.indices[adj.indptr[k] : adj.indptr[k + 1]]
                    nbrs = nbrs[~np.isin(nbrs, group[is_new])]
                    if nbrs.size:
                        kept[r] = old_cluster[np.searchsorted(rows, nbrs[0])]
            # A cluster never spans two components: split old clusters by the new components.
            _, relabel = np.unique(kept, return_inverse=True)
            self._cluster[group] = relabel + self._next_label
            self._next_label += int(relabel.max()) + 1
        return count

    def _assign_clusters(self, rows: IntArray) -> None:
        """Set cluster labels for one component: Leiden communities if big, else the component."""
        if rows.size < self.config.leiden_min_size:
            self._cluster[rows] = self._component[rows]
            return
        # Vertex order by external id, so the same component gives the same graph however it grew.
        ordered = rows[np.argsort(self._report_ids[rows], kind="stable")]
        u, v, w = self.edges_among(ordered)
        membership = leiden_membership(
            ordered.size, u, v, np.round(w, 9), self.config.leiden_resolution, self.config.seed
        )
        self._cluster[ordered] = membership + self._next_label
        self._next_label += int(membership.max()) + 1


def _groups(rows: IntArray, labels: IntArray) -> list[IntArray]:
    """Split `rows` into arrays of equal `labels` (order of labels, rows kept in given order)."""
    order = np.argsort(labels, kind="stable")
    bounds = np.flatnonzero(np.diff(labels[order])) + 1
    return np.split(rows[order], bounds)
