"""Run inspect_page over hostile inputs in a child process; print one JSON line per case.

Used by test_hostile.py under a memory limit and a wall-clock guard, so a hang or a crash in a
native parser fails the test instead of taking pytest down.
"""

from __future__ import annotations

import json
import random
import resource
import sys

from lianfang.web.inspect import inspect_page


def cases() -> dict[str, str | bytes]:
    """Return the hostile inputs by name."""
    nested_eval = 'location.href="http://e.com/"'
    for _ in range(6):
        nested_eval = 'eval(unescape("' + "".join(f"%{ord(c):02X}" for c in nested_eval) + '"))'
    return {
        "page_50mb": "<html><body>" + "<p>学校新闻 <a href='http://a.com/'>x</a></p>\n" * 1_200_000,
        "binary_junk": bytes(random.Random(7).randbytes(2 * 1024 * 1024)),
        "nested_100k": "<div>" * 100_000
        + "<a href='http://bet.com/' style='display:none'>百家乐</a>"
        + "</div>" * 100_000,
        "js_parens": "<script>" + "(" * 50_000 + "1" + ")" * 50_000 + "</script>",
        "js_arrays": "<script>var a=" + "[" * 20_000 + "]" * 20_000 + ";</script>",
        "js_huge_string": "<script>var s='" + "a" * 3_000_000 + "';location.href='http://e.com/'</script>",
        "js_regex_bomb": "<script>if(/(a+)+$/.test('"
        + "a" * 5000
        + "!')){location.href='http://e.com/'}</script>",
        "js_concat_chain": "<script>var s=" + "+".join(["'a'"] * 20_000) + ";document.write(s)</script>",
        "js_nested_eval": "<script>" + nested_eval + "</script>",
        "css_rules": "<style>"
        + ".a{display:none}" * 50_000
        + "</style>"
        + "<div class=a><a href='http://x.com'>x</a></div>" * 500,
    }


def main() -> None:
    """Inspect each case named on the command line (all when none) and report."""
    resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))
    wanted = sys.argv[1:] or list(cases())
    for name, html in cases().items():
        if name not in wanted:
            continue
        result = inspect_page(html, "http://www.site.cn/")
        print(
            json.dumps(
                {
                    "case": name,
                    "verdict": result.verdict.label,
                    "kinds": sorted({f.kind.value for f in result.findings}),
                    "notes": list(result.notes),
                    "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
