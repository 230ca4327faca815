"""In-process lookup index in front of the database: stored key -> compact summary, per viewer.

Keys are the store's "type:value" strings (`StoredValue.key`; personal types carry their keyed
HMAC, so the index never holds an ID or card number in clear). Each SUBJECT sighting lands in
one scope, exactly as `store.access.visible_reports` decides:

* CLEAR  -> the public view and the member view;
* GREEN  -> the member view (every member organisation);
* AMBER  -> the submitter plus the organisations its share list names; RED -> the submitter only.

`check(keys, org_id)` answers from two plain dicts: the organisation's own overrides (keys where
it may see AMBER/RED sightings or has its own allow-list entry) and the member view, so a batch
costs one dict probe or two per value. `check_public(keys)` reads only the CLEAR view.
Allow-listed keys never hit: global entries hide a key from everyone, an organisation's own
entries only from that organisation (the same rule as `store.allowlist`). `summaries()` returns
the very `IndicatorSummary` records `store.indicators.summarize` computes from SQL, so the API
may answer `/lookup` from either and the tests compare the two.

Freshness: the index follows the `sightings` and `allowlist` tables by id (watermarks).
`refresh()` pulls rows above the watermark and, for `GAP_GRACE_S`, re-asks for ids it skipped:
on PostgreSQL a transaction holding a lower id can commit after a higher one is visible. The
process that ingests refreshes right after its commit (`add_many`, the hook `store.ingest`
calls), so it reads its own writes; other worker processes call `maybe_refresh()` before
answering and so lag at most `max_staleness_s` (default 1 s) behind any commit. A report's
sharing level is fixed once stored (ingest keeps the first submission), which is what makes
an append-only index correct.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import DateTime, select, type_coerce

from lianfang.store.access import Tlp
from lianfang.store.allowlist import match_forms
from lianfang.store.confidence import confidence
from lianfang.store.db import Database, in_chunks
from lianfang.store.indicators import BENIGN, IndicatorSummary
from lianfang.store.models import (
    AllowlistEntry,
    ClassificationRow,
    IndicatorRow,
    Report,
    ReportShare,
    Sighting,
    utcnow,
)
from lianfang.store.values import SUBJECT, StoredValue

CLEAR, GREEN, AMBER, RED = Tlp.CLEAR.value, Tlp.GREEN.value, Tlp.AMBER.value, Tlp.RED.value
GAP_GRACE_S = 120.0
REFRESH_BATCH = 50_000
_NOBODY: frozenset[int] = frozenset()
_MULTI_FORM = ("domain:", "phone:")  # key prefixes an allow-list entry may cover in another spelling
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = datetime(1970, 1, 1)
_MICRO = timedelta(microseconds=1)


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICRO


@dataclass(frozen=True, slots=True)
class Fact:
    """One SUBJECT sighting as the index needs it; `audience` = AMBER share list (org ids)."""

    sighting_id: int
    key: str
    org_id: int
    tlp: str
    audience: frozenset[int]
    label: str | None
    harm: float
    seen_at: datetime


@dataclass(frozen=True, slots=True)
class Hit:
    """What one viewer may know about a key: counts, strongest harm, time span, category counts.

    `orgs_mask` is a bitmask over the index's dense organisation slots (internal: it lets two
    aggregates merge without double-counting an organisation); expose `orgs`, never the mask.
    """

    sightings: int
    orgs: int
    harm: float
    first_us: int
    last_us: int
    categories: tuple[tuple[str, int], ...]
    orgs_mask: int

    @property
    def category(self) -> str | None:
        """The most reported non-benign category (ties: alphabetical), as `IndicatorSummary.category`."""
        harmful = {k: v for k, v in self.categories if k != BENIGN}
        return max(sorted(harmful), key=harmful.__getitem__) if harmful else None

    @property
    def first_seen(self) -> datetime:
        """Earliest visible sighting (aware UTC)."""
        return _EPOCH + self.first_us * _MICRO

    @property
    def last_seen(self) -> datetime:
        """Latest visible sighting (aware UTC)."""
        return _EPOCH + self.last_us * _MICRO

    def confidence(self, now: datetime) -> int:
        """Confidence 0-100 at `now`, by `store.confidence.confidence` (it decays with age)."""
        return confidence(self.orgs, self.sightings, self.harm, self.last_seen, now)


def _merge(a: Hit | None, b: Hit) -> Hit:
    if a is None:
        return b
    table = dict(a.categories)
    for label, count in b.categories:
        table[label] = table.get(label, 0) + count
    mask = a.orgs_mask | b.orgs_mask
    return Hit(a.sightings + b.sightings, mask.bit_count(), max(a.harm, b.harm), min(a.first_us, b.first_us),
               max(a.last_us, b.last_us), tuple(sorted(table.items())), mask)


def _forms(key: str) -> list[str]:
    """Allow-list keys that would cover `key`, by `store.allowlist.match_forms` (HMAC values: "h:…")."""
    if not key.startswith(_MULTI_FORM):
        return [key]
    kind, _, value = key.partition(":")
    return [f"{kind}:{form}" for form in match_forms(kind, value, value.startswith("h:"))]


class LookupIndex:
    """The in-memory index: one writer at a time (refresh/apply/allow), any number of readers."""

    def __init__(self, db: Database | None = None, *, max_staleness_s: float = 1.0) -> None:
        """Create an empty index, optionally bound to `db` (needed by `add_many` and `maybe_refresh`)."""
        self.db = db
        self.max_staleness_s = max_staleness_s
        self.watermark = 0
        self.allow_watermark = 0
        self._lock = threading.RLock()
        self._last_refresh = float("-inf")
        self._gaps: dict[int, float] = {}
        self._slots: dict[int, int] = {}
        self._one_of: dict[str, tuple[tuple[str, int], ...]] = {}
        # Aggregates (the truth) ...
        self._public_agg: dict[str, Hit] = {}
        self._member_agg: dict[str, Hit] = {}
        self._restricted: dict[str, dict[int, Hit]] = {}
        self._allow_global: set[str] = set()
        self._allow_org: dict[int, set[str]] = {}
        # The same organisation entries by key -> organisations, so a rebuild finds the
        # organisations whose own entries cover a key with one probe per form.
        self._allow_org_by_key: dict[str, set[int]] = {}
        # ... and what `check` serves, derived from them by `_rebuild`.
        self._public: dict[str, Hit] = {}
        self._member: dict[str, Hit] = {}
        self._by_org: dict[int, dict[str, Hit | None]] = {}

    # --- reading ------------------------------------------------------------------------------

    def check(self, keys: Sequence[str], org_id: int) -> list[Hit | None]:
        """Hits for `keys` as member organisation `org_id` may see them (None: nothing visible), in order."""
        member = self._member
        own = self._by_org.get(org_id)
        if not own:
            return list(map(member.get, keys))
        # dict.get(key, default) over two iterables: the whole batch stays in C, no bytecode per key.
        return list(map(own.get, keys, map(member.get, keys)))

    def check_public(self, keys: Sequence[str]) -> list[Hit | None]:
        """Hits for `keys` from CLEAR sightings only (None: not known to the public), in order."""
        return list(map(self._public.get, keys))

    def __contains__(self, key: object) -> bool:
        """True when any sighting of `key` is indexed, whoever may see it (a prefilter for the DB)."""
        return key in self._member_agg or key in self._restricted

    def __len__(self) -> int:
        """Number of distinct keys indexed."""
        return len(self._member_agg.keys() | self._restricted.keys())

    def is_allowed(self, key: str, org_id: int | None) -> bool:
        """True when a global entry, or one of `org_id`'s own entries, covers `key`."""
        forms = _forms(key)
        if any(f in self._allow_global for f in forms):
            return True
        own = self._allow_org.get(org_id) if org_id is not None else None
        return bool(own) and any(f in own for f in forms)  # type: ignore[operator]

    def aggregate(self, key: str, org_id: int | None) -> Hit | None:
        """Everything `org_id` (None: the public) may see of `key`, allow-lists ignored."""
        if org_id is None:
            return self._public_agg.get(key)
        own = self._restricted.get(key, {}).get(org_id)
        member = self._member_agg.get(key)
        return member if own is None else _merge(member, own)

    def summaries(self, values: Iterable[StoredValue], org_id: int | None,
                  now: datetime | None = None) -> dict[str, IndicatorSummary]:
        """From memory, the records `store.indicators.summarize(session, org_id, values, now)` returns."""
        now = now or utcnow()
        out: dict[str, IndicatorSummary] = {}
        for v in values:
            hit = self.aggregate(v.key, org_id)
            listed = self.is_allowed(v.key, org_id)
            if hit is None:
                out[v.key] = IndicatorSummary(v.type.value, v.display, False, listed, 0, 0, 0, None, None)
                continue
            conf = 0 if listed else hit.confidence(now)
            out[v.key] = IndicatorSummary(v.type.value, v.display, not listed, listed, conf, hit.sightings,
                                          hit.orgs, hit.first_seen, hit.last_seen, dict(hit.categories))
        return out

    # --- writing ------------------------------------------------------------------------------

    def allow(self, entries: Iterable[tuple[str, int | None]]) -> None:
        """Add allow-list entries ("type:value", org id or None for global) and hide what they cover."""
        with self._lock:
            added: list[str] = []
            for key, org in entries:
                target = self._allow_global if org is None else self._allow_org.setdefault(org, set())
                if key not in target:
                    target.add(key)
                    added.append(key)
                    if org is not None:
                        self._allow_org_by_key.setdefault(key, set()).add(org)
            if not added:
                return
            if any(k.startswith("domain:") for k in added):
                # A domain entry covers subdomains: a rare, linear sweep over the indexed domains.
                domains = {k for k in added if k.startswith("domain:")}
                touched = {k for k in self._member_agg.keys() | self._restricted.keys()
                           if k.startswith("domain:") and domains.intersection(_forms(k))}
            else:
                touched = set()
            for key in added:
                kind, _, value = key.partition(":")
                if kind == "phone":
                    # "95588" or "13812345678" also cover "+86…" / "86…" spellings of the same number.
                    touched.update(k for k in (key, f"phone:+{value}", f"phone:+86{value}")
                                   if k in self)
                elif key in self:
                    touched.add(key)
            self._rebuild(touched)

    def apply(self, facts: Iterable[Fact]) -> int:
        """Add SUBJECT sightings (each sighting id once: the caller's job); returns how many were added."""
        return self._add((f.key, f.org_id, f.tlp, f.audience, f.label, float(f.harm), _micros(f.seen_at))
                         for f in facts)

    def _add(self, rows: Iterable[tuple[str, int, str, frozenset[int], str | None, float, int]]) -> int:
        """`apply` over plain tuples (key, org, tlp, AMBER audience, label, harm, seen_at in µs).

        One tight loop, because `build_index` runs it once per stored sighting at app start.
        """
        added = 0
        with self._lock:
            touched: set[str] = set()
            slots, one_of = self._slots, self._one_of
            member_agg, public_agg, restricted = self._member_agg, self._public_agg, self._restricted
            for key, org_id, tlp, audience, label, harm, micros in rows:
                added += 1
                touched.add(key)
                slot = slots.get(org_id)
                if slot is None:
                    slot = slots[org_id] = len(slots)
                label = label or BENIGN
                # One shared tuple per label keeps a million single-sighting keys small.
                categories = one_of.get(label)
                if categories is None:
                    categories = one_of[label] = ((label, 1),)
                one = Hit(1, 1, harm, micros, micros, categories, 1 << slot)
                if tlp in (CLEAR, GREEN):
                    old = member_agg.get(key)
                    member_agg[key] = one if old is None else _merge(old, one)
                    if tlp == CLEAR:
                        old = public_agg.get(key)
                        public_agg[key] = one if old is None else _merge(old, one)
                else:
                    per_viewer = restricted.get(key)
                    if per_viewer is None:
                        per_viewer = restricted[key] = {}
                    viewers = {org_id} | audience if tlp == AMBER else (org_id,)
                    for viewer in viewers:
                        old = per_viewer.get(viewer)
                        per_viewer[viewer] = one if old is None else _merge(old, one)
            self._rebuild(touched)
        return added

    def _rebuild(self, keys: Iterable[str]) -> None:
        """Re-derive what `check` serves for `keys` from the aggregates and allow-lists."""
        keys = set(keys)
        allow_global, by_key = self._allow_global, self._allow_org_by_key
        # Set algebra first, so the per-key Python work is limited to the few keys that need it:
        # only domains and phones have allow-list forms other than the key itself.
        spelled = {k: _forms(k) for k in keys if k.startswith(_MULTI_FORM)} if allow_global or by_key else {}
        hidden = keys & allow_global
        hidden.update(k for k, forms in spelled.items() if not allow_global.isdisjoint(forms))
        listing: dict[str, list[int]] = {}
        if by_key:
            for key in keys & by_key.keys():
                listing[key] = list(by_key[key])
            for key, forms in spelled.items():
                orgs = [org for f in forms for org in by_key.get(f, ())]
                if orgs:
                    listing[key] = orgs
        shown = keys - hidden if hidden else keys
        for served, agg in ((self._public, self._public_agg), (self._member, self._member_agg)):
            for key in hidden:
                served.pop(key, None)
            served.update({key: agg[key] for key in shown if key in agg})
        by_org, member_agg, restricted_agg = self._by_org, self._member_agg, self._restricted
        for key in (keys & restricted_agg.keys()) | listing.keys():
            restricted = restricted_agg.get(key)
            listing_orgs = listing.get(key, ())
            for viewer in {*(restricted or ()), *listing_orgs}:
                own_view = by_org.get(viewer)
                if own_view is None:
                    own_view = by_org[viewer] = {}
                if key in hidden or viewer in listing_orgs:
                    own_view[key] = None
                elif restricted is not None and viewer in restricted:
                    own_view[key] = _merge(member_agg.get(key), restricted[viewer])
                else:
                    own_view.pop(key, None)

    # --- following the database ---------------------------------------------------------------

    def add_many(self, keys: Iterable[str]) -> None:
        """Ingest hook (`store.ingest.IndicatorIndex`): sightings were just committed, pull them now."""
        if self.db is not None:
            self.refresh()

    def refresh(self, db: Database | None = None) -> int:
        """Pull allow-list entries and sightings committed since the last call; returns sightings added.

        Raises ValueError when neither `db` nor a bound database is given.
        """
        db = db or self.db
        if db is None:
            raise ValueError("no database bound to the lookup index")
        with self._lock:
            return self._refresh(db)

    @property
    def stale(self) -> bool:
        """True when the last refresh is older than `max_staleness_s` (cheap: no lock, no I/O)."""
        return time.monotonic() - self._last_refresh >= self.max_staleness_s

    def maybe_refresh(self) -> None:
        """Refresh the bound database when the index is `stale`."""
        # Readers never queue behind a refresh another thread is already doing.
        if self.db is not None and self.stale and self._lock.acquire(blocking=False):
            try:
                self._refresh(self.db)
            finally:
                self._lock.release()

    def _refresh(self, db: Database) -> int:
        now = time.monotonic()
        added = 0
        with db.read() as session:
            # Core rows, not ORM loading: build_index reads every stored sighting through here.
            conn = session.connection()
            entries = conn.execute(
                select(AllowlistEntry.id, AllowlistEntry.type, AllowlistEntry.value, AllowlistEntry.org_id)
                .where(AllowlistEntry.id > self.allow_watermark).order_by(AllowlistEntry.id)
            ).all()
            if entries:
                self.allow((f"{e.type}:{e.value}", e.org_id) for e in entries)
                self.allow_watermark = entries[-1].id
            base = (
                # seen_at as the plain (naive UTC) column type: skipping the UTCDateTime decorator
                # saves two Python calls per row, and the epoch below is naive to match.
                select(Sighting.id, Sighting.role, IndicatorRow.type, IndicatorRow.value, Sighting.org_id,
                       Sighting.report_id, type_coerce(Sighting.seen_at, DateTime()), Report.tlp,
                       ClassificationRow.label, ClassificationRow.harm)
                .join(IndicatorRow, IndicatorRow.id == Sighting.indicator_id)
                .join(Report, Report.id == Sighting.report_id)
                .outerjoin(ClassificationRow, ClassificationRow.report_id == Sighting.report_id)
                .order_by(Sighting.id)
            )
            for gap in [g for g, since in self._gaps.items() if now - since > GAP_GRACE_S]:
                del self._gaps[gap]  # rolled back or deleted: that id will never show up
            queries = [base.where(Sighting.id > self.watermark)]
            queries += [base.where(Sighting.id.in_(chunk)) for chunk in in_chunks(sorted(self._gaps), 5000)]
            shares: dict[int, frozenset[int]] = {}
            for query in queries:
                # Streamed in id order and applied part by part: memory stays bounded while a
                # million rows load, and after each part the watermark matches what was applied.
                result = conn.execution_options(yield_per=REFRESH_BATCH).execute(query)
                for part in result.partitions():
                    amber = sorted({row[5] for row in part if row[7] == AMBER} - shares.keys())
                    for chunk in in_chunks(amber, 5000):
                        found: dict[int, set[int]] = {report_id: set() for report_id in chunk}
                        for report_id, org_id in conn.execute(
                            select(ReportShare.report_id, ReportShare.org_id)
                            .where(ReportShare.report_id.in_(chunk))
                        ):
                            found[report_id].add(org_id)
                        shares.update((report_id, frozenset(orgs)) for report_id, orgs in found.items())
                    added += self._add(
                        (f"{kind}:{value}", org_id, tlp, shares[report_id] if tlp == AMBER else _NOBODY,
                         label, 0.0 if harm is None else float(harm),
                         (seen_at - (_EPOCH if seen_at.tzinfo else _NAIVE_EPOCH)) // _MICRO)
                        for _, role, kind, value, org_id, report_id, seen_at, tlp, label, harm in part
                        # A victim's phone is evidence of harm done to them, not a contact of the offender.
                        if role == SUBJECT
                    )
                    self._advance([row[0] for row in part], now)
        self._last_refresh = now
        return added

    def _advance(self, ids: list[int], now: float) -> None:
        """Record sighting ids just applied (ascending): move the watermark, note the ids skipped."""
        top = ids[-1] if ids else 0
        if top > self.watermark:
            if len(ids) != top - self.watermark:  # ids are distinct and above the watermark
                # Ids below the newest one that we did not see are not committed yet (or never will be).
                skipped = set(range(self.watermark + 1, top)).difference(ids)
                self._gaps.update(dict.fromkeys(skipped, now))
            self.watermark = top
        if self._gaps:
            for sid in ids:
                self._gaps.pop(sid, None)


def build_index(db: Database, *, max_staleness_s: float = 1.0) -> LookupIndex:
    """Build an index bound to `db` from everything stored (call at app start); `refresh` keeps it current."""
    index = LookupIndex(db, max_staleness_s=max_staleness_s)
    # A million keys are millions of small long-lived objects, none of them garbage. The cyclic
    # collector would re-walk them during the build and then, while serving, stall the event loop
    # for ~1 s on each older-generation pass (measured at 1 M indicators). So: collect what is
    # garbage now, pause the collector for the build, then freeze everything alive into the
    # permanent generation, which later passes skip. App start only: a refresh runs beside
    # request threads and must not toggle process-wide switches.
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        index.refresh()
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
    return index
