"""Streaming extraction over JSONL or plain-text lines, one output record per input line.

Input lines are bytes so that a bad encoding on one line is reported for that line only; a
malformed line yields an error record (`{"id": null, "error": ...}`) and processing goes on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, Literal

from lianfang.i18n import t
from lianfang.indicators.extract import extract
from lianfang.indicators.model import Indicator

Format = Literal["jsonl", "text"]


def indicator_record(item: Indicator) -> dict[str, Any]:
    """JSON-ready dict of one indicator: type, value, start, end, raw."""
    return {"type": item.type.value, "value": item.value, "start": item.start, "end": item.end,
            "raw": item.raw}


def _error(message: str) -> dict[str, Any]:
    return {"id": None, "error": message}


def extract_record(
    line: bytes, number: int, fmt: Format = "jsonl", lang: str | None = None
) -> dict[str, Any]:
    """Output record for input line `number` (1-based): {"id", "indicators"} or {"id": None, "error"}.

    jsonl lines must be objects with a string "text" (and any JSON "id"); text lines are the text
    itself and get their line number as id. Error messages are in `lang` (default: LIANFANG_LANG).
    """
    try:
        decoded = line.decode("utf-8")
    except UnicodeDecodeError:
        return _error(t("bad_utf8", lang, line=number))
    decoded = decoded.rstrip("\r\n")
    if fmt == "text":
        return {"id": number, "indicators": [indicator_record(i) for i in extract(decoded)]}
    try:
        obj = json.loads(decoded)
    except (json.JSONDecodeError, RecursionError) as exc:
        return _error(t("bad_json_line", lang, line=number, error=str(exc)))
    if not isinstance(obj, dict):
        return _error(t("bad_field_line", lang, line=number, field="-", error=type(obj).__name__))
    text = obj.get("text")
    if text is None:
        return _error(t("missing_text", lang, line=number))
    if not isinstance(text, str):
        return _error(t("bad_field_line", lang, line=number, field="text", error=type(text).__name__))
    return {"id": obj.get("id"), "indicators": [indicator_record(i) for i in extract(text)]}


def extract_lines(lines: Iterable[bytes], fmt: Format = "jsonl", lang: str | None = None) -> Iterator[str]:
    """Yield one JSON line (without newline) per input line; blank lines are skipped."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        yield json.dumps(extract_record(line, number, fmt, lang), ensure_ascii=False)
