"""Streaming JSONL classification: `{"id", "text"}` lines in, one result or error line out each."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

import orjson

from lianfang.detect.model import SCHEMES, DetectorModel, classify_many, load, to_scheme
from lianfang.errors import InputError
from lianfang.i18n import t

__all__ = ["classify_lines"]


def _parse(number: int, raw: bytes | str, lang: str | None) -> tuple[Any, str] | str:
    """Return (id, text) for a good line, or the error message for a bad one."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            return t("bad_utf8", lang, line=number)
    try:
        row = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return t("bad_json_line", lang, line=number, error=exc)
    if not isinstance(row, dict) or not isinstance(row.get("text"), str):
        return t("missing_text", lang, line=number)
    return row.get("id"), row["text"]


def classify_lines(
    lines: Iterable[bytes | str],
    scheme: str = "native",
    model: DetectorModel | None = None,
    batch_size: int = 256,
    lang: str | None = None,
) -> Iterator[str]:
    """Classify JSONL `lines` lazily, yielding one JSON string per non-blank input line, in order.

    Good lines give `{"id", "label", "scores", "stage", "subtype", "rules"}` in `scheme`
    ("native", "chineseharm" or "cold"); malformed ones give `{"line", "error"}` and
    processing goes on. Raises InputError for an unknown scheme before reading any line.
    """
    if scheme not in SCHEMES:  # fail fast, before reading any input
        raise InputError(f"unknown scheme {scheme!r}; expected one of {', '.join(SCHEMES)}")
    numbered = ((n, raw) for n, raw in enumerate(lines, start=1) if raw.strip())
    while chunk := list(islice(numbered, batch_size)):
        parsed = [(n, _parse(n, raw, lang)) for n, raw in chunk]
        good = [(n, p) for n, p in parsed if isinstance(p, tuple)]
        results = classify_many([text for _n, (_id, text) in good], model or load())
        by_line = {n: r for (n, _p), r in zip(good, results, strict=True)}
        for n, p in parsed:
            if isinstance(p, str):
                yield orjson.dumps({"line": n, "error": p}).decode()
                continue
            result = by_line[n]
            shown = to_scheme(result, scheme)
            yield orjson.dumps(
                {
                    "id": p[0],
                    "label": shown.label,
                    "scores": {k: round(v, 4) for k, v in shown.scores.items()},
                    "stage": result.stage,
                    "subtype": result.subtype,
                    "rules": list(result.rules),
                }
            ).decode()
