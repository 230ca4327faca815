"""Resumable JSONL import: progress (byte offset, lines) commits in the same transaction as each chunk.

A re-run of the same file for the same organisation continues after the last committed chunk, so
nothing is read twice; the per-organisation content-hash dedup is a second guard.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from lianfang.errors import InputError
from lianfang.store.ingest import Ingestor, Submission, parse_line
from lianfang.store.models import ImportProgress, utcnow


@dataclass(frozen=True, slots=True)
class ImportStats:
    """What one import run did; `errors` lists (line number, message)."""

    created: int
    duplicates: int
    errors: list[tuple[int, str]]
    lines: int
    resumed_from_line: int


def progress_key(path: Path, org_id: int) -> str:
    """Identity of an import: the file's real path and the importing organisation."""
    return hashlib.sha256(f"{org_id}:{os.path.realpath(path)}".encode()).hexdigest()


def _lines(path: Path, offset: int, first_line: int) -> Iterator[tuple[int, int, bytes]]:
    """(line number, byte offset after the line, raw line) from `offset` on; streams the file."""
    with path.open("rb") as fh:
        fh.seek(offset)
        pos, number = offset, first_line
        for raw in fh:
            pos += len(raw)
            number += 1
            yield number, pos, raw


def import_file(
    ingestor: Ingestor,
    path: Path,
    org_id: int,
    *,
    chunk: int = 1000,
    on_progress: Callable[[int], None] | None = None,
) -> ImportStats:
    """Import JSONL `path` for `org_id`, resuming where the last run committed.

    Bad lines are counted with their numbers and skipped; `on_progress(bytes_done)` after each chunk.
    Raises InputError when the file is missing.
    """
    if not path.is_file():
        raise InputError(f"no such file: {path}")
    key = progress_key(path, org_id)
    with ingestor.db.read() as session:
        row = session.execute(
            select(ImportProgress.byte_offset, ImportProgress.lines).where(ImportProgress.source_key == key)
        ).first()
    offset, done_lines = (int(row[0]), int(row[1])) if row else (0, 0)
    if offset > path.stat().st_size:
        offset, done_lines = 0, 0  # the file was replaced by a shorter one: start over (dedup protects)
    created = dups = 0
    errors: list[tuple[int, str]] = []
    batch: list[Submission] = []
    last_pos, last_line = offset, done_lines

    def flush() -> None:
        nonlocal created, dups, batch

        def record(session: Session) -> None:
            _save_progress(session, key, org_id, last_pos, last_line)

        results = ingestor.ingest(org_id, None, batch, extra=record)
        created += sum(r.created for r in results)
        dups += sum(not r.created for r in results)
        batch = []
        if on_progress:
            on_progress(last_pos)

    for number, pos, raw in _lines(path, offset, done_lines):
        last_pos, last_line = pos, number
        if not raw.strip():
            continue
        try:
            sub = parse_line(raw.rstrip(b"\r\n"), number)
            missing = ingestor.unknown_shares(sub)
            if missing:
                raise InputError(
                    f"line {number}: unknown organisation(s) in share_with: {', '.join(missing)}"
                )
            batch.append(sub)
        except InputError as exc:
            errors.append((number, str(exc)))
        if len(batch) >= chunk:
            flush()
    # Final flush also records trailing bad/blank lines as done.
    flush()
    return ImportStats(created, dups, errors, last_line, done_lines)


def _save_progress(session: Session, key: str, org_id: int, offset: int, lines: int) -> None:
    row = session.scalar(select(ImportProgress).where(ImportProgress.source_key == key))
    if row is None:
        session.add(ImportProgress(source_key=key, org_id=org_id, byte_offset=offset, lines=lines))
    else:
        row.byte_offset, row.lines, row.updated_at = offset, lines, utcnow()
