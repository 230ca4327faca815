"""Pydantic v2 request/response models of the HTTP API (the request body of a report is store.Submission)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from lianfang.store.ingest import Submission
from lianfang.store.reports import ReportView

__all__ = ["Submission"]


class IndicatorOut(BaseModel):
    """An indicator inside a report; personal values masked unless the caller is police."""

    type: str
    value: str
    start: int
    end: int
    role: str
    personal: bool


class ClassificationOut(BaseModel):
    """The classifier's verdict."""

    label: str | None
    scores: dict[str, Any]
    stage: str | None
    subtype: str | None
    rules: list[str]


class ReportOut(BaseModel):
    """A report as the caller may see it; `created` is false when the submission was a duplicate."""

    id: int
    org: str
    tlp: str
    source: str
    text: str
    created_at: datetime
    classification: ClassificationOut
    indicators: list[IndicatorOut]
    share_with: list[str] = Field(default_factory=list, description="AMBER list, shown to the submitter only")
    created: bool | None = None

    @classmethod
    def of(cls, view: ReportView, created: bool | None = None) -> ReportOut:
        """Build from the repository's view."""
        return cls(
            id=view.id,
            org=view.org,
            tlp=view.tlp,
            source=view.source,
            text=view.text,
            created_at=view.created_at,
            classification=ClassificationOut(
                label=view.label, scores=view.scores, stage=view.stage, subtype=view.subtype, rules=view.rules
            ),
            indicators=[
                IndicatorOut(
                    type=i.type, value=i.value, start=i.start, end=i.end, role=i.role, personal=i.personal
                )
                for i in view.indicators
            ],
            share_with=view.share_with,
            created=created,
        )


class ReportPage(BaseModel):
    """One page of GET /reports; pass `next_cursor` as `cursor` for the next page (null: last page)."""

    items: list[ReportOut]
    next_cursor: str | None


class BulkLine(BaseModel):
    """Result for one line of a bulk body: created, duplicate or error (with the reason)."""

    line: int
    status: str
    id: int | None = None
    error: str | None = None


class BulkResult(BaseModel):
    """Per-line results of POST /reports/bulk; every id listed is committed."""

    created: int
    duplicates: int
    errors: int
    lines: list[BulkLine]


class SightingOut(BaseModel):
    """A visible sighting of an indicator."""

    report_id: int
    org: str
    tlp: str
    role: str
    seen_at: datetime


class IndicatorDetail(BaseModel):
    """GET /indicators/{type}/{value}: what the caller's visible reports say about one value."""

    type: str
    value: str
    known_bad: bool
    allowlisted: bool
    confidence: int = Field(ge=0, le=100)
    category: str | None
    categories: dict[str, int]
    sightings: int
    orgs: int
    first_seen: datetime | None
    last_seen: datetime | None
    recent: list[SightingOut]


class LookupRequest(BaseModel):
    """POST /lookup body: up to Settings.lookup_max_values values, optionally all of one type."""

    values: list[str] = Field(min_length=1)
    type: str | None = Field(default=None, description="indicator type of every value (default: guess each)")


class LookupItem(BaseModel):
    """Verdict for one looked-up value; `valid` false when it is not a recognisable indicator."""

    input: str
    valid: bool
    type: str | None = None
    value: str | None = None
    known_bad: bool = False
    allowlisted: bool = False
    category: str | None = None
    confidence: int = 0
    sightings: int = 0
    orgs: int = 0


class LookupResponse(BaseModel):
    """Results in the order of the request."""

    results: list[LookupItem]


class PublicCheck(BaseModel):
    """GET /public/check: known-bad yes/no from TLP:CLEAR data only; never reports or organisations."""

    value: str
    valid: bool
    type: str | None = None
    known_bad: bool = False
    category: str | None = None
    confidence: int = 0


class AllowlistIn(BaseModel):
    """POST /allowlist body."""

    type: str
    value: str = Field(min_length=1, max_length=512)
    note: str = Field(default="", max_length=500)


class AllowlistOut(BaseModel):
    """A stored allow-list entry of the caller's organisation."""

    id: int
    type: str
    value: str
    scope: str
    source: str
    note: str


class Health(BaseModel):
    """GET /healthz."""

    status: str
    database: str
    indicators_indexed: int
