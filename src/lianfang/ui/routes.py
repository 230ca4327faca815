"""The situational-awareness dashboard: server-rendered Jinja2 pages (autoescaped) under /ui/.

Mounted by `create_app(settings, extra_routers=ui_routers())`. Every page is scoped to the
logged-in organisation through the same store queries the API uses (`store.access.visible_reports`),
and the graph pages use that organisation's own correlation engine (`api.graphs.OrgGraphs`).
Login takes an API key once and sets a signed HttpOnly SameSite=Strict session cookie
(`api.session`); the only POSTs are login, logout and lookup, and they refuse a foreign Origin.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlencode, urlparse

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader
from limits import parse
from starlette.concurrency import run_in_threadpool
from starlette.staticfiles import StaticFiles

from lianfang import __version__
from lianfang.api.auth import presented_key, principal
from lianfang.api.routers.graph import (
    name_of_label,
    org_graphs,
    run_cluster,
    run_clusters,
    run_expand,
)
from lianfang.api.routers.indicators import lookup
from lianfang.api.schemas import LookupRequest
from lianfang.api.session import SESSION_COOKIE, SESSION_TTL_S, issue_session, session_principal
from lianfang.api.state import Platform
from lianfang.errors import InputError, LianfangError, NotFound, Unauthorized
from lianfang.intel.geo import province_of_phone
from lianfang.intel.graph import expand
from lianfang.store import indicators as indicator_repo
from lianfang.store import stats
from lianfang.store.accounts import Principal, verify_key
from lianfang.store.reports import ReportFilter, get_report
from lianfang.taxonomy import Category, IndicatorType, Stage, name
from lianfang.ui.messages import UI_MESSAGES

HERE = Path(__file__).parent
LANG_COOKIE = "lf_lang"
LOGIN_LIMIT = parse("20/minute")
TREND_DAYS = 60
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")

_ENV = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, auto_reload=False)
_STATIC = StaticFiles(directory=HERE / "static")


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "—"


_ENV.filters["when"] = _when

router = APIRouter(include_in_schema=False)


def ui_routers() -> list[APIRouter]:
    """The routers to pass to `create_app(..., extra_routers=...)` to serve the dashboard."""
    return [router]


# --------------------------------------------------------------------------- request context
def page_lang(request: Request) -> str:
    """"en" or "zh": ?lang= first, then the language cookie, else zh."""
    raw = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE) or "zh"
    return "en" if raw.lower().startswith("en") else "zh"


def message(key: str, lang: str, **params: object) -> str:
    """The dashboard string `key` in `lang`, with `params` filled in."""
    zh, en = UI_MESSAGES[key]
    return (en if lang == "en" else zh).format(**params)


def indicator_url(type_: str, value: str) -> str:
    """Link to an indicator page by its stored key (values may contain '/', '?', '#')."""
    return "/ui/indicator?" + urlencode({"key": f"{type_}:{value}"})


def _category_name(lang: str) -> Callable[[str | None], str]:
    def f(label: str | None) -> str:
        if not label or label == stats.UNCLASSIFIED:
            return message("unclassified", lang)
        return name_of_label(label, lang)

    return f


def _member_name(enum: type[Stage] | type[IndicatorType], lang: str) -> Callable[[str | None], str]:
    # Unknown values (old rows, new taxonomy entries) are shown as stored rather than failing the page.
    def f(raw: str | None) -> str:
        try:
            return name(enum(raw or ""), lang)
        except ValueError:
            return raw or ""

    return f


def render(
    request: Request, template: str, title: str, who: Principal | None, status: int = 200, **context: Any
) -> HTMLResponse:
    """Render `template` with the shared globals, the language cookie and the security headers."""
    lang = page_lang(request)

    def lang_query(target: str) -> str:
        params = dict(request.query_params)
        params["lang"] = target
        return urlencode(params)

    html = _ENV.get_template(template).render(
        request=request, lang=lang, title=title, principal=who, nav=context.pop("nav", ""),
        _=lambda key, **kw: message(key, lang, **kw),
        static=lambda path: f"/ui/static/{path}?v={__version__}",
        lang_query=lang_query, indicator_url=indicator_url, category_name=_category_name(lang),
        stage_name=_member_name(Stage, lang), type_name=_member_name(IndicatorType, lang), **context,
    )
    response = HTMLResponse(html, status_code=status)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    if "lang" in request.query_params:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", path="/")
    return response


def _platform(request: Request) -> Platform:
    p: Platform = request.app.state.platform
    return p


async def current_viewer(request: Request) -> Principal | None:
    """The logged-in principal (API-key header or session cookie), or None."""
    p = _platform(request)
    if presented_key(request):
        try:
            return await principal(request)
        except Unauthorized:
            return None
    return await session_principal(request, p)


class Visit(NamedTuple):
    """A logged-in page request: who asks, the platform, the page language."""

    who: Principal
    p: Platform
    lang: str


async def logged_in(request: Request) -> Visit | None:
    """The visit of a logged-in viewer, or None when the page must send them to the login form."""
    who = await current_viewer(request)
    return None if who is None else Visit(who, _platform(request), page_lang(request))


def _to_login(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse("/ui/login?" + urlencode({"next": target}), status_code=303)


def _safe_next(raw: str | None) -> str:
    # Only local dashboard paths: never an open redirect to another site.
    if raw and raw.startswith("/ui") and not raw.startswith("//") and "\\" not in raw:
        return raw
    return "/ui/"


def _same_origin(request: Request) -> bool:
    """False when a browser says the POST came from another origin (login CSRF, forced lookups)."""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    return urlparse(origin).netloc == request.headers.get("host", "")


def _error(request: Request, who: Principal | None, exc: LianfangError) -> HTMLResponse:
    lang = page_lang(request)
    if isinstance(exc, NotFound):
        return render(request, "error.html", message("not_found", lang), who, 404,
                      message=message("not_found", lang))
    status = 422 if isinstance(exc, InputError) else 400
    return render(request, "error.html", message("bad_request", lang), who, status, message=str(exc))


def _cross_origin(request: Request, who: Principal | None) -> HTMLResponse:
    lang = page_lang(request)
    return render(request, "error.html", message("bad_request", lang), who, 403,
                  message=message("cross_origin", lang))


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of a report's text: plain, or an indicator occurrence (with its stored key)."""

    text: str
    type: str | None = None
    value: str = ""
    display: str = ""


def segments(text: str, spans: list[stats.Span]) -> list[Segment]:
    """Split `text` at indicator spans (longest first at a start; overlapping spans are skipped)."""
    out: list[Segment] = []
    cursor = 0
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if span.start < cursor or not 0 <= span.start < span.end <= len(text):
            continue
        if span.start > cursor:
            out.append(Segment(text[cursor : span.start]))
        out.append(Segment(text[span.start : span.end], span.type, span.value, span.display))
        cursor = span.end
    if cursor < len(text):
        out.append(Segment(text[cursor:]))
    return out


# --------------------------------------------------------------------------- routes: entry, static, login
@router.get("/")
async def root() -> RedirectResponse:
    """The platform's front page is the dashboard."""
    return RedirectResponse("/ui/", status_code=307)


@router.get("/ui")
async def ui_root() -> RedirectResponse:
    """Canonical dashboard URL ends with a slash."""
    return RedirectResponse("/ui/", status_code=307)


@router.get("/ui/static/{path:path}")
async def static(path: str, request: Request) -> Response:
    """Vendored scripts, styles and the map; cached for a day (URLs carry the version)."""
    response = await _STATIC.get_response(path, request.scope)
    response.headers["Cache-Control"] = "public, max-age=86400"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@router.get("/ui/login")
async def login_form(request: Request) -> HTMLResponse:
    """The login form (API key)."""
    lang = page_lang(request)
    return render(request, "login.html", message("login_title", lang), None,
                  next=_safe_next(request.query_params.get("next")), error=None)


@router.post("/ui/login")
async def login(request: Request) -> Response:
    """Verify an API key once and set the session cookie; 401 with the form again when it is wrong."""
    p = _platform(request)
    lang = page_lang(request)
    if not _same_origin(request):
        return _cross_origin(request, None)
    client = request.client.host if request.client else "unknown"
    form = await request.form()
    target = _safe_next(str(form.get("next") or ""))
    if not p.limiter.hit(LOGIN_LIMIT, "ui-login", client):
        return render(request, "login.html", message("login_title", lang), None, 429, next=target,
                      error=message("too_many", lang))
    key = str(form.get("key") or "").strip()

    def verify() -> Principal | None:
        if not key or len(key) > 200:
            return None
        with p.db.read() as session:
            return verify_key(session, key)

    who = await run_in_threadpool(verify)
    if who is None:
        return render(request, "login.html", message("login_title", lang), None, 401, next=target,
                      error=message("bad_key", lang))
    response = RedirectResponse(target, status_code=303)
    secure = request.url.scheme == "https"
    response.set_cookie(SESSION_COOKIE, issue_session(p, who), max_age=SESSION_TTL_S, httponly=True,
                        samesite="strict", secure=secure, path="/")
    return response


@router.post("/ui/logout")
async def logout(request: Request) -> Response:
    """Drop the session cookie."""
    if not _same_origin(request):
        return Response(status_code=403)
    response = RedirectResponse("/ui/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response


# --------------------------------------------------------------------------- pages
@router.get("/ui/")
async def overview_page(request: Request) -> Response:
    """Overview: counts, trend, category and stage, province map, top indicators, new clusters."""
    visit = await logged_in(request)
    if visit is None:
        return _to_login(request)
    who, p, lang = visit
    graphs = org_graphs(request)

    def build() -> dict[str, Any]:
        with p.db.read() as session:
            head = stats.overview(session, who.org_id)
            series = stats.timeline(session, who.org_id, TREND_DAYS, until=head.last_report)
            cats = stats.categories(session, who.org_id)
            stgs = stats.stages(session, who.org_id)
            provs = stats.provinces(session, who.org_id)
            top = stats.top_indicators(session, who.org_id, 10)
        fresh = run_clusters(p, graphs, who, min_size=2, limit=8, newest_first=True)
        cat_name, stage_name = _category_name(lang), _member_name(Stage, lang)
        charts = {
            "trend": {"days": list(series.days), "series": [
                {"name": message("series_reports", lang), "values": list(series.reports)},
                {"name": message("series_indicators", lang), "values": list(series.new_indicators)}]},
            "category": [{"name": cat_name(b.key), "value": b.count} for b in cats],
            "stage": [{"name": stage_name(b.key), "value": b.count} for b in reversed(stgs)],
            "map": {"geojson": f"/ui/static/vendor/china.json?v={__version__}",
                    "name": message("province_map", lang),
                    "values": [{"name": x.province, "value": x.numbers, "reports": x.reports}
                               for x in provs]},
        }
        return {"stats": head, "charts": charts, "top": top, "clusters": fresh}

    try:
        context = await run_in_threadpool(build)
    except LianfangError as exc:
        return _error(request, who, exc)
    return render(request, "overview.html", message("overview_title", lang), who, nav="overview", **context)


@router.get("/ui/reports")
async def reports_page(request: Request) -> Response:
    """Report list with filters (category, stage, indicator type, sharing level) and text search."""
    visit = await logged_in(request)
    if visit is None:
        return _to_login(request)
    who, p, lang = visit
    qp = request.query_params

    def arg(name_: str) -> str | None:
        value = (qp.get(name_) or "").strip()
        return value or None

    try:
        cursor = int(qp["cursor"]) if qp.get("cursor") else None
        query = ReportFilter(text=arg("q"), category=arg("category"), stage=arg("stage"),
                             indicator_type=arg("type"), tlp=arg("tlp"))

        def build() -> tuple[list[stats.ReportRow], int | None]:
            with p.db.read() as session:
                return stats.list_report_rows(session, who.org_id, query, cursor=cursor, limit=50)

        rows, next_cursor = await run_in_threadpool(build)
    except ValueError:
        return _error(request, who, InputError("cursor must be an integer"))
    except LianfangError as exc:
        return _error(request, who, exc)
    params = {k: v for k, v in qp.items() if k != "cursor" and v}
    next_url = "/ui/reports?" + urlencode({**params, "cursor": next_cursor}) if next_cursor else None
    return render(request, "reports.html", message("reports_title", lang), who, nav="reports",
                  reports=rows, next_cursor=next_cursor, next_url=next_url, q=query.text or "",
                  category=query.category, stage=query.stage, itype=query.indicator_type, tlp=query.tlp,
                  categories=[c.value for c in Category], stages=[s.value for s in Stage],
                  types=[t.value for t in IndicatorType], tlps=["CLEAR", "GREEN", "AMBER", "RED"])


@router.get("/ui/reports/{report_id}")
async def report_page(request: Request, report_id: str) -> Response:
    """One report: its text with indicators highlighted in place (masked unless the role may unmask)."""
    visit = await logged_in(request)
    if visit is None:
        return _to_login(request)
    who, p, lang = visit
    if not report_id.isdigit() or len(report_id) > 18:
        return _error(request, who, NotFound("no such report"))
    rid = int(report_id)

    def build() -> dict[str, Any] | None:
        with p.db.read() as session:
            view = get_report(session, who.org_id, rid, p.secrets, unmask=who.sees_personal_data)
            if view is None:
                return None
            spans = stats.report_spans(session, who.org_id, rid)
        segs = segments(view.text, spans)
        rows = [{"type": s.type, "value": s.value, "display": s.display, "raw": view.text[s.start : s.end],
                 "role": s.role} for s in spans if 0 <= s.start < s.end <= len(view.text)]
        return {"report": view, "segments": segs, "indicators": rows}

    context = await run_in_threadpool(build)
    if context is None:
        return _error(request, who, NotFound("no such report"))
    title = message("report_title", lang, id=rid)
    return render(request, "report.html", title, who, nav="reports", **context)


@router.get("/ui/indicator")
async def indicator_page(request: Request) -> Response:
    """One indicator: sightings, organisations, confidence, timeline, related (expansion)."""
    visit = await logged_in(request)
    if visit is None:
        return _to_login(request)
    who, p, lang = visit
    graphs = org_graphs(request)
    key = request.query_params.get("key", "")
    kind, _, value = key.partition(":")
    if kind not in {t.value for t in IndicatorType} or not value or len(key) > 2048:
        return _error(request, who, NotFound("no such indicator"))

    def build() -> dict[str, Any] | None:
        with p.db.read() as session:
            ind = stats.find_indicator(session, who.org_id, kind, value)
            if ind is None:
                return None
            summary = indicator_repo.summarize(session, who.org_id, [ind.stored_value()])[ind.key]
            seen = stats.indicator_sightings(session, who.org_id, ind.id, limit=100)
            until = summary.last_seen or (seen[0].seen_at if seen else None)
            series = stats.timeline(session, who.org_id, TREND_DAYS, until=until,
                                    indicator_id=ind.id) if seen else None
        related: list[dict[str, Any]] = []
        try:
            engine = graphs.engine(who.org_id)
            result = expand(engine, ind.key, hops=2, limit=15)
        except NotFound:
            result = None  # only seen as a victim's number: not part of the link graph
        if result is not None:
            with p.db.read() as session:
                shown = stats.displays(session, [i.node.key for i in result.indicators])
            for it in result.indicators:
                other = shown.get(it.node.key)
                k, _, v = it.node.key.partition(":")
                path = " → ".join(
                    f"#{n.key}" if n.kind.value == "report"
                    else (shown[n.key].display if n.key in shown else n.key.partition(":")[2])
                    for n in it.path[1:])
                related.append({"type": k, "value": v, "display": other.display if other else v,
                                "score": it.score, "path": path})
        charts: dict[str, Any] = {}
        if series is not None:
            charts["timeline"] = {"days": list(series.days), "series": [
                {"name": message("series_reports", lang), "values": list(series.reports)}]}
        province = province_of_phone(ind.value) if ind.type == "phone" and not ind.personal else None
        return {"ind": ind, "summary": summary, "sightings": seen, "related": related, "charts": charts,
                "province": province, "seed": ind.key}

    try:
        context = await run_in_threadpool(build)
    except LianfangError as exc:
        return _error(request, who, exc)
    if context is None:
        return _error(request, who, NotFound("no such indicator"))
    title = message("indicator_title", lang, value=context["ind"].display)
    return render(request, "indicator.html", title, who, nav="reports", **context)


@router.get("/ui/clusters")
async def clusters_page(request: Request) -> Response:
    """The organisation's clusters of linked reports, largest first."""
    visit = await logged_in(request)
    if visit is None:
        return _to_login(request)
    who, p, lang = visit
    graphs = org_graphs(request)
    try:
        found = await run_in_threadpool(run_clusters, p, graphs, who, 2, 100)
    except LianfangError as exc:
        return _error(request, who, exc)
    return render(request, "clusters.html", message("clusters_title", lang), who, nav="clusters",
                  clusters=found)


@router.get("/ui/graph")
async def graph_page(request: Request) -> Response:
    """Graph view: a cluster (?cluster=report id) or an expansion from a seed (?seed=type:value)."""
    visit = await logged_in(request)
    if visit is None:
        return _to_login(request)
    who, p, lang = visit
    graphs = org_graphs(request)
    seed = (request.query_params.get("seed") or "").strip()
    cluster_arg = (request.query_params.get("cluster") or "").strip()

    def build() -> dict[str, Any]:
        if seed:
            if len(seed) > 2048:
                raise InputError("seed: at most 2048 characters")
            return {"chart": run_expand(p, graphs, who, seed, 2, 30, "echarts", lang), "cluster": None}
        if cluster_arg:
            if not cluster_arg.isdigit() or len(cluster_arg) > 18:
                raise NotFound("no such cluster")
            info, chart = run_cluster(p, graphs, who, int(cluster_arg), lang)
            return {"chart": chart, "cluster": info}
        biggest = run_clusters(p, graphs, who, 2, 1)
        if not biggest:
            return {"chart": None, "cluster": None}
        info, chart = run_cluster(p, graphs, who, biggest[0].id, lang)
        return {"chart": chart, "cluster": info}

    try:
        built = await run_in_threadpool(build)
    except NotFound:
        built = {"chart": None, "cluster": None, "missing": True}
    except LianfangError as exc:
        return _error(request, who, exc)
    charts = {"graph": built["chart"]} if built["chart"] else {}
    return render(request, "graph.html", message("graph_title", lang), who, nav="graph", charts=charts,
                  seed=seed, cluster=built["cluster"], missing=built.get("missing", False))


def _lookup_view(request: Request, who: Principal, lang: str, values: str, status: int = 200,
                 results: list[dict[str, Any]] | None = None, error: str | None = None) -> HTMLResponse:
    return render(request, "lookup.html", message("lookup_title", lang), who, status, nav="lookup",
                  results=results, values=values, error=error)


@router.get("/ui/lookup")
async def lookup_form(request: Request) -> Response:
    """The bulk lookup form."""
    visit = await logged_in(request)
    if visit is None:
        return _to_login(request)
    who, _, lang = visit
    return _lookup_view(request, who, lang, "")


@router.post("/ui/lookup")
async def lookup_page(request: Request) -> Response:
    """Check many pasted values through the same path as POST /api/v1/lookup."""
    visit = await logged_in(request)
    if visit is None:
        return _to_login(request)
    who, p, lang = visit
    if not _same_origin(request):
        return _cross_origin(request, who)
    form = await request.form()
    raw = str(form.get("values") or "")
    values = [line.strip() for line in raw.splitlines() if line.strip()]
    if not values:
        return _lookup_view(request, who, lang, raw, 422, error=message("lookup_empty", lang))
    try:
        answer, keys = await lookup(LookupRequest(values=values), who, p)
    except LianfangError as exc:
        return _lookup_view(request, who, lang, raw, 422, error=str(exc))
    results: list[dict[str, Any]] = []
    for item, sv in zip(answer.results, keys, strict=True):
        results.append({"input": item.input, "type": item.type, "display": item.value or "",
                        "value": sv.value if sv else "", "known_bad": item.known_bad,
                        "allowlisted": item.allowlisted, "category": item.category,
                        "confidence": item.confidence, "sightings": item.sightings, "orgs": item.orgs})
    return _lookup_view(request, who, lang, raw, results=results)
