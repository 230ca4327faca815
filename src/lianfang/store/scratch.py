"""Throw-away PostgreSQL databases on a given server, for test sessions and benchmarks."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@contextmanager
def scratch_pg_database(server_url: str, prefix: str) -> Iterator[str]:
    """Create an empty database `<prefix><8 hex>` on the server of `server_url`; yield its URL; drop it.

    `server_url` is any SQLAlchemy PostgreSQL URL on that server (its database part is ignored);
    the yielded URL keeps its driver and credentials. CREATE/DROP run from the server's "postgres"
    database in AUTOCOMMIT (neither may run inside a transaction); the drop is WITH (FORCE) so
    connections a caller left open do not keep the database alive.
    """
    name = f"{prefix}{secrets.token_hex(4)}"
    admin = create_engine(make_url(server_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
