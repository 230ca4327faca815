"""Benchmark: full correlation + clustering of 1 M reports / ~1.3 M indicators, then incremental adds.

Synthetic, seeded data with power-law reuse:
* ~1 M values seen once (the long tail of rare indicators);
* planted gangs (Pareto sizes, 3 to 2,000 reports) whose reports draw from a small gang pool of
  phones/wechats/domains, and 2 % of gangs share one rare phone with another gang;
* a medium tier of 10 k values (per million reports) reused by 16–1,000 unrelated reports (Pareto);
* 40 hot values (Zipf) seen in ~3·10^3 to ~10^5 reports each.

Prints build time, incremental time for 1,000-report batches, peak memory (ru_maxrss) and how
well the planted gangs were recovered; the LAST line is the full-correlation seconds.

Run: .venv/bin/python benchmarks/correlate_bench.py [--reports 1000000] [--seed 7]
"""

from __future__ import annotations

import argparse
import resource
import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from lianfang.intel.correlate import CorrelationConfig, Correlator
from lianfang.intel.source import ReportBatch

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Synthetic:
    """Generated observations: report id and indicator id per pair, gang label per report (-1: none)."""

    report: IntArray
    indicator: IntArray
    gang: IntArray
    n_indicators: int


def generate(n_reports: int, seed: int) -> Synthetic:
    """Generate the synthetic incidence (see module doc); vectorised, deterministic for `seed`."""
    rng = np.random.default_rng(seed)
    reports: list[IntArray] = []
    indicators: list[IntArray] = []
    next_id = 0

    # Planted gangs cover ~40 % of reports; ids are shuffled so gang members are spread out.
    sizes: list[int] = []
    budget = int(n_reports * 0.4)
    while budget > 0:
        size = int(min(2000, 3 + rng.pareto(1.2) * 4))
        size = min(size, budget) if budget >= 3 else budget
        sizes.append(size)
        budget -= size
    gang_sizes = np.asarray(sizes, dtype=np.int64)
    gang_of_slot = np.repeat(np.arange(gang_sizes.size), gang_sizes)
    permutation = rng.permutation(n_reports)
    gang = np.full(n_reports, -1, dtype=np.int64)
    gang_reports = permutation[: gang_of_slot.size]
    gang[gang_reports] = gang_of_slot
    pool = np.maximum(2, gang_sizes // 3)
    pool_start = np.concatenate(([0], np.cumsum(pool)[:-1])) + next_id
    next_id += int(pool.sum())
    for _ in range(2):
        pick = rng.integers(0, pool[gang_of_slot])
        reports.append(gang_reports)
        indicators.append(pool_start[gang_of_slot] + pick)
    # 2 % of gangs share one rare phone with another gang (a real link between two gangs).
    n_links = max(1, gang_sizes.size // 50)
    left = rng.integers(0, gang_sizes.size, n_links)
    right = rng.integers(0, gang_sizes.size, n_links)
    first_member = np.concatenate(([0], np.cumsum(gang_sizes)[:-1]))
    link_ids = np.arange(next_id, next_id + n_links)
    next_id += n_links
    reports += [gang_reports[first_member[left]], gang_reports[first_member[right]]]
    indicators += [link_ids, link_ids]

    # Long tail: one value of its own for 90 % of reports, a second one for 25 %.
    all_reports = np.arange(n_reports, dtype=np.int64)
    for share in (0.9, 0.25):
        chosen = all_reports[rng.random(n_reports) < share]
        reports.append(chosen)
        indicators.append(np.arange(next_id, next_id + chosen.size))
        next_id += chosen.size

    # Medium tier: 10 k values per million reports, df Pareto from 16 up to 1,000, over unrelated
    # reports (shared templates, popular scam domains): alone too common to link anything.
    n_medium = max(1, 10_000 * n_reports // 1_000_000)
    df_medium = np.minimum(16 * (1 + rng.pareto(1.3, n_medium)), 1000).astype(np.int64)
    df_medium = np.minimum(df_medium, n_reports)
    reports.append(rng.integers(0, n_reports, int(df_medium.sum())))
    indicators.append(next_id + np.repeat(np.arange(n_medium), df_medium))
    next_id += n_medium

    # Hot tier: 40 values, Zipf over half of the reports (top one ~1e5 reports).
    hot_p = 1.0 / np.arange(1, 41)
    hot_p /= hot_p.sum()
    holders = all_reports[rng.random(n_reports) < 0.5]
    reports.append(holders)
    indicators.append(next_id + rng.choice(40, size=holders.size, p=hot_p))
    next_id += 40

    return Synthetic(np.concatenate(reports), np.concatenate(indicators), gang, next_id)


def to_batch(data: Synthetic, selector: npt.NDArray[np.bool_], keys: tuple[str, ...]) -> ReportBatch:
    """Pack the pairs picked by `selector` as a `ReportBatch` holding only the keys they use."""
    used, key_index = np.unique(data.indicator[selector], return_inverse=True)
    return ReportBatch(
        report_ids=data.report[selector] + 1,
        key_index=key_index.astype(np.int64),
        keys=tuple(keys[i] for i in used.tolist()),
        allow_listed=np.zeros(used.size, dtype=np.bool_),
    )


def recovery(engine: Correlator, gang: IntArray) -> tuple[int, int, float]:
    """Return (gangs recovered, gangs, purity of multi-report clusters).

    A gang is recovered when one cluster holds ≥ 90 % of its reports and those are ≥ 90 % of the
    cluster. Purity: share of reports in multi-report clusters that belong to their cluster's
    majority gang (non-gang reports count as their own class).
    """
    rows = engine.rows_of(np.arange(gang.size) + 1)
    labels = engine.clusters[rows]
    cls = np.where(gang >= 0, gang, -1 - np.arange(gang.size))
    _, label_idx = np.unique(labels, return_inverse=True)
    _, cls_idx = np.unique(cls, return_inverse=True)
    pair = label_idx.astype(np.int64) * (cls_idx.max() + 1) + cls_idx
    uniq, counts = np.unique(pair, return_counts=True)
    p_label, p_cls = uniq // (cls_idx.max() + 1), uniq % (cls_idx.max() + 1)
    label_size = np.bincount(label_idx)
    cls_size = np.bincount(cls_idx)
    good = (counts >= 0.9 * cls_size[p_cls]) & (counts >= 0.9 * label_size[p_label])
    gang_cls = np.unique(cls_idx[gang >= 0])
    recovered = int(np.isin(gang_cls, p_cls[good]).sum())
    best = np.zeros(label_size.size, dtype=np.int64)
    np.maximum.at(best, p_label, counts)
    multi = label_size >= 2
    purity = float(best[multi].sum() / max(1, label_size[multi].sum()))
    return recovered, int(gang_cls.size), purity


def main() -> None:
    """Run the benchmark; the last printed line is the full-correlation seconds."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--batches", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    extra = 1000 * args.batches
    data = generate(args.reports + extra, args.seed)
    keys = tuple(f"phone:{i}" for i in range(data.n_indicators))
    base = data.report < args.reports
    batch = to_batch(data, base, keys)
    used = np.unique(data.indicator[base]).size
    df = np.bincount(data.indicator[base])
    print(f"reports {args.reports:,}  indicators {used:,}  pairs {int(base.sum()):,}  "
          f"max df {int(df.max()):,}  values with df>=10^4: {int((df >= 10_000).sum())}")

    config = CorrelationConfig()
    start = time.perf_counter()
    engine = Correlator.build(batch, config)
    full_s = time.perf_counter() - start
    n_clusters = np.unique(engine.clusters).size
    big = np.bincount(np.unique(engine.components, return_inverse=True)[1])
    print(f"full correlation + clustering: {full_s:.2f} s  ({n_clusters:,} clusters, "
          f"largest component {int(big.max()):,} reports)")

    times = []
    for k in range(args.batches):
        lo = args.reports + 1000 * k
        pick = (data.report >= lo) & (data.report < lo + 1000)
        start = time.perf_counter()
        stats = engine.add_reports(to_batch(data, pick, keys))
        times.append(time.perf_counter() - start)
        print(f"incremental batch {k + 1}: {times[-1]:.3f} s  ({stats.new_reports} reports, "
              f"{stats.new_edges} new edges, {stats.merged_components} merges, "
              f"{stats.recomputed_reports} reports recomputed)")
    start = time.perf_counter()
    refined = engine.refine()
    print(f"refine after increments: {time.perf_counter() - start:.2f} s ({refined} components re-split)")
    print(f"incremental 1,000 reports: max {max(times):.3f} s, median {float(np.median(times)):.3f} s")

    recovered, gangs, purity = recovery(engine, data.gang)
    print(f"planted gangs recovered: {recovered:,} / {gangs:,} ({recovered / gangs:.1%}); "
          f"cluster purity {purity:.3f}")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (ru_maxrss): {peak_mib:,.0f} MiB")
    print(f"full correlation seconds: {full_s:.2f}")


if __name__ == "__main__":
    main()
