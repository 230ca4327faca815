"""`lianfang demo`: five member organisations, their API keys and a few thousand synthetic reports.

The reports (see `demo_corpus`) go through the same `Ingestor` the API uses, so indicators,
classifications, sightings and sharing levels are exactly what real submissions would produce.
Loading is idempotent: texts an organisation already submitted are recognised as duplicates.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from lianfang.config import Settings
from lianfang.demo_corpus import ORGS, DemoOrg, generate_reports
from lianfang.store.access import Tlp
from lianfang.store.accounts import Role, create_key, create_org
from lianfang.store.db import make_database, upgrade
from lianfang.store.ingest import Ingestor, Submission
from lianfang.store.models import Organisation, utcnow
from lianfang.store.values import Secrets

DEFAULT_COUNT = 4000
DEFAULT_SEED = 20240601
CHUNK = 500


@dataclass(frozen=True, slots=True)
class DemoResult:
    """What `load_demo` did: organisations, the demo key (police role), one analyst key per org, counts."""

    orgs: tuple[str, ...]
    api_key: str
    api_key_org: str
    keys: dict[str, str]
    created: int
    duplicates: int
    seconds: float


def org_name(org: DemoOrg) -> str:
    """The stored name of a demo organisation: Chinese first, English after a slash."""
    return f"{org.name_zh} / {org.name_en}"


def load_demo(settings: Settings, *, count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED,
              now: datetime | None = None, progress: Callable[[int, int], None] | None = None) -> DemoResult:
    """Migrate the database of `settings`, create the demo organisations and keys, ingest `count` reports.

    `progress(done, total)` is called after each committed chunk. Returns the keys in clear (the
    only time they exist so). Raises ValueError for a non-positive count; database errors propagate.
    """
    started = time.perf_counter()
    now = now or utcnow()
    reports = generate_reports(count, seed=seed, now=now)
    db = make_database(settings)
    try:
        upgrade(db)
        names = {org.slug: org_name(org) for org in ORGS}
        with db.write.begin() as session:
            existing = set(session.scalars(select(Organisation.name)))
            for name in names.values():
                if name not in existing:
                    create_org(session, name)
            ids = {name: oid for name, oid in session.execute(
                select(Organisation.name, Organisation.id).where(Organisation.name.in_(names.values())))}
            keys = {names[o.slug]: create_key(session, names[o.slug], Role.ANALYST, "demo-analyst").key
                    for o in ORGS}
            police = names["police"]
            demo_key = create_key(session, police, Role.POLICE, "demo-police").key
        ingestor = Ingestor(db, Secrets.from_setting(settings.hmac_key))
        created = duplicates = done = 0
        # Chronological chunks per organisation, as members would upload their daily exports.
        pending: dict[str, list[Submission]] = {}

        def flush(slug: str) -> None:
            nonlocal created, duplicates, done
            batch = pending.pop(slug, [])
            if not batch:
                return
            results = ingestor.ingest(ids[names[slug]], None, batch)
            fresh = sum(r.created for r in results)
            created += fresh
            duplicates += len(results) - fresh
            done += len(batch)
            if progress is not None:
                progress(done, len(reports))

        for report in reports:
            pending.setdefault(report.org, []).append(Submission(
                text=report.text, source=report.channel, tlp=Tlp.parse(report.sharing),
                share_with=[names[s] for s in report.shared_with], observed_at=report.created_at))
            if len(pending[report.org]) >= CHUNK:
                flush(report.org)
        for slug in list(pending):
            flush(slug)
    finally:
        db.dispose()
    return DemoResult(tuple(names.values()), demo_key, police, keys, created, duplicates,
                      time.perf_counter() - started)
