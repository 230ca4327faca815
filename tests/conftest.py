"""Shared fixtures: settings over SQLite and PostgreSQL, app + client, org/key helpers, uvicorn runner."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from lianfang.config import Settings
from lianfang.store.accounts import Role, create_key, create_org
from lianfang.store.db import Database, make_database, upgrade
from lianfang.store.scratch import scratch_pg_database

sys.path.insert(0, str(Path(__file__).parent))
PG_ENV = "LIANFANG_TEST_PG_URL"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session (lf_test_<random>), dropped at the end."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(
            f"PostgreSQL tests need {PG_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)"
        )
    with scratch_pg_database(base, "lf_test_") as url:
        yield url


def _reset_pg(url: str) -> None:
    """Empty every table between tests (cheaper than a database per test)."""
    engine = create_engine(url)
    with engine.begin() as conn:
        tables = [
            r[0]
            for r in conn.execute(
                text(
                    "SELECT tablename FROM pg_tables"
                    " WHERE schemaname='public' AND tablename <> 'alembic_version'"
                )
            )
        ]
        if tables:
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings for a migrated, empty database on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'lianfang.db'}"
    else:
        url = request.getfixturevalue("pg_server_url")
    s = Settings(
        database_url=url, hmac_key="test-hmac-key", public_rate_limit="5/minute", max_body_bytes=200_000
    )
    db = make_database(s)
    if request.param == "postgresql":
        upgrade(db)
        _reset_pg(url)
    upgrade(db)  # reloads the global warninglists after a reset
    db.dispose()
    return s


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    """A Database for direct store access in tests."""
    database = make_database(settings)
    yield database
    database.dispose()


@dataclass(frozen=True, slots=True)
class Member:
    """A test organisation with one API key."""

    org: str
    org_id: int
    key: str

    @property
    def headers(self) -> dict[str, str]:
        """Authorization header for this member's key."""
        return {"Authorization": f"Bearer {self.key}"}


def make_member(db: Database, name: str, role: Role = Role.ANALYST) -> Member:
    """Create organisation `name` (if missing) and a key with `role` for it."""
    from lianfang.errors import NotFound
    from lianfang.store.accounts import get_org

    with db.write.begin() as session:
        try:
            org = get_org(session, name)
        except NotFound:
            org = create_org(session, name)
        issued = create_key(session, name, role)
    return Member(name, org.id, issued.key)


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    """A fresh app on the test database."""
    from lianfang.api.app import create_app

    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """An in-process HTTP client for the app (lifespan included)."""
    with TestClient(app) as c:
        yield c


@pytest.fixture
def members(db: Database) -> dict[str, Member]:
    """Four organisations: a, b, c with analyst keys and a police key at 'police'; plus 'a_admin'."""
    out = {name: make_member(db, name) for name in ("a", "b", "c")}
    out["police"] = make_member(db, "police", Role.POLICE)
    out["a_admin"] = make_member(db, "a", Role.ADMIN)
    return out


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A uvicorn subprocess serving create_app(Settings()) from the environment."""

    url: str
    process: subprocess.Popen[bytes]

    def stop(self, kill: bool = False) -> None:
        """Terminate (or SIGKILL) the server and wait for it."""
        if self.process.poll() is None:
            (self.process.kill if kill else self.process.terminate)()
        self.process.wait(timeout=30)


def start_server(settings: Settings, timeout: float = 60.0) -> Server:
    """Start uvicorn in a subprocess on 127.0.0.1:<ephemeral> for `settings`; wait for /healthz."""
    port = free_port()
    env = {
        **os.environ,
        "LIANFANG_DATABASE_URL": settings.database_url,
        "LIANFANG_HMAC_KEY": settings.hmac_key,
        "LIANFANG_PUBLIC_RATE_LIMIT": settings.public_rate_limit,
        "LIANFANG_MAX_BODY_BYTES": str(settings.max_body_bytes),
        "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")]),
    }
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).parent / "api" / "uvicorn_runner.py"), str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return Server(url, proc)
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start in time")


@pytest.fixture
def server(settings: Settings) -> Iterator[Server]:
    """A real uvicorn server on an ephemeral port, stopped after the test."""
    srv = start_server(settings)
    yield srv
    srv.stop()
