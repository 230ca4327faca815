"""Queries behind the dashboard and /api/v1/stats: counts, day series, breakdowns, map, top lists.

Every query is scoped by `access.visible_reports(org_id)`: what an organisation cannot see does not
count, not even as a number. Only SUBJECT sightings count as indicators (a victim's phone is
evidence of harm done to them, not a contact of the offender). Day buckets use SQL `date(...)`,
which SQLite and PostgreSQL both have, so one code path serves both backends; days are UTC.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, distinct, func, select
from sqlalchemy.orm import Session

from lianfang.errors import InputError
from lianfang.intel.geo import province_of_phone
from lianfang.store.access import visible_reports
from lianfang.store.allowlist import allowlisted
from lianfang.store.db import in_chunks
from lianfang.store.models import (
    AllowlistEntry,
    ClassificationRow,
    IndicatorRow,
    Organisation,
    Report,
    Sighting,
    as_utc,
    utcnow,
)
from lianfang.store.reports import ReportFilter, matching
from lianfang.store.values import SUBJECT, StoredValue
from lianfang.taxonomy import IndicatorType

MAX_DAYS = 366
MAX_TOP = 200
MAX_LIST = 200
UNCLASSIFIED = "unclassified"


# --------------------------------------------------------------------------- result types
@dataclass(frozen=True, slots=True)
class Overview:
    """Headline counts of what one organisation may see."""

    reports: int
    indicators: int
    organisations: int
    last_7_days: int
    first_report: datetime | None
    last_report: datetime | None


@dataclass(frozen=True, slots=True)
class DaySeries:
    """Per-day counts from `days[0]` to `days[-1]` (ISO dates, UTC, no gaps)."""

    days: tuple[str, ...]
    reports: tuple[int, ...]
    new_indicators: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Bucket:
    """One slice of a breakdown: a key (category, stage, province, …) and its count."""

    key: str
    count: int


@dataclass(frozen=True, slots=True)
class ProvinceCount:
    """Distinct phone numbers (and the reports naming them) whose number block lies in `province`."""

    province: str
    numbers: int
    reports: int


@dataclass(frozen=True, slots=True)
class TopIndicator:
    """An indicator by the number of visible reports naming it; `value` is the stored form."""

    id: int
    type: str
    value: str
    display: str
    personal: bool
    reports: int
    orgs: int
    last_seen: datetime


@dataclass(frozen=True, slots=True)
class ReportRow:
    """A report as a list row: no indicators, a text snippet (masked text as stored)."""

    id: int
    created_at: datetime
    tlp: str
    org: str
    source: str
    label: str | None
    stage: str | None
    snippet: str


@dataclass(frozen=True, slots=True)
class StoredIndicator:
    """One row of the indicator table, as the dashboard needs it."""

    id: int
    type: str
    value: str
    display: str
    personal: bool

    @property
    def key(self) -> str:
        """ "type:value" — the key the lookup index and the correlation engine use."""
        return f"{self.type}:{self.value}"

    def stored_value(self) -> StoredValue:
        """The store's `StoredValue` for repository calls (`canonical` is the display for personal data)."""
        return StoredValue(IndicatorType(self.type), self.value, self.display, self.personal, self.display)


@dataclass(frozen=True, slots=True)
class SightingRow:
    """One visible sighting with the report's organisation, sharing level and category."""

    report_id: int
    org: str
    tlp: str
    role: str
    seen_at: datetime
    label: str | None


@dataclass(frozen=True, slots=True)
class Span:
    """An indicator's position in a report's original text (offsets into the stored text)."""

    start: int
    end: int
    type: str
    value: str
    display: str
    personal: bool
    role: str


# --------------------------------------------------------------------------- helpers
def _day(value: date | datetime | str) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)[:10]


def _visible_subject_sightings() -> Any:
    """FROM sightings JOIN reports, to be completed with `.where(visible_reports(org))`."""
    return Sighting.__table__.join(Report.__table__, Report.id == Sighting.report_id)


def _window(days: int, until: datetime | None) -> tuple[datetime, datetime, list[str]]:
    if not 1 <= days <= MAX_DAYS:
        raise InputError(f"days must be 1–{MAX_DAYS}")
    end_day = (until or utcnow()).astimezone(UTC).date()
    first_day = end_day - timedelta(days=days - 1)
    start = datetime.combine(first_day, datetime.min.time(), tzinfo=UTC)
    stop = datetime.combine(end_day + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    labels = [(first_day + timedelta(days=i)).isoformat() for i in range(days)]
    return start, stop, labels


# --------------------------------------------------------------------------- overview
def overview(session: Session, org_id: int | None, now: datetime | None = None) -> Overview:
    """Headline counts for `org_id` (None: the public): reports, indicators, organisations, last 7 days."""
    now = now or utcnow()
    vis = visible_reports(org_id)
    n, orgs, first, last = session.execute(
        select(func.count(), func.count(distinct(Report.org_id)), func.min(Report.created_at),
               func.max(Report.created_at)).where(vis)
    ).one()
    recent = session.scalar(
        select(func.count()).select_from(Report).where(vis, Report.created_at >= now - timedelta(days=7))
    )
    indicators = session.scalar(
        select(func.count(distinct(Sighting.indicator_id)))
        .select_from(_visible_subject_sightings())
        .where(vis, Sighting.role == SUBJECT)
    )
    return Overview(int(n), int(indicators or 0), int(orgs), int(recent or 0), as_utc(first), as_utc(last))


def timeline(
    session: Session, org_id: int | None, days: int = 90, until: datetime | None = None,
    indicator_id: int | None = None,
) -> DaySeries:
    """Visible reports per day and indicators first seen per day over the `days` days ending `until`.

    With `indicator_id`, counts only reports naming that indicator (and its own first sighting).
    Raises InputError when `days` is outside 1–366.
    """
    start, stop, labels = _window(days, until)
    vis = visible_reports(org_id)
    report_q: Select[Any]
    if indicator_id is None:
        report_q = select(func.date(Report.created_at), func.count()).where(vis)
    else:
        report_q = (
            select(func.date(Report.created_at), func.count(distinct(Report.id)))
            .select_from(_visible_subject_sightings())
            .where(vis, Sighting.indicator_id == indicator_id)
        )
    report_q = report_q.where(Report.created_at >= start, Report.created_at < stop).group_by(
        func.date(Report.created_at)
    )
    per_day = {_day(d): int(c) for d, c in session.execute(report_q)}
    first_seen = (
        select(Sighting.indicator_id, func.min(Sighting.seen_at).label("first"))
        .select_from(_visible_subject_sightings())
        .where(vis, Sighting.role == SUBJECT)
        .group_by(Sighting.indicator_id)
    )
    if indicator_id is not None:
        first_seen = first_seen.where(Sighting.indicator_id == indicator_id)
    sub = first_seen.subquery()
    new_q = (
        select(func.date(sub.c.first), func.count())
        .where(sub.c.first >= start, sub.c.first < stop)
        .group_by(func.date(sub.c.first))
    )
    new = {_day(d): int(c) for d, c in session.execute(new_q)}
    return DaySeries(
        tuple(labels), tuple(per_day.get(d, 0) for d in labels), tuple(new.get(d, 0) for d in labels)
    )


def categories(session: Session, org_id: int | None) -> list[Bucket]:
    """Visible reports per classifier label, largest first (`unclassified` for reports without one)."""
    rows = session.execute(
        select(ClassificationRow.label, func.count())
        .select_from(Report)
        .outerjoin(ClassificationRow, ClassificationRow.report_id == Report.id)
        .where(visible_reports(org_id))
        .group_by(ClassificationRow.label)
    )
    out = [Bucket(label or UNCLASSIFIED, int(n)) for label, n in rows]
    return sorted(out, key=lambda b: (-b.count, b.key))


def stages(session: Session, org_id: int | None) -> list[Bucket]:
    """Visible reports per black/gray-industry chain stage, largest first (reports with no stage left out)."""
    rows = session.execute(
        select(ClassificationRow.stage, func.count())
        .join(Report, Report.id == ClassificationRow.report_id)
        .where(visible_reports(org_id), ClassificationRow.stage.is_not(None))
        .group_by(ClassificationRow.stage)
    )
    return sorted((Bucket(str(stage), int(n)) for stage, n in rows), key=lambda b: (-b.count, b.key))


def provinces(session: Session, org_id: int | None) -> list[ProvinceCount]:
    """Distinct visible subject phone numbers per province (number-block location), largest first.

    Personal (victim) numbers are stored hashed and never counted; numbers outside mainland
    number plans or without a known block are left out.
    """
    rows = session.execute(
        select(IndicatorRow.value, func.count(distinct(Sighting.report_id)))
        .select_from(_visible_subject_sightings())
        .join(IndicatorRow, IndicatorRow.id == Sighting.indicator_id)
        .where(
            visible_reports(org_id),
            Sighting.role == SUBJECT,
            IndicatorRow.type == IndicatorType.PHONE.value,
            IndicatorRow.personal.is_(False),
        )
        .group_by(IndicatorRow.value)
    )
    numbers: dict[str, int] = {}
    reports: dict[str, int] = {}
    for value, n in rows:
        place = province_of_phone(value)
        if place is None:
            continue
        numbers[place] = numbers.get(place, 0) + 1
        reports[place] = reports.get(place, 0) + int(n)
    return sorted(
        (ProvinceCount(p, numbers[p], reports[p]) for p in numbers), key=lambda x: (-x.numbers, x.province)
    )


def top_indicators(
    session: Session, org_id: int | None, limit: int = 20, indicator_type: str | None = None
) -> list[TopIndicator]:
    """Indicators named by the most visible reports (allow-listed values left out), most first.

    Raises InputError for limit outside 1–200 or an unknown type.
    """
    if not 1 <= limit <= MAX_TOP:
        raise InputError(f"limit must be 1–{MAX_TOP}")
    if indicator_type is not None and indicator_type not in {t.value for t in IndicatorType}:
        raise InputError(f"unknown indicator type {indicator_type!r}")
    n_reports = func.count(distinct(Sighting.report_id)).label("n")
    q = (
        select(Sighting.indicator_id, n_reports, func.count(distinct(Sighting.org_id)),
               func.max(Sighting.seen_at))
        .select_from(_visible_subject_sightings())
        .where(visible_reports(org_id), Sighting.role == SUBJECT)
        .group_by(Sighting.indicator_id)
        .order_by(n_reports.desc(), Sighting.indicator_id)
    )
    if indicator_type is not None:
        q = q.join(IndicatorRow, IndicatorRow.id == Sighting.indicator_id).where(
            IndicatorRow.type == indicator_type
        )
    # Fetch extra rows: allow-listed values (hotlines, big platforms) are dropped after the query.
    counted = list(session.execute(q.limit(limit * 3 + 10)))
    found = _indicators_by_id(session, [r[0] for r in counted])
    listed = allowlisted(session, org_id, [s.stored_value() for s in found.values()])
    out: list[TopIndicator] = []
    for iid, n, orgs, last in counted:
        ind = found[iid]
        if ind.key in listed:
            continue
        out.append(TopIndicator(iid, ind.type, ind.value, ind.display, ind.personal, int(n), int(orgs),
                                as_utc(last) or utcnow()))
        if len(out) == limit:
            break
    return out


# --------------------------------------------------------------------------- report list and page
def list_report_rows(
    session: Session, org_id: int | None, query: ReportFilter, *, cursor: int | None = None,
    limit: int = 50, snippet_chars: int = 160,
) -> tuple[list[ReportRow], int | None]:
    """Visible reports matching `query`, newest id first, after `cursor`; returns (rows, next cursor).

    Text search is a case-insensitive substring match over the stored (masked) text. Raises
    InputError for a limit outside 1–200, a search string over 200 characters or a bad TLP.
    """
    if not 1 <= limit <= MAX_LIST:
        raise InputError(f"limit must be 1–{MAX_LIST}")
    q = (
        select(Report.id, Report.created_at, Report.tlp, Organisation.name, Report.source,
               ClassificationRow.label, ClassificationRow.stage, func.substr(Report.text, 1, snippet_chars))
        .join(Organisation, Organisation.id == Report.org_id)
        .outerjoin(ClassificationRow, ClassificationRow.report_id == Report.id)
        .where(visible_reports(org_id))
    )
    rows = list(session.execute(matching(q, query, cursor).order_by(Report.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    out = [
        ReportRow(int(i), as_utc(at) or utcnow(), tlp, org, source, label, stage, snippet or "")
        for i, at, tlp, org, source, label, stage, snippet in rows[:limit]
    ]
    return out, (out[-1].id if more and out else None)


def report_spans(session: Session, org_id: int | None, report_id: int) -> list[Span]:
    """Indicator spans of a visible report, by start offset (empty when it is not visible)."""
    rows = session.execute(
        select(Sighting.start, Sighting.end, IndicatorRow.type, IndicatorRow.value, IndicatorRow.display,
               IndicatorRow.personal, Sighting.role)
        .join(IndicatorRow, IndicatorRow.id == Sighting.indicator_id)
        .join(Report, Report.id == Sighting.report_id)
        .where(Sighting.report_id == report_id, visible_reports(org_id))
        .order_by(Sighting.start, Sighting.end.desc())
    )
    return [Span(*row) for row in rows]


# --------------------------------------------------------------------------- indicators
def _indicators_by_id(session: Session, ids: Sequence[int]) -> dict[int, StoredIndicator]:
    out: dict[int, StoredIndicator] = {}
    for part in in_chunks(ids):
        for row in session.execute(
            select(IndicatorRow.id, IndicatorRow.type, IndicatorRow.value, IndicatorRow.display,
                   IndicatorRow.personal).where(IndicatorRow.id.in_(part))
        ):
            out[row[0]] = StoredIndicator(*row)
    return out


def find_indicator(session: Session, org_id: int | None, type_: str, value: str) -> StoredIndicator | None:
    """The stored indicator (type, stored value) if at least one visible report names it, else None."""
    row = session.execute(
        select(IndicatorRow.id, IndicatorRow.type, IndicatorRow.value, IndicatorRow.display,
               IndicatorRow.personal)
        .where(IndicatorRow.type == type_, IndicatorRow.value == value)
        .where(
            select(Sighting.id)
            .join(Report, Report.id == Sighting.report_id)
            .where(Sighting.indicator_id == IndicatorRow.id, visible_reports(org_id))
            .exists()
        )
    ).first()
    return StoredIndicator(*row) if row else None


def displays(session: Session, keys: Iterable[str]) -> dict[str, StoredIndicator]:
    """Stored indicators for "type:value" keys (unknown keys are left out)."""
    wanted: dict[str, set[str]] = {}
    for key in keys:
        kind, _, value = key.partition(":")
        wanted.setdefault(kind, set()).add(value)
    out: dict[str, StoredIndicator] = {}
    for kind, values in wanted.items():
        ordered = sorted(values)
        for part in in_chunks(ordered):
            for row in session.execute(
                select(IndicatorRow.id, IndicatorRow.type, IndicatorRow.value, IndicatorRow.display,
                       IndicatorRow.personal)
                .where(IndicatorRow.type == kind, IndicatorRow.value.in_(part))
            ):
                ind = StoredIndicator(*row)
                out[ind.key] = ind
    return out


def indicator_sightings(
    session: Session, org_id: int | None, indicator_id: int, limit: int = 100
) -> list[SightingRow]:
    """The newest visible sightings of one indicator (all roles) with organisation and category."""
    rows = session.execute(
        select(Sighting.report_id, Organisation.name, Report.tlp, Sighting.role, Sighting.seen_at,
               ClassificationRow.label)
        .join(Report, Report.id == Sighting.report_id)
        .join(Organisation, Organisation.id == Sighting.org_id)
        .outerjoin(ClassificationRow, ClassificationRow.report_id == Report.id)
        .where(Sighting.indicator_id == indicator_id, visible_reports(org_id))
        .order_by(Sighting.seen_at.desc(), Sighting.id.desc())
        .limit(limit)
    )
    return [SightingRow(r, o, t, role, as_utc(at) or utcnow(), label) for r, o, t, role, at, label in rows]


def report_labels(
    session: Session, org_id: int | None, report_ids: Sequence[int]
) -> dict[int, tuple[str, str]]:
    """(organisation name, label) of each visible report among `report_ids`."""
    out: dict[int, tuple[str, str]] = {}
    for part in in_chunks(report_ids):
        for rid, org, label in session.execute(
            select(Report.id, Organisation.name, ClassificationRow.label)
            .join(Organisation, Organisation.id == Report.org_id)
            .outerjoin(ClassificationRow, ClassificationRow.report_id == Report.id)
            .where(Report.id.in_(part), visible_reports(org_id))
        ):
            out[int(rid)] = (org, label or UNCLASSIFIED)
    return out


# --------------------------------------------------------------------------- correlation feed
@dataclass(frozen=True, slots=True)
class Watermark:
    """How far the stored data has grown: newest sighting id and newest allow-list entry id."""

    sighting: int
    allowlist: int


def watermark(session: Session) -> Watermark:
    """The current watermarks (two primary-key MAX lookups: cheap enough to ask on every request)."""
    s = session.scalar(select(func.max(Sighting.id))) or 0
    a = session.scalar(select(func.max(AllowlistEntry.id))) or 0
    return Watermark(int(s), int(a))


def correlation_rows(
    session: Session, org_id: int | None, after_sighting: int = 0, upto_sighting: int | None = None
) -> list[tuple[int, str, str, bool]]:
    """Rows for `intel.source.batch_from_rows` from the subject sightings `org_id` may see.

    Each row is (report id, indicator type, stored value, allow-listed for this organisation);
    only sightings with `after_sighting < id ≤ upto_sighting` are returned.
    """
    q = (
        select(Sighting.report_id, IndicatorRow.id, IndicatorRow.type, IndicatorRow.value,
               IndicatorRow.display, IndicatorRow.personal)
        .select_from(_visible_subject_sightings())
        .join(IndicatorRow, IndicatorRow.id == Sighting.indicator_id)
        .where(visible_reports(org_id), Sighting.role == SUBJECT, Sighting.id > after_sighting)
        .order_by(Sighting.id)
    )
    if upto_sighting is not None:
        q = q.where(Sighting.id <= upto_sighting)
    rows = list(session.execute(q))
    inds = {iid: StoredIndicator(iid, t, v, d, p) for _, iid, t, v, d, p in rows}
    listed = allowlisted(session, org_id, [i.stored_value() for i in inds.values()])
    return [(int(rid), t, v, f"{t}:{v}" in listed) for rid, _, t, v, _, _ in rows]
