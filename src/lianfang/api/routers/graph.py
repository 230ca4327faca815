"""GET /graph/expand (深挖扩线 from one indicator) and GET /clusters, over the caller's own engine.

`format=echarts` returns the same result as nodes/links/categories for the dashboard's graph view.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from lianfang.api.graphs import OrgGraphs
from lianfang.api.session import Viewer
from lianfang.api.state import Platform, PlatformDep
from lianfang.errors import NotFound
from lianfang.indicators.canonical import canonicalize
from lianfang.intel.correlate import Correlator
from lianfang.intel.graph import Cluster, Expansion, NodeKind, NodeRef, cluster_of, expand, list_clusters
from lianfang.store import stats
from lianfang.store.accounts import Principal
from lianfang.store.values import stored
from lianfang.taxonomy import IndicatorType, name

router = APIRouter(tags=["graph"])

MAX_HOPS = 4
MAX_LIMIT = 500
CLUSTER_GRAPH_REPORTS = 120
REPORT_NAME = {"zh": "举报", "en": "Report"}
TYPES: tuple[IndicatorType, ...] = tuple(IndicatorType)


def org_graphs(request: Request) -> OrgGraphs:
    """The app's per-organisation engines (created on first use)."""
    graphs: OrgGraphs | None = getattr(request.app.state, "org_graphs", None)
    if graphs is None:
        platform: Platform = request.app.state.platform
        graphs = request.app.state.org_graphs = OrgGraphs(platform.db)
    return graphs


def resolve_seed(p: Platform, engine: Correlator, raw: str) -> str:
    """The engine key for a seed: a stored "type:value" key, or any value the extractor recognises.

    Raises NotFound when the seed names nothing in the caller's graph.
    """
    raw = raw.strip()
    kind, sep, rest = raw.partition(":")
    if sep and kind in {t.value for t in TYPES}:
        if engine.column(raw) is not None:
            return raw
        found = canonicalize(rest, IndicatorType(kind))
    else:
        found = canonicalize(raw)
    if found is not None:
        key = stored(p.secrets, found[0], found[1]).key
        if engine.column(key) is not None:
            return key
    raise NotFound("indicator not found or not visible")


# --------------------------------------------------------------------------- plain JSON shapes
class PathStep(BaseModel):
    """A node on an explaining path."""

    kind: str
    key: str


class RelatedOut(BaseModel):
    """A related indicator or report with its score and the path that explains it."""

    kind: str
    key: str
    display: str
    score: float
    hops: int
    path: list[PathStep]
    weights: list[float]


class ExpansionOut(BaseModel):
    """Expansion from `seed` (the stored key)."""

    seed: str
    hops: int
    indicators: list[RelatedOut]
    reports: list[RelatedOut]
    start_hot: bool
    start_allow_listed: bool
    truncated: bool


class ClusterIndicatorOut(BaseModel):
    """An indicator shared inside a cluster."""

    key: str
    display: str
    reports: int
    weight: float


class ClusterOut(BaseModel):
    """A group of linked reports as the caller sees it; `id` is its smallest report id."""

    id: int
    size: int
    report_ids: list[int]
    newest_report: int
    orgs: int
    category: str | None
    indicator_count: int
    top_indicators: list[ClusterIndicatorOut]


def _shown(ind: stats.StoredIndicator | None, key: str) -> str:
    return ind.display if ind else key.partition(":")[2]


def expansion_out(result: Expansion, shown: dict[str, stats.StoredIndicator]) -> ExpansionOut:
    """The plain JSON shape of an expansion; indicator values shown as stored `display`."""

    def item(it: Any) -> RelatedOut:
        ref: NodeRef = it.node
        disp = _shown(shown.get(ref.key), ref.key) if ref.kind is NodeKind.INDICATOR else f"#{ref.key}"
        return RelatedOut(kind=ref.kind.value, key=ref.key, display=disp, score=round(it.score, 6),
                          hops=it.hops, path=[PathStep(kind=n.kind.value, key=n.key) for n in it.path],
                          weights=[round(w, 6) for w in it.weights])

    return ExpansionOut(seed=result.start.key, hops=result.hops,
                        indicators=[item(i) for i in result.indicators],
                        reports=[item(r) for r in result.reports], start_hot=result.start_hot,
                        start_allow_listed=result.start_allow_listed, truncated=result.truncated)


# --------------------------------------------------------------------------- ECharts shapes
def _categories(lang: str) -> list[dict[str, str]]:
    return [{"name": REPORT_NAME["en" if lang == "en" else "zh"]}] + [{"name": name(t, lang)} for t in TYPES]


def _node_indicator(key: str, ind: stats.StoredIndicator | None, lang: str, score: float) -> dict[str, Any]:
    kind = key.partition(":")[0]
    disp = _shown(ind, key)
    category = 1 + next((i for i, t in enumerate(TYPES) if t.value == kind), 0)
    return {"id": "i:" + key, "name": disp if len(disp) <= 28 else disp[:27] + "…",
            "title": f"{name(IndicatorType(kind), lang)}: {disp}", "category": category,
            "symbolSize": 10 + round(22 * min(1.0, score)), "value": round(score, 4), "expand": key}


def _node_report(report_id: str, label: str | None, lang: str, score: float) -> dict[str, Any]:
    title = f"#{report_id}" + (f" {name_of_label(label, lang)}" if label else "")
    return {"id": "r:" + report_id, "name": f"#{report_id}", "title": title, "category": 0,
            "symbol": "rect", "symbolSize": 8 + round(10 * min(1.0, score)), "value": round(score, 4),
            "href": f"/ui/reports/{report_id}"}


def name_of_label(label: str, lang: str) -> str:
    """Localised name of a classifier label (the label itself when it is not a known category)."""
    from lianfang.taxonomy import Category

    try:
        return name(Category(label), lang)
    except ValueError:
        return label


def expansion_echarts(
    result: Expansion, shown: dict[str, stats.StoredIndicator], labels: dict[int, tuple[str, str]], lang: str
) -> dict[str, Any]:
    """ECharts graph data (nodes, links, categories) for an expansion, with its explaining paths as links."""
    nodes: dict[str, dict[str, Any]] = {}
    links: dict[tuple[str, str], dict[str, Any]] = {}

    def node_of(ref: NodeRef, score: float) -> str:
        if ref.kind is NodeKind.INDICATOR:
            node = _node_indicator(ref.key, shown.get(ref.key), lang, score)
        else:
            node = _node_report(ref.key, labels.get(int(ref.key), ("", ""))[1] or None, lang, score)
        if node["id"] not in nodes:
            nodes[node["id"]] = node
        return str(node["id"])

    seed = node_of(result.start, 1.0)
    nodes[seed]["symbolSize"] = 36
    for it in (*result.reports, *result.indicators):
        ids = [node_of(ref, it.score if ref == it.node else 0.3) for ref in it.path]
        for a, b, w in zip(ids, ids[1:], it.weights, strict=False):
            links.setdefault((a, b), {"source": a, "target": b, "value": round(w, 4)})
    return {"nodes": list(nodes.values()), "links": list(links.values()), "categories": _categories(lang),
            "expand_url": "/api/v1/graph/expand"}


def cluster_echarts(
    engine: Correlator, cluster: Cluster, shown: dict[str, stats.StoredIndicator],
    labels: dict[int, tuple[str, str]], lang: str,
) -> dict[str, Any]:
    """ECharts graph of one cluster: its (newest) reports and the indicators at least two of them share."""
    report_ids = sorted(cluster.report_ids, reverse=True)[:CLUSTER_GRAPH_REPORTS]
    rows = engine.rows_of(report_ids)
    csr, allow, weights = engine.incidence, engine.allow_listed, engine.weights()
    per_col: dict[int, list[int]] = {}
    for rid, row in zip(report_ids, rows.tolist(), strict=True):
        for col in csr.indices[csr.indptr[row] : csr.indptr[row + 1]].tolist():
            if not allow[col]:
                per_col.setdefault(col, []).append(rid)
    nodes: list[dict[str, Any]] = [_node_report(str(r), labels.get(r, ("", ""))[1] or None, lang, 0.5)
                                   for r in report_ids]
    links: list[dict[str, Any]] = []
    for col, members in per_col.items():
        if len(members) < 2:
            continue
        key = engine.key(col)
        nodes.append(_node_indicator(key, shown.get(key), lang, float(weights[col])))
        links.extend({"source": f"r:{r}", "target": f"i:{key}", "value": round(float(weights[col]), 4)}
                     for r in members)
    return {"nodes": nodes, "links": links, "categories": _categories(lang),
            "expand_url": "/api/v1/graph/expand"}


def cluster_keys(engine: Correlator, cluster: Cluster) -> list[str]:
    """Indicator keys of a cluster's graph view (for looking up their display forms)."""
    report_ids = sorted(cluster.report_ids, reverse=True)[:CLUSTER_GRAPH_REPORTS]
    rows = engine.rows_of(report_ids)
    csr = engine.incidence
    cols = {c for row in rows.tolist() for c in csr.indices[csr.indptr[row] : csr.indptr[row + 1]].tolist()}
    return [engine.key(c) for c in cols] + [i.key for i in cluster.top_indicators]


def expansion_keys(result: Expansion) -> tuple[list[str], list[int]]:
    """Indicator keys and report ids named anywhere in an expansion (paths included)."""
    keys: set[str] = {result.start.key}
    reports: set[int] = set()
    for it in (*result.reports, *result.indicators):
        for ref in it.path:
            if ref.kind is NodeKind.INDICATOR:
                keys.add(ref.key)
            else:
                reports.add(int(ref.key))
    return sorted(keys), sorted(reports)


def clusters_out(
    clusters: tuple[Cluster, ...],
    shown: dict[str, stats.StoredIndicator],
    labels: dict[int, tuple[str, str]],
    max_ids: int = 50,
) -> list[ClusterOut]:
    """Plain JSON clusters with organisation count and dominant category of their visible reports."""
    out = []
    for c in clusters:
        orgs = {labels[r][0] for r in c.report_ids if r in labels}
        counts: dict[str, int] = {}
        for r in c.report_ids:
            if r in labels:
                counts[labels[r][1]] = counts.get(labels[r][1], 0) + 1
        harmful = {k: v for k, v in counts.items() if k not in ("benign", stats.UNCLASSIFIED)}
        pick = harmful or counts
        category = max(sorted(pick), key=pick.__getitem__) if pick else None
        out.append(ClusterOut(
            id=c.cluster_id, size=c.size, report_ids=list(c.report_ids[:max_ids]),
            newest_report=max(c.report_ids),
            orgs=len(orgs), category=category, indicator_count=c.indicator_count,
            top_indicators=[ClusterIndicatorOut(key=i.key, display=_shown(shown.get(i.key), i.key),
                                                reports=i.reports, weight=round(i.weight, 4))
                            for i in c.top_indicators]))
    return out


# --------------------------------------------------------------------------- blocking bodies (UI reuses them)
def run_expand(p: Platform, graphs: OrgGraphs, who: Principal, seed: str, hops: int, limit: int,
               fmt: str, lang: str) -> dict[str, Any]:
    """Expand `seed` in the caller's graph; plain JSON or ECharts shape. Raises NotFound, InputError."""
    engine = graphs.engine(who.org_id)
    key = resolve_seed(p, engine, seed)
    result = expand(engine, key, hops=hops, limit=limit)
    keys, report_ids = expansion_keys(result)
    with p.db.read() as session:
        shown = stats.displays(session, keys)
        labels = stats.report_labels(session, who.org_id, report_ids) if fmt == "echarts" else {}
    if fmt == "echarts":
        return expansion_echarts(result, shown, labels, lang)
    return expansion_out(result, shown).model_dump()


def run_clusters(p: Platform, graphs: OrgGraphs, who: Principal, min_size: int, limit: int,
                 newest_first: bool = False) -> list[ClusterOut]:
    """The caller's clusters (largest first, or newest first), enriched from the store."""
    engine = graphs.engine(who.org_id)
    found = list(list_clusters(engine, min_size=min_size, limit=1000 if newest_first else limit))
    if newest_first:
        found = sorted(found, key=lambda c: -max(c.report_ids))[:limit]
    ids = sorted({r for c in found for r in c.report_ids})
    with p.db.read() as session:
        shown = stats.displays(session, [i.key for c in found for i in c.top_indicators])
        labels = stats.report_labels(session, who.org_id, ids)
    return clusters_out(tuple(found), shown, labels)


def run_cluster(p: Platform, graphs: OrgGraphs, who: Principal, report_id: int, lang: str
                ) -> tuple[ClusterOut, dict[str, Any]]:
    """The caller's cluster holding `report_id` and its ECharts graph; NotFound when not visible."""
    engine = graphs.engine(who.org_id)
    cluster = cluster_of(engine, report_id)
    with p.db.read() as session:
        shown = stats.displays(session, cluster_keys(engine, cluster))
        labels = stats.report_labels(session, who.org_id, list(cluster.report_ids))
    return clusters_out((cluster,), shown, labels)[0], cluster_echarts(engine, cluster, shown, labels, lang)


def request_lang(request: Request, explicit: str | None = None) -> str:
    """"en" or "zh": an explicit parameter, else the dashboard's language cookie, else zh."""
    raw = explicit or request.cookies.get("lf_lang") or "zh"
    return "en" if raw.lower().startswith("en") else "zh"


# --------------------------------------------------------------------------- routes
@router.get("/graph/expand")
async def graph_expand(
    request: Request,
    who: Viewer,
    p: PlatformDep,
    seed: Annotated[str, Query(min_length=1, max_length=2048, description="type:value, or a raw value")],
    hops: Annotated[int, Query(ge=1, le=MAX_HOPS)] = 2,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 30,
    format: Annotated[Literal["json", "echarts"], Query()] = "json",
    lang: Annotated[str | None, Query(max_length=5)] = None,
) -> dict[str, Any]:
    """Related indicators and reports of `seed` with scores and explaining paths (the caller's data only)."""
    graphs = org_graphs(request)
    return await run_in_threadpool(run_expand, p, graphs, who, seed, hops, limit, format,
                                   request_lang(request, lang))


@router.get("/clusters", response_model=list[ClusterOut])
async def clusters(
    request: Request,
    who: Viewer,
    p: PlatformDep,
    min_size: Annotated[int, Query(ge=2, le=100_000)] = 2,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    order: Annotated[Literal["size", "newest"], Query()] = "size",
) -> list[ClusterOut]:
    """Groups of linked reports the caller may see, largest (or newest) first."""
    graphs = org_graphs(request)
    return await run_in_threadpool(run_clusters, p, graphs, who, min_size, limit, order == "newest")


@router.get("/clusters/{report_id}")
async def cluster(
    request: Request, report_id: int, who: Viewer, p: PlatformDep,
    format: Annotated[Literal["json", "echarts"], Query()] = "json",
    lang: Annotated[str | None, Query(max_length=5)] = None,
) -> dict[str, Any]:
    """The cluster holding report `report_id` (404 when the caller may not see it)."""
    if report_id < 0:
        raise NotFound("report not found or not visible")
    graphs = org_graphs(request)
    out, chart = await run_in_threadpool(run_cluster, p, graphs, who, report_id, request_lang(request, lang))
    return chart if format == "echarts" else out.model_dump()
