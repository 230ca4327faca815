"""Adapter from plain rows to the correlation engine's input batch.

The store feeds the engine from a query that yields plain tuples
``(report_id, indicator_type, indicator_value, allow_listed)``; this module validates them and packs
them into a `ReportBatch` of integer arrays, so the engine never sees ORM objects and never imports
``store/``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from lianfang.errors import InputError
from lianfang.i18n import t
from lianfang.taxonomy import IndicatorType

IndicatorRow = tuple[int, str, str, bool]
"""One observation: report id, indicator type (an `IndicatorType` value), canonical value, allow-listed."""

_KNOWN_TYPES = frozenset(item.value for item in IndicatorType)


def indicator_key(indicator_type: str, value: str) -> str:
    """Return the engine key ``"<type>:<canonical value>"`` of an indicator, e.g. ``phone:+8613800138000``."""
    return f"{indicator_type}:{value}"


@dataclass(frozen=True, slots=True)
class ReportBatch:
    """Observations packed for the engine.

    `report_ids[k]` and `keys[key_index[k]]` form observation k; `allow_listed[j]` says whether
    `keys[j]` is on an allow-list (true if any row said so). `keys` holds each key once.
    """

    report_ids: npt.NDArray[np.int64]
    key_index: npt.NDArray[np.int64]
    keys: tuple[str, ...]
    allow_listed: npt.NDArray[np.bool_]

    def __post_init__(self) -> None:
        if self.report_ids.shape != self.key_index.shape or self.report_ids.ndim != 1:
            raise InputError("report_ids and key_index must be 1-D arrays of the same length")
        if len(self.keys) != self.allow_listed.shape[0]:
            raise InputError("allow_listed must have one entry per key")
        if self.key_index.size and (self.key_index.min() < 0 or self.key_index.max() >= len(self.keys)):
            raise InputError("key_index points outside keys")

    def __len__(self) -> int:
        return int(self.report_ids.shape[0])


def batch_from_rows(rows: Iterable[IndicatorRow]) -> ReportBatch:
    """Validate plain rows and pack them into a `ReportBatch`.

    Each row is ``(report_id: int, indicator_type: str, indicator_value: str, allow_listed: bool)``;
    the value must already be canonical (the store holds canonical values). Raises `InputError`
    naming the first bad row (wrong arity, non-integer or negative id, unknown type, empty value,
    non-boolean flag). Duplicate rows are allowed; the engine counts a report–indicator pair once.
    """
    report_ids: list[int] = []
    key_index: list[int] = []
    positions: dict[str, int] = {}
    allow: list[bool] = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, tuple | list) or len(row) != 4:
            raise InputError(t("intel_bad_row", line=number, error="expected 4 fields"))
        report_id, itype, value, allow_listed = row
        # bool is an int subclass; a True report id is a caller bug, not report 1.
        if isinstance(report_id, bool) or not isinstance(report_id, int | np.integer) or report_id < 0:
            raise InputError(t("intel_bad_row", line=number, error=f"bad report id {report_id!r}"))
        if itype not in _KNOWN_TYPES:
            raise InputError(t("intel_bad_row", line=number, error=f"unknown indicator type {itype!r}"))
        if not isinstance(value, str) or not value.strip():
            raise InputError(t("intel_bad_row", line=number, error="empty indicator value"))
        if not isinstance(allow_listed, bool | np.bool_):
            raise InputError(t("intel_bad_row", line=number, error="allow_listed must be a boolean"))
        key = indicator_key(str(itype), value)
        position = positions.get(key)
        if position is None:
            position = positions[key] = len(allow)
            allow.append(bool(allow_listed))
        elif allow_listed:
            allow[position] = True
        report_ids.append(int(report_id))
        key_index.append(position)
    return ReportBatch(
        report_ids=np.asarray(report_ids, dtype=np.int64),
        key_index=np.asarray(key_index, dtype=np.int64),
        keys=tuple(positions),
        allow_listed=np.asarray(allow, dtype=np.bool_),
    )
