"""Readers for the shared training/evaluation data (ChineseHarm, COLD) and labelled JSONL files."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import orjson

from lianfang.errors import InputError

__all__ = ["LabelledText", "data_dir", "read_chineseharm", "read_cold", "read_labelled"]


@dataclass(frozen=True, slots=True)
class LabelledText:
    """One training/evaluation text with its label (a ChineseHarm label, or offensive/non_offensive).

    `weight` scales the row's sample weight in training (1.0 = as is).
    """

    text: str
    label: str
    weight: float = 1.0


def data_dir() -> Path:
    """Return the shared data folder: LIANFANG_DATA_DIR, else ../shared/data from the project root.

    The project root is the checkout holding pyproject.toml (found from this file, then from
    the current directory). Raises InputError when no candidate exists.
    """
    env = os.environ.get("LIANFANG_DATA_DIR")
    if env:
        path = Path(env)
        if not path.is_dir():
            raise InputError(f"LIANFANG_DATA_DIR={env} is not a directory")
        return path
    candidates = [Path(__file__).resolve().parents[3], Path.cwd()]
    for root in candidates:
        path = root.parent / "shared" / "data"
        if path.is_dir():
            return path
    raise InputError("shared data not found: set LIANFANG_DATA_DIR or run from the project root")


def read_labelled(path: Path, label_field: str = "label") -> list[LabelledText]:
    """Read JSONL rows `{"text": ..., label_field: ...}`; raises InputError naming the bad line."""
    out: list[LabelledText] = []
    with Path(path).open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise InputError(f"{path}:{number}: not valid JSON: {exc}") from exc
            if not isinstance(row, dict) or not isinstance(row.get("text"), str) or label_field not in row:
                raise InputError(f"{path}:{number}: needs a string 'text' and a '{label_field}'")
            out.append(LabelledText(row["text"], str(row[label_field])))
    return out


def read_chineseharm(name: str) -> list[LabelledText]:
    """Read `chineseharm/<name>.jsonl` (name: "dev" or "train_extra") from `data_dir()`."""
    return read_labelled(data_dir() / "chineseharm" / f"{name}.jsonl")


def read_cold(name: str) -> list[LabelledText]:
    """Read `cold/<name>.jsonl` with labels mapped to "offensive" / "non_offensive"."""
    rows = read_labelled(data_dir() / "cold" / f"{name}.jsonl", label_field="offensive")
    return [LabelledText(r.text, "offensive" if r.label in {"1", "True"} else "non_offensive") for r in rows]
