"""`lianfang org create`, `key create` and `key revoke` as real subprocesses against one SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from lianfang.config import Settings
from lianfang.store.accounts import verify_key
from lianfang.store.db import make_database

LIANFANG = Path(sys.executable).with_name("lianfang")


def run(args: list[str], env: dict[str, str], ok: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([str(LIANFANG), *args], capture_output=True, text=True, env=env, timeout=120)
    assert (proc.returncode == 0) == ok, proc.stderr
    return proc


def test_create_then_revoke_a_key(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'keys.db'}"
    env = {**os.environ, "LIANFANG_DATABASE_URL": url, "LIANFANG_LANG": "en"}
    run(["org", "create", "某银行"], env)
    keys = [run(["key", "create", "--org", "某银行"], env).stdout.splitlines()[-1] for _ in range(2)]
    db = make_database(Settings(database_url=url))
    try:
        with db.read() as session:
            assert all(verify_key(session, k) is not None for k in keys)
        # By full key and by bare id; the other key keeps working.
        out = run(["key", "revoke", keys[0]], env).stdout
        assert "revoked" in out and keys[0] not in out  # never echo the secret
        with db.read() as session:
            assert verify_key(session, keys[0]) is None
            assert verify_key(session, keys[1]) is not None
        run(["key", "revoke", keys[1].split("_")[1]], env)
        with db.read() as session:
            assert verify_key(session, keys[1]) is None
    finally:
        db.dispose()
    missing = run(["key", "revoke", "nosuchkey"], env, ok=False)
    assert "nosuchkey" in missing.stderr
