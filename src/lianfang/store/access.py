"""The one answer to "which reports (and so sightings) may this organisation see".

TLP:CLEAR — everyone, including the public lookup (viewer None);
TLP:GREEN — every member organisation;
TLP:AMBER — the submitter and the organisations named in its share list;
TLP:RED   — the submitter only.
Every repository function filters with `visible_reports`; sightings are visible through their report.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ColumnElement, and_, exists, or_

from lianfang.errors import InputError
from lianfang.store.models import Report, ReportShare


class Tlp(StrEnum):
    """Traffic Light Protocol 2.0 sharing levels."""

    CLEAR = "CLEAR"
    GREEN = "GREEN"
    AMBER = "AMBER"
    RED = "RED"

    @classmethod
    def parse(cls, raw: str) -> Tlp:
        """Accept "amber", "TLP:AMBER", "tlp:amber" (and WHITE as the TLP 1.0 name of CLEAR)."""
        name = raw.strip().upper().removeprefix("TLP:")
        if name == "WHITE":
            name = "CLEAR"
        try:
            return cls(name)
        except ValueError:
            raise InputError(f"unknown sharing level {raw!r}; use CLEAR, GREEN, AMBER or RED") from None


def visible_reports(org_id: int | None) -> ColumnElement[bool]:
    """SQL condition on `Report` that is true for the rows `org_id` may see (None = the public)."""
    if org_id is None:
        return Report.tlp == Tlp.CLEAR.value
    named = exists().where(ReportShare.report_id == Report.id, ReportShare.org_id == org_id)
    return or_(
        Report.tlp.in_((Tlp.CLEAR.value, Tlp.GREEN.value)),
        Report.org_id == org_id,
        and_(Report.tlp == Tlp.AMBER.value, named),
    )
