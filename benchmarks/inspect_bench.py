"""Web inspection benchmark: precision/recall per finding kind over the corpus, then throughput.

Run by hand: `.venv/bin/python benchmarks/inspect_bench.py [--no-render] [--pages N]`.
1. Static inspection of every page in tests/data/web/expected.json: per-kind precision and
   recall at page level (a kind counts once per page).
2. The same with Debian's Chromium render (lianfang.web.render) when /usr/bin/chromium exists.
3. Static throughput on ~200 KB pages (corpus pages padded with ordinary site content: a news
   list, a 6 KB inline script and a footer with three contact numbers) in this one process:
   page checks only; then as callers run it (page checks + indicator extraction + text
   detector), first on directory-like pages whose every news item carries a landline (~490
   numbers a page, the worst case for the phone rules and the normaliser), then on pages whose
   inline script is seen only once (JavaScript analysis is cached per script source, and a
   site's template script repeats; a script of the page's own is parsed anew), last on the
   ordinary pages.
The last line is the full static inspection pages/s figure (the issue's "static inspection"
target: what a caller of `inspect_page` gets, indicators and detector included).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

from lianfang.web.finding import FindingKind
from lianfang.web.inspect import Inspection, inspect_page

CORPUS = Path(__file__).parents[1] / "tests" / "data" / "web"
TARGET_BYTES = 200 * 1024


def load() -> dict[str, dict]:
    """Return the corpus manifest."""
    return json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))["pages"]


def scripts_of(entry: dict) -> dict[str, str]:
    """Return the linked scripts a manifest entry names, read from the corpus."""
    return {src: (CORPUS / f).read_text(encoding="utf-8") for src, f in entry.get("scripts", {}).items()}


def score(results: dict[str, Inspection], manifest: dict[str, dict]) -> list[str]:
    """Return report lines: per-kind TP/FP/FN, precision and recall, then the micro average."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for name, result in results.items():
        found = {f.kind.value for f in result.findings}
        expected = set(manifest[name]["expected"])
        for kind in found & expected:
            tp[kind] += 1
        for kind in found - expected:
            fp[kind] += 1
        for kind in expected - found:
            fn[kind] += 1
    lines = []
    for kind in FindingKind:
        k = kind.value
        p = tp[k] / (tp[k] + fp[k]) if tp[k] + fp[k] else float("nan")
        r = tp[k] / (tp[k] + fn[k]) if tp[k] + fn[k] else float("nan")
        lines.append(f"  {k:<17} tp={tp[k]:>3} fp={fp[k]:>3} fn={fn[k]:>3} precision={p:.3f} recall={r:.3f}")
    t, f_p, f_n = sum(tp.values()), sum(fp.values()), sum(fn.values())
    lines.append(
        f"  {'ALL (micro)':<17} tp={t:>3} fp={f_p:>3} fn={f_n:>3} "
        f"precision={t / max(t + f_p, 1):.3f} recall={t / max(t + f_n, 1):.3f}"
    )
    return lines


def static_run(manifest: dict[str, dict]) -> dict[str, Inspection]:
    """Inspect every corpus page statically."""
    return {
        name: inspect_page((CORPUS / name).read_bytes(), e.get("url"), linked_scripts=scripts_of(e))
        for name, e in manifest.items()
    }


def render_run(manifest: dict[str, dict]) -> dict[str, Inspection] | None:
    """Inspect every page with Chromium's view added; None when Chromium or render is unavailable."""
    if not os.path.exists("/usr/bin/chromium"):
        return None
    from lianfang.web.fetch import decode_body
    from lianfang.web.render import Renderer

    results: dict[str, Inspection] = {}
    failures = 0
    with Renderer() as renderer:
        for name, e in manifest.items():
            raw = (CORPUS / name).read_bytes()
            html, _ = decode_body(raw)
            try:
                rendered = renderer.render(html, base_url=e.get("url"), timeout_s=15.0)
            except Exception as exc:  # a page the browser cannot render is scored statically
                failures += 1
                print(f"  render failed for {name}: {type(exc).__name__}: {str(exc)[:80]}", file=sys.stderr)
                rendered = None
            results[name] = inspect_page(raw, e.get("url"), rendered, linked_scripts=scripts_of(e))
    if failures:
        print(f"  ({failures} pages fell back to static)")
    return results


_FILLER_SCRIPT = (
    "<script>\n"
    + "\n".join(
        f"function widget{i}(el){{var d=document.getElementById(el);if(!d)return;d.className+=' on';"
        f"var items=d.getElementsByTagName('li');"
        f"for(var j=0;j<items.length;j++){{items[j].style.color='#333';}}}}"
        for i in range(40)
    )
    + "\nif(location.protocol!=='https:'){console.log('http');}\n</script>\n"
)


# A school or government site's footer: the contact block that real pages carry once.
_FOOTER = (
    '<div class="footer"><p>地址：浙江省杭州市西湖区文三路88号　邮编：310012</p>'
    "<p>办公室电话：0571-88880001　招生咨询：0571-88880002　传真：0571-88880003</p>"
    "<p>邮箱：office@example.edu.cn　浙ICP备12345678号</p></div>\n"
)


def padded(html: str, contact_per_item: bool = False, script_id: int | None = None) -> str:
    """Pad a corpus page to ~200 KB with ordinary site content before </body>.

    The padding is a news list (title link, summary, date; ~490 items), a 6 KB inline script
    and a footer with three contact numbers. `contact_per_item` adds a landline to every
    summary: a directory-like page, the worst case for the phone rules and the normaliser.
    The script is the same on every page (a site's template script, which `analyse_script`
    caches) unless `script_id` renames its functions, making it a script seen once.
    """
    script = _FILLER_SCRIPT if script_id is None else _FILLER_SCRIPT.replace("widget", f"w{script_id}_")
    block = []
    i = 0
    size = len(html.encode("utf-8")) + len(script) + len(_FOOTER.encode("utf-8"))
    while size < TARGET_BYTES:
        contact = f"联系电话：0571-8888{i % 10000:04d}。" if contact_per_item else "请各部门按时完成。"
        chunk = (
            f'<div class="news-item"><h3><a href="/news/2024/{i:04d}.html">'
            f"关于做好第{i}期教学检查工作的通知</a></h3>"
            f"<p>为进一步加强教学管理，提高教学质量，根据学校工作安排，定于近期开展第{i}期教学检查。"
            f"各教研组要认真组织，做好自查工作，并按时提交相关材料。{contact}</p>"
            f'<span class="date">2024-05-{i % 28 + 1:02d}</span></div>\n'
        )
        block.append(chunk)
        size += len(chunk.encode("utf-8"))
        i += 1
    filler = "".join(block) + script + _FOOTER
    cut = html.lower().rfind("</body>")
    return html[:cut] + filler + html[cut:] if cut >= 0 else html + filler


def throughput(
    manifest: dict[str, dict],
    pages: int,
    full: bool,
    contact_per_item: bool = False,
    unique_scripts: bool = False,
) -> float:
    """Return static pages per CPU-second over `pages` padded corpus pages (after a warm-up).

    `full` True runs inspect_page as callers do (checks + indicator extraction + detector);
    False runs the page checks only (indicators=False, classify=False). `contact_per_item`
    pads with the directory-like news list, `unique_scripts` with an inline script that no
    other page carries (see `padded`).
    """
    from lianfang.web.fetch import decode_body

    sources = [(decode_body((CORPUS / n).read_bytes())[0], e.get("url")) for n, e in manifest.items()]
    count = pages + 5 if unique_scripts else len(sources)
    docs = []
    for i in range(count):
        html, url = sources[i % len(sources)]
        docs.append((padded(html, contact_per_item, i if unique_scripts else None), url))
    for html, url in docs[-5:] if unique_scripts else docs[:5]:
        inspect_page(html, url, indicators=full, classify=full)
    mean_kb = sum(len(h.encode("utf-8")) for h, _ in docs) / len(docs) / 1024
    start, cpu_start = time.perf_counter(), time.process_time()
    for i in range(pages):
        html, url = docs[i % len(docs)]
        inspect_page(html, url, indicators=full, classify=full)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    what = "checks + indicators + detector" if full else "page checks only"
    if contact_per_item:
        what += ", a landline in every news item"
    if unique_scripts:
        what += ", an inline script seen once per page"
    # On a shared machine wall time counts other people's jobs; CPU time of this one-threaded
    # process is the one-core figure.
    print(
        f"throughput ({what}): {pages} pages of {mean_kb:.0f} KB mean in {elapsed:.2f} s wall"
        f" = {pages / elapsed:.1f} pages/s, {cpu:.2f} s CPU = {pages / cpu:.1f} pages per CPU-second"
    )
    return pages / cpu


def main() -> None:
    """Run the three parts and print the full static inspection pages/s figure last."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-render", action="store_true")
    parser.add_argument("--pages", type=int, default=300)
    args = parser.parse_args()
    manifest = load()
    clean = sum(1 for e in manifest.values() if not e["expected"])
    print(f"corpus: {len(manifest)} pages ({clean} clean)")
    print("static:")
    print("\n".join(score(static_run(manifest), manifest)))
    if not args.no_render:
        rendered = render_run(manifest)
        if rendered is None:
            print("render: skipped (/usr/bin/chromium not found)")
        else:
            print("render:")
            print("\n".join(score(rendered, manifest)))
    throughput(manifest, args.pages, full=False)
    throughput(manifest, max(args.pages // 3, 20), full=True, contact_per_item=True)
    throughput(manifest, max(args.pages // 3, 20), full=True, unique_scripts=True)
    rate = throughput(manifest, max(args.pages // 3, 20), full=True)
    print(f"static inspection pages/s (200 KB pages, one core, checks + indicators + detector): {rate:.1f}")


if __name__ == "__main__":
    main()
