"""Validate the indicator-extraction gold files and print counts per type and per tag.

Run by hand: ``.venv/bin/python tests/data/check_extract_gold.py``. Exits 1 on any error.
Checks: every line parses; ids unique; each value is in canonical form and passes its
validator (phonenumbers, stdnum, base58check, EIP-55 shape); every url with a public
host also lists its registrable domain; real rows match their source line verbatim (when
../shared/data is present). Warnings (not errors) flag valid-looking values in a text that
no label mentions, so a reviewer can look twice.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import base58
import phonenumbers
import tldextract
from stdnum import luhn
from stdnum.cn import ric

HERE = Path(__file__).resolve().parent
FILES = [HERE / "extract_gold.jsonl", HERE / "extract_real_gold.jsonl"]
SOURCE_DIR = HERE.parents[2] / "shared" / "data"
TYPES = {
    "phone",
    "qq",
    "wechat",
    "telegram",
    "bank_card",
    "id_card",
    "usdt_trc20",
    "eth",
    "url",
    "domain",
    "email",
}
IM_HOSTS = {"t.me", "wa.me", "qm.qq.com", "u.wechat.com"}
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=())
ZW = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u2060"), None)


def check_value(kind: str, v: str, optional: bool = False) -> str | None:
    """Return an error message when ``v`` is not a valid canonical ``kind`` value, else None.

    Optional phones may carry another country code (a Hong Kong number next to a mainland one).
    """
    if kind == "phone":
        if not v.startswith("+86" if not optional else "+"):
            return "phone must start with +86"
        num = phonenumbers.parse(v)
        return None if phonenumbers.is_valid_number(num) else "phonenumbers says invalid"
    if kind == "qq":
        return None if re.fullmatch(r"[1-9]\d{4,10}", v) else "qq must be 5-11 digits"
    if kind == "wechat":
        return (
            None if re.fullmatch(r"[a-z][a-z0-9_-]{5,19}", v) else "wechat must be 6-20, lower, letter first"
        )
    if kind == "telegram":
        return None if re.fullmatch(r"[a-z][a-z0-9_]{4,31}", v) else "telegram must be 5-32 lower, no @"
    if kind == "bank_card":
        ok = re.fullmatch(r"(62|4|5[1-5])\d{14,17}", v) and 16 <= len(v) <= 19 and luhn.is_valid(v)
        return None if ok else "bank card: length/BIN/Luhn"
    if kind == "id_card":
        return None if ric.is_valid(v) and v == v.upper() and len(v) == 18 else "id card invalid"
    if kind == "usdt_trc20":
        try:
            raw = base58.b58decode_check(v)
        except ValueError:
            return "trc20 base58check failed"
        return None if len(v) == 34 and raw[0] == 0x41 and len(raw) == 21 else "trc20 wrong version/length"
    if kind == "eth":
        return None if re.fullmatch(r"0x[0-9a-f]{40}", v) else "eth must be lower-case 0x+40 hex"
    if kind == "url":
        m = re.fullmatch(r"(https?)://([^/?#:]+)(:\d+)?([/?#].*)?", v)
        if not m:
            return "url must be http(s)://host..."
        return None if m.group(2) == m.group(2).lower() else "url host must be lower-case"
    if kind == "domain":
        reg = _EXTRACT(v).top_domain_under_public_suffix
        return None if reg == v and v == v.lower() else f"domain not registrable form (got {reg!r})"
    if kind == "email":
        return (
            None
            if re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]+", v) and v == v.lower()
            else "email must be lower-case"
        )
    return f"unknown type {kind}"


def url_domain(url: str) -> str | None:
    """Registrable domain a url must also yield; None for IP or IM hosts."""
    host = re.sub(r"^https?://", "", url).split("/")[0].split("?")[0].split("#")[0].split(":")[0]
    if host in IM_HOSTS or re.fullmatch(r"[\d.]+", host):
        return None
    return _EXTRACT(host).top_domain_under_public_suffix or None


def unlabelled(text: str, labelled: set[str]) -> list[str]:
    """Valid-looking values in ``text`` (after NFKC) that no label or optional mentions."""
    t = unicodedata.normalize("NFKC", text).translate(ZW)
    found = []
    for run in re.findall(r"(?<![\d])\d{11}(?![\d])", t):
        if (
            run[0] == "1"
            and phonenumbers.is_valid_number(phonenumbers.parse("+86" + run))
            and "+86" + run not in labelled
        ):
            found.append("phone?" + run)
    for run in re.findall(r"(?<![\d])\d{16,19}(?![\dXx])", t):
        if luhn.is_valid(run) and re.match(r"62|4|5[1-5]", run) and run not in labelled:
            found.append("card?" + run)
    for run in re.findall(r"(?<![\d])\d{17}[\dXx](?![\d])", t):
        if ric.is_valid(run.upper()) and run.upper() not in labelled:
            found.append("id?" + run)
    for run in re.findall(r"T[1-9A-HJ-NP-Za-km-z]{33}", t):
        if check_value("usdt_trc20", run) is None and run not in labelled:
            found.append("trc?" + run)
    return found


def main() -> int:
    """Check both files; print counts; return the process exit status."""
    errors: list[str] = []
    warnings: list[str] = []
    for path in FILES:
        if not path.exists():
            errors.append(f"{path.name}: missing")
            continue
        ids: set[str] = set()
        by_type: Counter[str] = Counter()
        opt_type: Counter[str] = Counter()
        by_tag: Counter[str] = Counter()
        rows = negatives = 0
        sources: dict[str, list[str]] = {}
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            where = f"{path.name}:{n}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(f"{where}: bad JSON: {exc}")
                continue
            rows += 1
            for key in ("id", "text", "indicators", "tags", "optional"):
                if key not in row:
                    errors.append(f"{where}: missing {key}")
            if row.get("id") in ids:
                errors.append(f"{where}: duplicate id {row.get('id')}")
            ids.add(row.get("id"))
            labelled: set[str] = set()
            pairs: set[tuple[str, str]] = set()
            for group, counter in (("indicators", by_type), ("optional", opt_type)):
                for ind in row.get(group, []):
                    kind, value = ind.get("type"), ind.get("value")
                    if kind not in TYPES or not isinstance(value, str):
                        errors.append(f"{where}: bad {group} entry {ind}")
                        continue
                    msg = check_value(kind, value, optional=group == "optional")
                    if msg:
                        errors.append(f"{where}: {group} {kind}={value!r}: {msg}")
                    counter[kind] += 1
                    labelled.add(value)
                    pairs.add((kind, value))
            required = {(i["type"], i["value"]) for i in row.get("indicators", [])}
            if len(required) != len(row.get("indicators", [])):
                errors.append(f"{where}: duplicate indicator")
            for kind, value in required:
                if kind == "url":
                    dom = url_domain(value)
                    if dom and ("domain", dom) not in required:
                        errors.append(f"{where}: url {value} without its domain {dom}")
            if not row.get("indicators"):
                negatives += 1
            by_tag.update(row.get("tags", []))
            for w in unlabelled(row.get("text", ""), labelled):
                warnings.append(f"{where}: unlabelled {w}")
            if "source" in row:
                file, _, line_no = row["source"].removeprefix("chineseharm/").rpartition(":")
                if file not in sources:
                    src = SOURCE_DIR / "chineseharm" / file
                    sources[file] = src.read_text(encoding="utf-8").splitlines() if src.exists() else []
                if sources[file] and json.loads(sources[file][int(line_no) - 1])["text"] != row["text"]:
                    errors.append(f"{where}: text differs from {row['source']}")
                expect_id = f"real-{file.removesuffix('.jsonl')}-{line_no}"
                if row["id"] != expect_id:
                    errors.append(f"{where}: id should be {expect_id}")
        print(f"== {path.name}: {rows} rows, {negatives} with no required indicator")
        print("   required per type: " + ", ".join(f"{k}={v}" for k, v in sorted(by_type.items())))
        print("   optional per type: " + ", ".join(f"{k}={v}" for k, v in sorted(opt_type.items())))
        print("   tags: " + ", ".join(f"{k}={v}" for k, v in sorted(by_tag.items())))
    for w in warnings:
        print("warning:", w)
    for e in errors:
        print("ERROR:", e)
    print(f"{len(errors)} errors, {len(warnings)} warnings")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
