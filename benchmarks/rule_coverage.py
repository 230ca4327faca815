"""Rule coverage on chineseharm/dev.jsonl: per rule, how many dev texts it fires on and its precision.

Precision counts a hit as correct when the rule's category, folded onto the six ChineseHarm
labels, equals the text's label. Rules that fire on nothing are listed too (they may still
be right: dev has no pyramid-scheme or personal-data labels, and few of some sub-types).

Run by hand:  .venv/bin/python benchmarks/rule_coverage.py
The last line prints the share of harmful dev texts with at least one correct rule hit and
the micro-averaged precision of all hits.
"""

from __future__ import annotations

from collections import Counter

from lianfang.detect.datasets import read_chineseharm
from lianfang.detect.rules import default_rules
from lianfang.taxonomy import TO_CHINESEHARM
from lianfang.text.normalize import normalize


def main() -> None:
    rules = default_rules()
    dev = read_chineseharm("dev")
    fired: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    explained = 0
    harmful = 0
    for row in dev:
        hits = rules.match(normalize(row.text).text)
        good = False
        for hit in hits:
            fired[hit.rule_id] += 1
            if TO_CHINESEHARM[hit.category] == row.label:
                correct[hit.rule_id] += 1
                good = True
        if row.label != "benign":
            harmful += 1
            explained += good
    print(f"{'rule':<36}{'category':<16}{'fired':>7}{'correct':>9}{'precision':>11}")
    for rule in rules.rules:
        n = fired[rule.id]
        precision = f"{correct[rule.id] / n:.3f}" if n else "-"
        print(f"{rule.id:<36}{rule.category:<16}{n:>7}{correct[rule.id]:>9}{precision:>11}")
    total = sum(fired.values())
    micro = sum(correct.values()) / total if total else 0.0
    print(
        f"RESULT harmful dev texts with a correct rule hit: {explained}/{harmful} "
        f"({explained / harmful:.3f}); "
        f"hit precision {micro:.3f} over {total} hits"
    )


if __name__ == "__main__":
    main()
