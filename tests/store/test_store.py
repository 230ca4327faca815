"""Store internals: confidence, resumable import, dedup under the import path, warninglists, keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
from sqlalchemy import func, select

from conftest import make_member
from lianfang.config import Settings
from lianfang.store.accounts import verify_key
from lianfang.store.confidence import confidence
from lianfang.store.db import Database
from lianfang.store.imports import import_file
from lianfang.store.ingest import Ingestor
from lianfang.store.models import AllowlistEntry, AuditEntry, Report
from lianfang.store.values import Secrets, mask, seal, unseal

NOW = datetime(2024, 6, 1, tzinfo=UTC)


def test_confidence_grows_with_orgs_and_decays_with_age() -> None:
    one = confidence(1, 1, 0.9, NOW, NOW)
    three = confidence(3, 3, 0.9, NOW, NOW)
    old = confidence(3, 3, 0.9, NOW - timedelta(days=180), NOW)
    assert 0 < one < three <= 100 and old < three // 2 + 1
    assert confidence(0, 0, 1.0, None, NOW) == 0


def test_mask_keeps_length_and_seal_round_trips() -> None:
    assert (
        mask(__import__("lianfang.taxonomy").taxonomy.IndicatorType.BANK_CARD, "6222 0212 3456 7890")
        == "6222 02** **** 7890"
    )
    secrets = Secrets.from_setting("k")
    assert unseal(secrets, seal(secrets, "身份证")) == "身份证"


def test_import_is_resumable_and_never_duplicates(db: Database, settings: Settings, tmp_path: Path) -> None:
    member = make_member(db, "importer")
    path = tmp_path / "in.jsonl"
    rows = [orjson.dumps({"text": f"刷单返利 第{i}单 联系 1370000{i:04d}"}) for i in range(25)]
    path.write_bytes(b"\n".join(rows[:10]) + b"\n")
    ingestor = Ingestor(db, Secrets.from_setting(settings.hmac_key))
    first = import_file(ingestor, path, member.org_id, chunk=4)
    assert (first.created, first.duplicates, first.errors) == (10, 0, [])
    with path.open("ab") as fh:  # the file grows, with one bad line
        fh.write(b"\n".join(rows[10:]) + b"\n{broken\n")
    second = import_file(ingestor, path, member.org_id, chunk=4)
    assert second.resumed_from_line == 10 and second.created == 15 and second.duplicates == 0
    assert [n for n, _ in second.errors] == [26]
    third = import_file(ingestor, path, member.org_id, chunk=4)
    assert (third.created, third.duplicates) == (0, 0)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Report)) == 25
        assert s.scalar(select(func.count()).select_from(AuditEntry)) > 0


def test_warninglists_loaded_once_and_keys_verify(db: Database) -> None:
    from lianfang.store.db import upgrade

    with db.read() as s:
        before = s.scalar(select(func.count()).select_from(AllowlistEntry))
    upgrade(db)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(AllowlistEntry)) == before > 50
    member = make_member(db, "keys")
    with db.read() as s:
        who = verify_key(s, member.key)
        assert who is not None and who.org_id == member.org_id
        assert verify_key(s, member.key + "x") is None and verify_key(s, "garbage") is None
        audit = repr([(e.action, e.target, e.detail) for e in s.scalars(select(AuditEntry))])
    # Keys are lf_<id>_<secret> and the secret itself may hold "_": split off the id only.
    secret = member.key.split("_", 2)[2]
    assert member.key not in audit and secret not in audit
