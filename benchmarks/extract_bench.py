"""Indicator extraction: Lianfang against iocsearcher, ioc-finder and iocextract, same texts, same run.

Run by hand: ``.venv/bin/python benchmarks/extract_bench.py``. Prints, for each gold set
(tests/data/extract_gold.jsonl, tests/data/extract_real_gold.jsonl), a per-type precision /
recall / F1 table and docs/s per tool; then single-core throughput on ChineseHarm texts of at
most 300 characters (../shared/data/chineseharm), the time of 1 MB adversarial inputs, and as
the LAST line the ratio of Lianfang's micro-F1 to the best other tool's micro-F1 (real gold set
when present, else the synthetic one).

Fairness: every tool's outputs are mapped onto our types and passed through the same
`canonicalize(value, type)` that Lianfang's own values go through (values it rejects are kept
lower-cased, so they count as false positives only when wrong); a URL found by any tool also
yields its registrable domain, as Lianfang's convention does; `optional` gold items count
neither way.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from lianfang.indicators.canonical import canonicalize
from lianfang.indicators.extract import extract
from lianfang.indicators.net import registrable_domain
from lianfang.taxonomy import IndicatorType

ROOT = Path(__file__).resolve().parents[1]
GOLD = [ROOT / "tests/data/extract_gold.jsonl", ROOT / "tests/data/extract_real_gold.jsonl"]
CHINESEHARM = ROOT.parent / "shared/data/chineseharm"
Pair = tuple[str, str]
Tool = Callable[[str], set[Pair]]


def _canon(kind: IndicatorType, value: str) -> Pair:
    found = canonicalize(value, kind)
    return (kind.value, found[1]) if found else (kind.value, value.strip().lower())


def _with_domains(pairs: Iterable[Pair]) -> set[Pair]:
    out = set(pairs)
    for kind, value in list(out):
        if kind == "url":
            found = canonicalize(value, IndicatorType.DOMAIN)
            if found:
                out.add(("domain", found[1]))
    return out


def lianfang_tool(text: str) -> set[Pair]:
    return {(i.type.value, i.value) for i in extract(text)}


def make_iocsearcher() -> Tool:
    from iocsearcher.searcher import Searcher

    searcher = Searcher()
    kinds = {"url": IndicatorType.URL, "fqdn": IndicatorType.DOMAIN, "email": IndicatorType.EMAIL,
             "ethereum": IndicatorType.ETH, "tron": IndicatorType.USDT_TRC20,
             "phoneNumber": IndicatorType.PHONE,
             "telegramHandle": IndicatorType.TELEGRAM}

    def run(text: str) -> set[Pair]:
        out: set[Pair] = set()
        for ioc in searcher.search_data(text):
            kind = kinds.get(ioc.name)
            if kind is IndicatorType.DOMAIN:
                domain = registrable_domain(ioc.value)
                out.add(("domain", domain or ioc.value.lower()))
            elif kind is not None:
                out.add(_canon(kind, ioc.value))
        return _with_domains(out)

    return run


def make_ioc_finder() -> Tool:
    from ioc_finder import find_iocs

    kinds = {"urls": IndicatorType.URL, "domains": IndicatorType.DOMAIN,
             "email_addresses": IndicatorType.EMAIL,
             "phone_numbers": IndicatorType.PHONE}

    def run(text: str) -> set[Pair]:
        out: set[Pair] = set()
        for key, values in find_iocs(text).items():
            kind = kinds.get(key)
            for value in values if kind else ():
                if kind is IndicatorType.DOMAIN:
                    out.add(("domain", registrable_domain(value) or value.lower()))
                else:
                    out.add(_canon(kind, value))
        return _with_domains(out)

    return run


def make_iocextract() -> Tool:
    import iocextract

    def run(text: str) -> set[Pair]:
        out: set[Pair] = set()
        out.update(_canon(IndicatorType.URL, u) for u in iocextract.extract_urls(text, refang=True))
        out.update(_canon(IndicatorType.EMAIL, e) for e in iocextract.extract_emails(text, refang=True))
        out.update(_canon(IndicatorType.PHONE, p) for p in iocextract.extract_telephone_nums(text))
        return _with_domains(out)

    return run


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def score(tool: Tool, rows: list[dict]) -> tuple[Counter[str], Counter[str], Counter[str], float]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    start = time.perf_counter()
    outputs = [tool(row["text"]) for row in rows]
    seconds = time.perf_counter() - start
    for row, got in zip(rows, outputs, strict=True):
        optional = {(i["type"], i["value"]) for i in row.get("optional", [])}
        gold = {(i["type"], i["value"]) for i in row["indicators"]} - optional
        got = got - optional
        for kind, _ in got & gold:
            tp[kind] += 1
        for kind, _ in got - gold:
            fp[kind] += 1
        for kind, _ in gold - got:
            fn[kind] += 1
    return tp, fp, fn, len(rows) / seconds


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def report(name: str, tools: dict[str, Tool], rows: list[dict]) -> dict[str, float]:
    print(f"\n== {name}: {len(rows)} texts ==")
    micro: dict[str, float] = {}
    types = [t.value for t in IndicatorType]
    print(f"{'tool':12} {'type':11} {'P':>6} {'R':>6} {'F1':>6}  (tp/fp/fn)")
    for tool_name, tool in tools.items():
        tp, fp, fn, rate = score(tool, rows)
        for kind in types:
            if tp[kind] + fp[kind] + fn[kind]:
                p, r, f = prf(tp[kind], fp[kind], fn[kind])
                counts = f"({tp[kind]}/{fp[kind]}/{fn[kind]})"
                print(f"{tool_name:12} {kind:11} {p:6.3f} {r:6.3f} {f:6.3f}  {counts}")
        p, r, f = prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
        micro[tool_name] = f
        print(f"{tool_name:12} {'ALL':11} {p:6.3f} {r:6.3f} {f:6.3f}  docs/s {rate:,.0f}")
    return micro


def throughput(tools: dict[str, Tool]) -> None:
    texts = []
    for name in ("dev.jsonl", "train_extra.jsonl"):
        path = CHINESEHARM / name
        if path.exists():
            rows = (json.loads(line)["text"] for line in path.open(encoding="utf-8"))
            texts += [t for t in rows if len(t) <= 300]
    if not texts:
        print("throughput: ChineseHarm texts not found, skipped")
        return
    print(f"\n== throughput, {len(texts)} ChineseHarm texts of <= 300 chars, one core ==")
    for tool_name in ("lianfang", "iocsearcher"):
        tool = tools[tool_name]
        for text in texts[:50]:
            tool(text)  # warm caches
        best = 0.0
        for _ in range(3):
            start = time.perf_counter()
            for text in texts:
                tool(text)
            best = max(best, len(texts) / (time.perf_counter() - start))
        print(f"{tool_name:12} {best:,.0f} texts/s")


def adversarial() -> None:
    inputs = {
        "digits": "1" * 1_000_000,
        "dotted labels": "a." * 500_000,
        "cue + id-ish": "微信:" + "a-" * 499_998,
        "spaced full-width digits": "１ " * 500_000,
        "emails without end": ("x@" + "a." * 60) * 8_000,
        "defang soup": "a点" * 500_000,
        "numeral soup": "一 " * 500_000,
        "url no end": "http://" + "a/" * 499_996,
    }
    print("\n== 1 MB adversarial inputs ==")
    worst = 0.0
    for label, text in inputs.items():
        start = time.perf_counter()
        extract(text)
        seconds = time.perf_counter() - start
        worst = max(worst, seconds)
        print(f"{label:26} {len(text):>9,} chars {seconds:6.2f} s")
    print(f"worst 1 MB adversarial input: {worst:.2f} s")


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core, as the target says
    tools: dict[str, Tool] = {"lianfang": lianfang_tool, "iocsearcher": make_iocsearcher(),
                              "ioc-finder": make_ioc_finder(), "iocextract": make_iocextract()}
    # Full-width text too, so the one-time character tables are not billed to the first gold set.
    lianfang_tool("warm up 13800138000 a.com １３８ 微信")
    last: dict[str, float] = {}
    for path in GOLD:
        if not path.exists():
            print(f"\n{path.name} not found, skipped", file=sys.stderr)
            continue
        last = report(path.name, tools, load(path))
    throughput(tools)
    adversarial()
    if not last:
        print("no gold set found")
        return
    best_other = max(v for k, v in last.items() if k != "lianfang")
    ratio = last["lianfang"] / best_other if best_other else float("inf")
    print(f"Lianfang F1 / best other tool F1: {ratio:.2f} ({last['lianfang']:.3f} / {best_other:.3f})")


if __name__ == "__main__":
    main()
