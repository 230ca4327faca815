"""Report repository: one report or a filtered, cursor-paginated list, as the viewer may see them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from lianfang.errors import InputError
from lianfang.store.access import Tlp, visible_reports
from lianfang.store.models import (
    ClassificationRow,
    IndicatorRow,
    Organisation,
    Report,
    ReportShare,
    Sighting,
)
from lianfang.store.values import Secrets, unseal

MAX_PAGE = 500
# Any select, whatever its columns: `matching` only adds WHERE clauses, so the row type passes through.
AnySelect = TypeVar("AnySelect", bound=Select[*tuple[Any, ...]])


@dataclass(frozen=True, slots=True)
class IndicatorView:
    """An indicator inside a report; `value` is masked for personal data unless the viewer may unmask."""

    type: str
    value: str
    start: int
    end: int
    role: str
    personal: bool


@dataclass(frozen=True, slots=True)
class ReportView:
    """A report as one viewer may see it; `share_with` is shown to the submitter only."""

    id: int
    org: str
    tlp: str
    source: str
    text: str
    created_at: datetime
    label: str | None
    scores: dict[str, Any]
    stage: str | None
    subtype: str | None
    rules: list[str]
    indicators: list[IndicatorView] = field(default_factory=list)
    share_with: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ReportFilter:
    """Filters of a report list (GET /reports, the dashboard's list); None means "any".

    `text` is a case-insensitive substring of the stored (masked) text; `org` the submitter's name.
    """

    text: str | None = None
    category: str | None = None
    stage: str | None = None
    indicator_type: str | None = None
    tlp: str | None = None
    org: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def matching(q: AnySelect, flt: ReportFilter, cursor: int | None) -> AnySelect:
    """`q` (Report joined to Organisation and ClassificationRow) narrowed to `flt`, ids below `cursor`.

    Raises InputError for a search text over 200 characters or an unknown TLP.
    """
    if flt.text:
        needle = flt.text.strip()
        if len(needle) > 200:
            raise InputError("search text: at most 200 characters")
        if needle:
            q = q.where(Report.text.ilike(f"%{_escape_like(needle)}%", escape="\\"))
    if flt.category:
        q = q.where(ClassificationRow.label == flt.category)
    if flt.stage:
        q = q.where(ClassificationRow.stage == flt.stage)
    if flt.tlp:
        q = q.where(Report.tlp == Tlp.parse(flt.tlp).value)
    if flt.org:
        q = q.where(Organisation.name == flt.org)
    if flt.since:
        q = q.where(Report.created_at >= flt.since)
    if flt.until:
        q = q.where(Report.created_at < flt.until)
    if flt.indicator_type:
        q = q.where(
            select(Sighting.id)
            .join(IndicatorRow, IndicatorRow.id == Sighting.indicator_id)
            .where(Sighting.report_id == Report.id, IndicatorRow.type == flt.indicator_type)
            .exists()
        )
    if cursor is not None:
        q = q.where(Report.id < cursor)
    return q


def _query(org_id: int | None) -> Any:
    return (
        select(Report, Organisation.name, ClassificationRow)
        .join(Organisation, Organisation.id == Report.org_id)
        .outerjoin(ClassificationRow, ClassificationRow.report_id == Report.id)
        .where(visible_reports(org_id))
    )


def _views(
    session: Session, rows: list[Any], viewer_org: int | None, unmask: bool, secrets: Secrets
) -> list[ReportView]:
    ids = [r.id for r, _, _ in rows]
    inds: dict[int, list[IndicatorView]] = {i: [] for i in ids}
    shares: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        for rid, type_, display, personal, sealed, start, end, role in session.execute(
            select(
                Sighting.report_id,
                IndicatorRow.type,
                IndicatorRow.display,
                IndicatorRow.personal,
                IndicatorRow.sealed,
                Sighting.start,
                Sighting.end,
                Sighting.role,
            )
            .join(IndicatorRow, IndicatorRow.id == Sighting.indicator_id)
            .where(Sighting.report_id.in_(ids))
            .order_by(Sighting.report_id, Sighting.start)
        ):
            shown = unseal(secrets, sealed) if unmask and personal and sealed else display
            inds[rid].append(IndicatorView(type_, shown, start, end, role, personal))
        own = [r.id for r, _, _ in rows if r.org_id == viewer_org]
        if own:
            for rid, name in session.execute(
                select(ReportShare.report_id, Organisation.name)
                .join(Organisation, Organisation.id == ReportShare.org_id)
                .where(ReportShare.report_id.in_(own))
                .order_by(Organisation.name)
            ):
                shares[rid].append(name)
    out = []
    for report, org_name, cls in rows:
        text = unseal(secrets, report.sealed_text) if unmask and report.sealed_text else report.text
        out.append(
            ReportView(
                id=report.id,
                org=org_name,
                tlp=report.tlp,
                source=report.source,
                text=text,
                created_at=report.created_at,
                label=cls.label if cls else None,
                scores=dict(cls.scores) if cls else {},
                stage=cls.stage if cls else None,
                subtype=cls.subtype if cls else None,
                rules=list(cls.rules) if cls else [],
                indicators=inds[report.id],
                share_with=shares[report.id],
            )
        )
    return out


def get_report(
    session: Session, org_id: int | None, report_id: int, secrets: Secrets, unmask: bool = False
) -> ReportView | None:
    """Report `report_id` if `org_id` may see it, else None (callers answer 404 either way)."""
    rows = session.execute(_query(org_id).where(Report.id == report_id)).all()
    views = _views(session, list(rows), org_id, unmask, secrets)
    return views[0] if views else None


def list_reports(
    session: Session,
    org_id: int | None,
    flt: ReportFilter,
    secrets: Secrets,
    *,
    cursor: int | None = None,
    limit: int = 50,
    unmask: bool = False,
) -> tuple[list[ReportView], int | None]:
    """Visible reports matching `flt`, newest first, after `cursor`; returns (page, next cursor or None)."""
    limit = max(1, min(limit, MAX_PAGE))
    q = matching(_query(org_id), flt, cursor)
    rows = list(session.execute(q.order_by(Report.id.desc()).limit(limit + 1)).all())
    more = len(rows) > limit
    rows = rows[:limit]
    page = _views(session, rows, org_id, unmask, secrets)
    return page, (page[-1].id if more and page else None)
