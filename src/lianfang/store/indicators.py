"""Indicator repository: what a viewer may know about stored indicators (lookup, detail, public check)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lianfang.store.access import visible_reports
from lianfang.store.allowlist import allowlisted
from lianfang.store.confidence import confidence
from lianfang.store.db import in_chunks
from lianfang.store.models import (
    ClassificationRow,
    IndicatorRow,
    Organisation,
    Report,
    Sighting,
    as_utc,
    utcnow,
)
from lianfang.store.values import SUBJECT, StoredValue

BENIGN = "benign"


@dataclass(frozen=True, slots=True)
class IndicatorSummary:
    """What the viewer's visible reports say about one indicator; never `known_bad` if allow-listed."""

    type: str
    value: str
    known_bad: bool
    allowlisted: bool
    confidence: int
    sightings: int
    orgs: int
    first_seen: datetime | None
    last_seen: datetime | None
    categories: dict[str, int] = field(default_factory=dict)

    @property
    def category(self) -> str | None:
        """The most reported non-benign category, if any."""
        harmful = {k: v for k, v in self.categories.items() if k != BENIGN}
        return max(sorted(harmful), key=harmful.__getitem__) if harmful else None


@dataclass(frozen=True, slots=True)
class SightingView:
    """One visible sighting: which report, which organisation, when, in what role."""

    report_id: int
    org: str
    tlp: str
    role: str
    seen_at: datetime


def _ids(session: Session, values: list[StoredValue]) -> dict[str, int]:
    wanted = {(v.type.value, v.value): v.key for v in values}
    found: dict[str, int] = {}
    forms = sorted({v.value for v in values})
    for part in in_chunks(forms):
        for iid, type_, value in session.execute(
            select(IndicatorRow.id, IndicatorRow.type, IndicatorRow.value).where(IndicatorRow.value.in_(part))
        ):
            key = wanted.get((type_, value))
            if key is not None:
                found[key] = iid
    return found


def summarize(
    session: Session, org_id: int | None, values: Iterable[StoredValue], now: datetime | None = None
) -> dict[str, IndicatorSummary]:
    """Summaries keyed by `StoredValue.key` for every value, counting subject sightings `org_id` may see.

    Unknown or invisible values get a summary with zero sightings (existence is never revealed).
    """
    now = now or utcnow()
    values = list({v.key: v for v in values}.values())
    ids = _ids(session, values)
    by_id = {iid: key for key, iid in ids.items()}
    # (indicator, label, org) groups; folded in Python because distinct orgs cannot be summed over labels.
    agg: dict[str, _Agg] = {}
    id_list = sorted(by_id)
    for part in in_chunks(id_list):
        rows = session.execute(
            select(
                Sighting.indicator_id,
                ClassificationRow.label,
                Sighting.org_id,
                func.count(),
                func.min(Sighting.seen_at),
                func.max(Sighting.seen_at),
                func.max(ClassificationRow.harm),
            )
            .join(Report, Report.id == Sighting.report_id)
            .outerjoin(ClassificationRow, ClassificationRow.report_id == Report.id)
            .where(
                Sighting.indicator_id.in_(part),
                Sighting.role == SUBJECT,
                visible_reports(org_id),
            )
            .group_by(Sighting.indicator_id, ClassificationRow.label, Sighting.org_id)
        )
        for iid, label, org, count, first, last, harm in rows:
            agg.setdefault(by_id[iid], _Agg()).add(
                label or BENIGN, org, count, as_utc(first), as_utc(last), float(harm or 0.0)
            )
    allowed = allowlisted(session, org_id, values)
    out: dict[str, IndicatorSummary] = {}
    for v in values:
        a = agg.get(v.key)
        listed = v.key in allowed
        if a is None:
            out[v.key] = IndicatorSummary(v.type.value, v.display, False, listed, 0, 0, 0, None, None)
            continue
        conf = 0 if listed else confidence(len(a.orgs), a.n, a.harm, a.last, now)
        out[v.key] = IndicatorSummary(
            v.type.value, v.display, not listed, listed, conf, a.n, len(a.orgs), a.first, a.last, a.cats
        )
    return out


@dataclass(slots=True)
class _Agg:
    orgs: set[int] = field(default_factory=set)
    n: int = 0
    first: datetime | None = None
    last: datetime | None = None
    harm: float = 0.0
    cats: dict[str, int] = field(default_factory=dict)

    def add(self, label: str, org: int, count: int, first: datetime, last: datetime, harm: float) -> None:
        self.orgs.add(org)
        self.n += count
        self.first = first if self.first is None or first < self.first else self.first
        self.last = last if self.last is None or last > self.last else self.last
        self.harm = max(self.harm, harm)
        self.cats[label] = self.cats.get(label, 0) + count


def sightings(
    session: Session, org_id: int | None, value: StoredValue, limit: int = 100
) -> list[SightingView]:
    """The newest visible sightings of `value` (all roles), newest first."""
    rows = session.execute(
        select(Sighting.report_id, Organisation.name, Report.tlp, Sighting.role, Sighting.seen_at)
        .join(IndicatorRow, IndicatorRow.id == Sighting.indicator_id)
        .join(Report, Report.id == Sighting.report_id)
        .join(Organisation, Organisation.id == Sighting.org_id)
        .where(
            IndicatorRow.type == value.type.value, IndicatorRow.value == value.value, visible_reports(org_id)
        )
        .order_by(Sighting.seen_at.desc(), Sighting.id.desc())
        .limit(limit)
    )
    return [SightingView(*row) for row in rows]
