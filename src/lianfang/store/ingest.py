"""Report intake: the one call into the pure pipeline, and chunked, deduplicated bulk inserts.

Dedup rule: the same text (SHA-256 of its UTF-8 bytes) submitted again by the SAME organisation
returns the existing report unchanged (its first sharing level stands). The same text from a
DIFFERENT organisation is a new report: each organisation decides how its own submission is
shared, and a second organisation seeing the same text is independent corroboration that
confidence counts.

A chunk is one transaction; a result is returned only after its chunk committed.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

import psycopg
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import Insert, Table, select
from sqlalchemy import text as sql_text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lianfang.errors import InputError
from lianfang.indicators.canonical import canonicalize
from lianfang.pipeline_pool import PipelinePool
from lianfang.store import audit
from lianfang.store.access import Tlp
from lianfang.store.accounts import org_ids
from lianfang.store.db import Database, in_chunks
from lianfang.store.models import (
    ClassificationRow,
    IndicatorRow,
    Organisation,
    Report,
    ReportShare,
    Sighting,
    utcnow,
)
from lianfang.store.values import SUBJECT, VICTIM, Secrets, StoredValue, mask, seal, stored
from lianfang.taxonomy import PERSONAL_TYPES, IndicatorType

if TYPE_CHECKING:
    from lianfang.pipeline import Analysis

MAX_TEXT_CHARS = 100_000
log = logging.getLogger(__name__)


def analyze_reports(texts: Sequence[str]) -> list[Analysis]:
    """The platform's single call into the pure pipeline, one batch per chunk (swap it here only)."""
    from lianfang.pipeline import analyze_many

    return analyze_many(texts)


class Submission(BaseModel):
    """One report as submitted (API body, one JSONL line, one imported line)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS, description="raw report text")
    source: str = Field(default="api", max_length=100, description="source channel (app, hotline, crawler…)")
    tlp: Tlp = Field(default=Tlp.GREEN, description="sharing level CLEAR/GREEN/AMBER/RED")
    share_with: list[str] = Field(
        default_factory=list,
        max_length=100,
        description="AMBER: names of the organisations it is shared with",
    )
    victim_phones: list[str] = Field(
        default_factory=list,
        max_length=100,
        description="phones in the text that belong to the victim (stored hashed)",
    )
    observed_at: datetime | None = Field(default=None, description="when it was seen (default: now)")

    @field_validator("tlp", mode="before")
    @classmethod
    def _tlp(cls, raw: Any) -> Any:
        try:
            return Tlp.parse(raw) if isinstance(raw, str) else raw
        except InputError as exc:
            raise ValueError(str(exc)) from None  # pydantic reports ValueErrors with the field name

    @field_validator("victim_phones")
    @classmethod
    def _phones(cls, value: list[str]) -> list[str]:
        for raw in value:
            if canonicalize(raw, IndicatorType.PHONE) is None:
                raise ValueError(f"{raw!r} is not a phone number")
        return value

    @field_validator("observed_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("observed_at needs a time zone (e.g. 2024-05-01T12:00:00+08:00)")
        return value


class IndicatorIndex(Protocol):
    """What the ingestor tells an in-memory lookup index (intel.lookup.LookupIndex) after each commit."""

    def add_many(self, keys: Iterable[str]) -> None:
        """Indicators with these "type:value" keys just got committed sightings."""


@dataclass(frozen=True, slots=True)
class IngestResult:
    """Outcome for one submission; `analysis` is set only when the report was created now."""

    report_id: int
    created: bool
    analysis: Analysis | None = None


@dataclass(frozen=True, slots=True)
class Ahead:
    """Analyses of a chunk's new texts, running in the pipeline pool (see `Ingestor.analyze_ahead`)."""

    texts: tuple[str, ...]
    future: Future[list[Analysis]]

    def analyses(self) -> dict[str, Analysis] | None:
        """Block until done; text -> Analysis, or None when the worker failed (analyse in-process then)."""
        try:
            return dict(zip(self.texts, self.future.result(), strict=True))
        except Exception:  # a dead worker (BrokenProcessPool) or a pipeline bug: fall back, same result
            log.exception("pipeline pool failed; analysing this chunk in-process")
            return None


@dataclass(slots=True)
class Ingestor:
    """Writes submissions in chunked transactions and tells the lookup index what was committed.

    With a `pool`, `analyze_ahead` runs the pure pipeline for a chunk in worker processes while
    the caller commits the previous chunk; `ingest(..., ahead=...)` then only stores.
    """

    db: Database
    secrets: Secrets
    index: IndicatorIndex | None = None
    pool: PipelinePool | None = None
    _orgs: set[str] = field(default_factory=set)

    def analyze_ahead(self, org_id: int, subs: Sequence[Submission]) -> Ahead | None:
        """Start analysing, in the pool, the texts of `subs` that `ingest` will store for `org_id`.

        Texts this organisation already stored are skipped (one indexed read), so re-imports cost
        no analysis. Returns None when the pool would not help (no pool or a small chunk); `ingest` then
        analyses in-process exactly as without a pool.
        """
        if self.pool is None or len(subs) < self.pool.min_batch:
            return None
        hashes = {hashlib.sha256(s.text.encode()).hexdigest(): s.text for s in subs}
        with self.db.read() as session:
            stored = self._existing(session, org_id, list(hashes))
        texts = tuple(t for h, t in hashes.items() if h not in stored)
        future = self.pool.submit(texts)
        return Ahead(texts, future) if future is not None else None

    def unknown_shares(self, sub: Submission) -> list[str]:
        """Names in `sub.share_with` that are not organisations (checked before a chunk is written)."""
        if sub.tlp is not Tlp.AMBER or not sub.share_with:
            return []
        missing = [n for n in sub.share_with if n not in self._orgs]
        if missing:
            with self.db.read() as session:
                self._orgs = set(session.scalars(select(Organisation.name)))
            missing = [n for n in sub.share_with if n not in self._orgs]
        return missing

    def ingest(
        self,
        org_id: int,
        user_id: int | None,
        subs: Sequence[Submission],
        extra: Callable[[Session], None] | None = None,
        ahead: Ahead | None = None,
    ) -> list[IngestResult]:
        """Store `subs` in ONE transaction and return a result per submission, in order.

        `extra` runs inside the same transaction (the importer records its progress there).
        `ahead` (from `analyze_ahead` for the same `subs`) supplies analyses computed in the pool;
        texts it lacks are analysed here. Waiting for it happens before the transaction opens.
        Raises InputError when a share list names an unknown organisation (nothing is stored).
        """
        known = (ahead.analyses() if ahead is not None else None) or {}
        for attempt in range(3):
            try:
                with self.db.write.begin() as session:
                    results, keys = self._write(session, org_id, user_id, subs, known)
                    if extra is not None:
                        extra(session)
                break
            except IntegrityError:
                # A concurrent writer inserted one of our texts or indicators first; the retry finds it.
                if attempt == 2:
                    raise
        if self.index is not None and keys:
            self.index.add_many(keys)
        return results

    def _existing(self, session: Session, org_id: int, hashes: Iterable[str]) -> dict[str, int]:
        """content hash -> report id of the reports `org_id` already stored with those hashes."""
        existing: dict[str, int] = {}
        for part in in_chunks(sorted(set(hashes))):
            rows = session.execute(
                select(Report.content_hash, Report.id).where(
                    Report.org_id == org_id, Report.content_hash.in_(part)
                )
            )
            existing.update((h, i) for h, i in rows)
        return existing

    def _write(
        self,
        session: Session,
        org_id: int,
        user_id: int | None,
        subs: Sequence[Submission],
        known: Mapping[str, Analysis],
    ) -> tuple[list[IngestResult], list[str]]:
        hashes = [hashlib.sha256(s.text.encode()).hexdigest() for s in subs]
        existing = self._existing(session, org_id, hashes)
        share_names = sorted({n for s in subs if s.tlp is Tlp.AMBER for n in s.share_with})
        share_ids = org_ids(session, share_names)

        new: dict[str, int] = {}  # hash -> position in `subs` of its first occurrence
        for pos, h in enumerate(hashes):
            if h not in existing and h not in new:
                new[h] = pos
        now = utcnow()
        texts = [subs[pos].text for pos in new.values()]
        missing = [t for t in texts if t not in known]
        computed: list[Analysis] = []
        if missing:  # with a pool, the server process never needs to load the model itself
            computed = analyze_reports(missing)
        fresh = dict(zip(missing, computed, strict=True))
        analyses = [known[t] if t in known else fresh[t] for t in texts]
        prepared = [self._prepare(subs[pos], a) for pos, a in zip(new.values(), analyses, strict=True)]
        report_rows = [
            {
                "org_id": org_id,
                "tlp": subs[pos].tlp.value,
                "source": subs[pos].source,
                "text": p.text,
                "sealed_text": p.sealed_text,
                "content_hash": h,
                "created_at": subs[pos].observed_at or now,
            }
            for (h, pos), p in zip(new.items(), prepared, strict=True)
        ]
        ids = _insert_reports(session, report_rows)
        created = dict(zip(new, ids, strict=True))

        keys = self._store_indicators(session, org_id, created, prepared, report_rows)
        _insert_rows(
            session,
            ClassificationRow,
            [
                {
                    "report_id": rid,
                    "label": p.analysis.classification.label.value,
                    "harm": p.harm,
                    "scores": dict(p.analysis.classification.scores),
                    "stage": p.analysis.classification.stage.value
                    if p.analysis.classification.stage
                    else None,
                    "subtype": p.analysis.classification.subtype,
                    "rules": list(p.analysis.classification.rules),
                }
                for rid, p in zip(ids, prepared, strict=True)
            ],
        )
        shares = [
            {"report_id": rid, "org_id": share_ids[name]}
            for (h, pos), rid in zip(new.items(), ids, strict=True)
            if subs[pos].tlp is Tlp.AMBER
            for name in sorted(set(subs[pos].share_with))
            if share_ids[name] != org_id
        ]
        _insert_rows(session, ReportShare, shares)
        audit.record(
            session,
            "report.ingest",
            org_id=org_id,
            user_id=user_id,
            created=len(ids),
            duplicates=len(subs) - len(ids),
        )

        by_pos = {pos: p.analysis for pos, p in zip(new.values(), prepared, strict=True)}
        results = []
        for pos, h in enumerate(hashes):
            if h in existing:
                results.append(IngestResult(existing[h], False))
            elif new[h] == pos:
                results.append(IngestResult(created[h], True, by_pos[pos]))
            else:
                results.append(IngestResult(created[h], False))
        return results, keys

    def _prepare(self, sub: Submission, analysis: Analysis) -> _Prepared:
        victims = {found[1] for raw in sub.victim_phones if (found := canonicalize(raw, IndicatorType.PHONE))}
        values: list[tuple[StoredValue, str, int, int]] = []
        spans: list[tuple[int, int, IndicatorType]] = []
        for ind in analysis.indicators:
            role = VICTIM if ind.type is IndicatorType.PHONE and ind.value in victims else SUBJECT
            value = stored(self.secrets, ind.type, ind.value, role)
            values.append((value, role, ind.start, ind.end))
            if value.personal:
                spans.append((ind.start, ind.end, ind.type))
        # Near-miss ID/card numbers (bad checksum) are still somebody's data: mask them too.
        spans.extend((r.start, r.end, r.type) for r in analysis.rejected if r.type in PERSONAL_TYPES)
        text = sub.text
        for start, end, type_ in spans:
            text = text[:start] + mask(type_, text[start:end]) + text[end:]
        sealed_text = seal(self.secrets, sub.text) if text != sub.text else None
        scores = analysis.classification.scores
        harm = (
            1.0 - float(scores["benign"])
            if "benign" in scores
            else (0.0 if analysis.classification.label.value == "benign" else 1.0)
        )
        return _Prepared(analysis, text, sealed_text, values, harm)

    def _store_indicators(
        self,
        session: Session,
        org_id: int,
        created: dict[str, int],
        prepared: list[_Prepared],
        report_rows: list[dict[str, Any]],
    ) -> list[str]:
        distinct: dict[tuple[str, str], StoredValue] = {}
        for p in prepared:
            for value, _, _, _ in p.values:
                distinct.setdefault((value.type.value, value.value), value)
        if not distinct:
            return []
        rows = [
            {
                "type": v.type.value,
                "value": v.value,
                "display": v.display,
                "personal": v.personal,
                "sealed": seal(self.secrets, v.canonical) if v.personal else None,
            }
            for v in distinct.values()
        ]
        session.execute(_insert_ignore(session, IndicatorRow), rows)
        ids: dict[tuple[str, str], int] = {}
        for part in in_chunks(sorted({form for _, form in distinct})):
            for iid, type_, form in session.execute(
                select(IndicatorRow.id, IndicatorRow.type, IndicatorRow.value).where(
                    IndicatorRow.value.in_(part)
                )
            ):
                ids[(type_, form)] = iid
        sightings = [
            {
                "indicator_id": ids[(v.type.value, v.value)],
                "report_id": rid,
                "org_id": org_id,
                "role": role,
                "start": start,
                "end": end,
                "seen_at": row["created_at"],
            }
            for rid, p, row in zip(created.values(), prepared, report_rows, strict=True)
            for v, role, start, end in p.values
        ]
        _insert_rows(session, Sighting, sightings)
        return [v.key for v in distinct.values()]


@dataclass(frozen=True, slots=True)
class _Prepared:
    analysis: Analysis
    text: str
    sealed_text: bytes | None
    values: list[tuple[StoredValue, str, int, int]]
    harm: float


def _insert_ignore(session: Session, model: type[IndicatorRow]) -> Insert:
    """INSERT … ON CONFLICT (type, value) DO NOTHING for the session's dialect."""
    dialect = session.get_bind().dialect.name
    maker = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return maker(model).on_conflict_do_nothing(index_elements=["type", "value"])


def _insert_reports(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert report rows; return their new ids in the order of `rows`."""
    if not rows:
        return []
    if session.get_bind().dialect.name != "postgresql":
        insert = _table(Report).insert().returning(Report.id, sort_by_parameter_order=True)
        return list(session.scalars(insert, rows))
    # COPY cannot return ids, so take them from the sequence first (one round trip), ascending.
    ids = sorted(session.scalars(
        sql_text("SELECT nextval(pg_get_serial_sequence('reports', 'id')) FROM generate_series(1, :n)"),
        {"n": len(rows)},
    ))
    _insert_rows(session, Report, [{**row, "id": rid} for row, rid in zip(rows, ids, strict=True)])
    return ids


def _insert_rows(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> None:
    """Insert plain rows (all with the same keys) into `model`'s table in one statement.

    PostgreSQL gets COPY … FROM STDIN, several times cheaper for the server than one INSERT per
    row, with every value passed through the column type's own bind processing (UTC datetimes,
    JSON) so rows are stored exactly as an INSERT would store them. Other backends: executemany.
    """
    if not rows:
        return
    table = _table(model)
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name != "postgresql":
        session.execute(table.insert(), rows)
        return
    names = list(rows[0])
    processors = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]
    columns = ", ".join(dialect.identifier_preparer.quote(name) for name in names)
    raw = connection.connection.driver_connection
    assert isinstance(raw, psycopg.Connection)  # the only PostgreSQL driver we configure
    with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([
                value if proc is None or value is None else proc(value)
                for value, proc in zip((row[n] for n in names), processors, strict=True)
            ])


def _table(model: type[Any]) -> Table:
    table: Table = model.__table__
    return table


def parse_line(raw: bytes, line_no: int) -> Submission:
    """Validate one JSONL line into a Submission; raises InputError naming the line and the field."""
    import orjson

    from lianfang.i18n import t

    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(t("bad_utf8", line=line_no)) from None
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InputError(t("bad_json_line", line=line_no, error=str(exc))) from None
    if not isinstance(obj, dict):
        raise InputError(t("bad_json_line", line=line_no, error="not an object"))
    if "text" not in obj:
        raise InputError(t("missing_text", line=line_no))
    try:
        return Submission.model_validate(obj)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(t("bad_field_line", line=line_no, field=where, error=first["msg"])) from None
