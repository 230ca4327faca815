"""SQLAlchemy 2 typed ORM: organisations, users, keys, reports, indicators, sightings, allow-lists, audit.

The same schema runs on SQLite (WAL) and PostgreSQL; the Alembic migration in
`store/migrations/versions/` creates it and must be kept in step with this module.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, overload

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# SQLite only auto-increments INTEGER PRIMARY KEY (the rowid alias); PostgreSQL gets BIGINT identity.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both backends (SQLite has no time-zone type)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; use timezone-aware UTC")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


@overload
def as_utc(value: None) -> None: ...
@overload
def as_utc(value: datetime | str) -> datetime: ...
def as_utc(value: datetime | str | None) -> datetime | None:
    """An aware UTC datetime from a raw aggregate (MIN/MAX bypass UTCDateTime: SQLite returns
    ISO strings or naive datetimes)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Declarative base of every Lianfang table."""


class Organisation(Base):
    """A member organisation (platform, bank, game company, police unit, complaint site)."""

    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class User(Base):
    """A person or service account of an organisation; `role` is analyst, admin or police."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("org_id", "name"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ApiKey(Base):
    """An API key `lf_<key_id>_<secret>`: only the key id and an argon2 hash of the secret are stored."""

    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key_id: Mapped[str] = mapped_column(String(32), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Report(Base):
    """A submitted text; `text` has personal data masked, the original is sealed (encrypted) if it had any."""

    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("org_id", "content_hash", name="uq_reports_org_hash"),
        Index("ix_reports_created", "created_at"),
        Index("ix_reports_tlp", "tlp"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    tlp: Mapped[str] = mapped_column(String(5))
    source: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    sealed_text: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReportShare(Base):
    """The AMBER share list: organisations a report names besides its submitter."""

    __tablename__ = "report_shares"
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True, index=True)


class ClassificationRow(Base):
    """The classifier's verdict on one report; `harm` = 1 - P(benign), used by confidence."""

    __tablename__ = "classifications"
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    label: Mapped[str] = mapped_column(String(32), index=True)
    harm: Mapped[float] = mapped_column(Float)
    scores: Mapped[dict[str, Any]] = mapped_column(JSON)
    stage: Mapped[str | None] = mapped_column(String(32), nullable=True)
    subtype: Mapped[str | None] = mapped_column(String(32), nullable=True)
    rules: Mapped[list[str]] = mapped_column(JSON)


class IndicatorRow(Base):
    """A distinct indicator; personal types keep an HMAC `value`, a masked `display`, a sealed original."""

    __tablename__ = "indicators"
    __table_args__ = (UniqueConstraint("type", "value", name="uq_indicators_type_value"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    type: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(512))
    display: Mapped[str] = mapped_column(String(512))
    personal: Mapped[bool] = mapped_column(default=False)
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class Sighting(Base):
    """One indicator seen in one report by one organisation at one time; `role` is subject or victim."""

    __tablename__ = "sightings"
    __table_args__ = (Index("ix_sightings_indicator", "indicator_id", "report_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"))
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    role: Mapped[str] = mapped_column(String(8), default="subject")
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AllowlistEntry(Base):
    """A never-bad value: global (org_id NULL, shipped warninglists) or one organisation's own entry."""

    __tablename__ = "allowlist"
    __table_args__ = (Index("ix_allowlist_value", "type", "value"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    type: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(512))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), nullable=True)
    source: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AuditEntry(Base):
    """Who did what when; never holds secrets, keys or report text."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), nullable=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ImportProgress(Base):
    """How far `lianfang import` got in one file; updated in the same transaction as each chunk."""

    __tablename__ = "import_progress"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source_key: Mapped[str] = mapped_column(String(64), unique=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    byte_offset: Mapped[int] = mapped_column(BigInteger, default=0)
    lines: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
