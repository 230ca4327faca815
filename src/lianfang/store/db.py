"""Engines and session factories from `Settings.database_url`; Alembic upgrade shipped in the package.

SQLite runs in WAL mode with synchronous=NORMAL. Why that is enough for "acknowledged = durable"
against `kill -9`: in WAL mode a COMMIT returns after the transaction's frames are written to the
WAL file with write(2); they then live in the OS page cache, which survives the death of the
process. Only an OS crash or power loss can drop the last transactions under NORMAL (FULL would
fsync the WAL on every commit). Writes go through a one-connection engine that opens
transactions with BEGIN IMMEDIATE, so concurrent writers queue on the busy timeout instead of
failing with "database is locked" when a read snapshot tries to upgrade.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from lianfang.config import Settings

MIGRATIONS = Path(__file__).with_name("migrations")
# Items per `IN (...)` list: older SQLite builds refuse more than 999 bound parameters a statement.
IN_CHUNK = 900
_T = TypeVar("_T")

_SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=30000",
    "PRAGMA cache_size=-65536",
    "PRAGMA temp_store=MEMORY",
)


@dataclass(frozen=True, slots=True)
class Database:
    """Read and write engines with their session factories; `write` sessions serialise on SQLite."""

    url: str
    engine: Engine
    write_engine: Engine
    read: sessionmaker[Session]
    write: sessionmaker[Session]

    @property
    def is_sqlite(self) -> bool:
        """True when the backend is SQLite."""
        return self.engine.dialect.name == "sqlite"

    def dispose(self) -> None:
        """Close every pooled connection (tests, shutdown)."""
        self.engine.dispose()
        if self.write_engine is not self.engine:
            self.write_engine.dispose()


def in_chunks(items: Sequence[_T], size: int = IN_CHUNK) -> Iterator[Sequence[_T]]:
    """Consecutive slices of `items` of at most `size` (for `IN` lists any backend accepts)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _sqlite_engine(url: str, *, immediate: bool, **kwargs: Any) -> Engine:
    parsed = make_url(url)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control from pysqlite so BEGIN is ours (IMMEDIATE for writers).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        for pragma in _SQLITE_PRAGMAS:
            cur.execute(pragma)
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def make_database(settings: Settings) -> Database:
    """Build engines for `settings.database_url` (sqlite:/// or postgresql+psycopg://).

    Raises sqlalchemy.exc.ArgumentError for an unparseable URL.
    """
    url = settings.database_url
    if make_url(url).get_backend_name() == "sqlite":
        engine = _sqlite_engine(url, immediate=False, pool_size=8, max_overflow=8)
        # One writer connection: SQLite admits a single writer anyway, so queue in the pool.
        write_engine = _sqlite_engine(url, immediate=True, pool_size=1, max_overflow=0, pool_timeout=120)
    else:
        engine = create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)
        write_engine = engine
    return Database(
        url=url,
        engine=engine,
        write_engine=write_engine,
        read=sessionmaker(engine, expire_on_commit=False),
        write=sessionmaker(write_engine, expire_on_commit=False),
    )


def alembic_config(db: Database) -> Config:
    """Alembic configuration pointing at the migrations shipped inside the package."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return cfg


def upgrade(db: Database) -> None:
    """Migrate the database to the newest schema and load the shipped warninglists (idempotent)."""
    from lianfang.store.allowlist import load_warninglists

    cfg = alembic_config(db)
    with db.write_engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with db.write.begin() as session:
        load_warninglists(session)


def is_empty(db: Database) -> bool:
    """True when the database has no Lianfang schema yet."""
    return not inspect(db.engine).has_table("alembic_version")
