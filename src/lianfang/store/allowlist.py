"""Allow-lists: global warninglists shipped as data plus each organisation's own entries.

Matching rules: exact (type, stored value); a domain entry also covers its subdomains; a phone
entry matches the canonical number or its bare digits (hotlines such as 95588 have no +86 form).
Global entries apply to everyone, an organisation's entries only to that organisation's views
(no member can hide another member's intelligence from the others).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from lianfang.store.models import AllowlistEntry
from lianfang.store.values import StoredValue
from lianfang.taxonomy import IndicatorType

WARNINGLISTS = Path(__file__).with_name("warninglists.yaml")


@dataclass(frozen=True, slots=True)
class AllowlistItem:
    """One allow-list entry as the API returns it."""

    id: int
    type: str
    value: str
    scope: str
    source: str
    note: str


def match_forms(kind: str, value: str, personal: bool) -> list[str]:
    """Stored values an allow-list entry of type `kind` may hold that would cover `value`.

    The matching rules of the module docstring, in one place: the database check here and the
    in-memory index (`intel.lookup`) both call it. `personal` values (keyed HMACs) match exactly.
    """
    if kind == IndicatorType.DOMAIN.value:
        parts = value.split(".")
        return [".".join(parts[i:]) for i in range(len(parts) - 1)] or [value]
    if kind == IndicatorType.PHONE.value and not personal:
        forms = {value, value.lstrip("+")}
        if value.startswith("+86"):
            forms.add(value[3:])
        return sorted(forms)
    return [value]


def load_warninglists(session: Session, path: Path = WARNINGLISTS) -> int:
    """Insert the shipped global entries that are missing; return how many were added."""
    lists = yaml.safe_load(path.read_text(encoding="utf-8"))
    have = {
        (t, v)
        for t, v in session.execute(
            select(AllowlistEntry.type, AllowlistEntry.value).where(AllowlistEntry.org_id.is_(None))
        )
    }
    added = 0
    for name, spec in lists.items():
        for raw in spec["values"]:
            item = (spec["type"], str(raw).lower())
            if item in have:
                continue
            have.add(item)
            session.add(
                AllowlistEntry(
                    type=item[0],
                    value=item[1],
                    org_id=None,
                    source=f"warninglist:{name}",
                    note=spec.get("note", ""),
                )
            )
            added += 1
    return added


def allowlisted(session: Session, org_id: int | None, values: Iterable[StoredValue]) -> set[str]:
    """Keys ("type:value") of `values` that a global entry or an entry of `org_id` covers."""
    wanted: dict[tuple[str, str], list[str]] = {}
    for value in values:
        for form in match_forms(value.type.value, value.value, value.personal):
            wanted.setdefault((value.type.value, form), []).append(value.key)
    if not wanted:
        return set()
    scope: ColumnElement[bool] = AllowlistEntry.org_id.is_(None)
    if org_id is not None:
        scope = or_(scope, AllowlistEntry.org_id == org_id)
    rows = session.execute(
        select(AllowlistEntry.type, AllowlistEntry.value)
        .where(AllowlistEntry.value.in_({form for _, form in wanted}))
        .where(scope)
    )
    covered: set[str] = set()
    for type_, form in rows:
        covered.update(wanted.get((type_, form), ()))
    return covered


def add_entry(
    session: Session, org_id: int, value: StoredValue, note: str, source: str = "api"
) -> AllowlistItem:
    """Add `value` to `org_id`'s allow-list (idempotent) and return the entry."""
    existing = session.scalar(
        select(AllowlistEntry).where(
            AllowlistEntry.type == value.type.value,
            AllowlistEntry.value == value.value,
            AllowlistEntry.org_id == org_id,
        )
    )
    if existing is None:
        existing = AllowlistEntry(
            type=value.type.value, value=value.value, org_id=org_id, source=source, note=note
        )
        session.add(existing)
        session.flush()
    return AllowlistItem(existing.id, existing.type, value.display, "org", existing.source, existing.note)
