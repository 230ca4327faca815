"""One correlation engine per organisation, built only from the rows that organisation may see.

Strict isolation: an organisation's engine never holds a report it cannot see, so neither
expansion paths, clusters nor rarity weights can reveal hidden data (the alternative, one global
engine with a visibility mask, would leak how common a value is). Engines follow the database by
watermark: new sightings are added incrementally (`Correlator.add_reports`, then `refine`), an
allow-list change rebuilds from scratch. A report's sharing level never changes after ingest,
which is what makes appending correct.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from lianfang.intel.correlate import CorrelationConfig, Correlator
from lianfang.intel.source import batch_from_rows
from lianfang.store.db import Database
from lianfang.store.stats import Watermark, correlation_rows, watermark

MAX_ORGS = 64


@dataclass(slots=True)
class _Entry:
    engine: Correlator
    mark: Watermark


class OrgGraphs:
    """Per-organisation engines, least recently used evicted beyond `max_orgs`; thread-safe."""

    def __init__(
        self, db: Database, config: CorrelationConfig | None = None, max_orgs: int = MAX_ORGS
    ) -> None:
        """Bind to `db`; engines are built lazily on first use."""
        self.db = db
        self.config = config or CorrelationConfig()
        self.max_orgs = max_orgs
        self._entries: OrderedDict[int, _Entry] = OrderedDict()
        self._locks: dict[int, threading.Lock] = {}
        self._guard = threading.Lock()

    def engine(self, org_id: int) -> Correlator:
        """The up-to-date engine of `org_id` (blocking: may build or update it first)."""
        with self._guard:
            lock = self._locks.setdefault(org_id, threading.Lock())
        with lock:
            with self.db.read() as session:
                mark = watermark(session)
                entry = self._entries.get(org_id)
                if entry is None or entry.mark.allowlist != mark.allowlist:
                    rows = correlation_rows(session, org_id, 0, mark.sighting)
                    entry = _Entry(Correlator.build(batch_from_rows(rows), self.config), mark)
                elif mark.sighting > entry.mark.sighting:
                    rows = correlation_rows(session, org_id, entry.mark.sighting, mark.sighting)
                    if rows:
                        entry.engine.add_reports(batch_from_rows(rows))
                        entry.engine.refine()
                    entry.mark = mark
            with self._guard:
                self._entries[org_id] = entry
                self._entries.move_to_end(org_id)
                while len(self._entries) > self.max_orgs:
                    self._entries.popitem(last=False)
            return entry.engine
