"""Every page of the hand-written corpus (tests/data/web/expected.json) yields exactly its expected kinds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lianfang.web.inspect import inspect_page

CORPUS = Path(__file__).parents[1] / "data" / "web"
MANIFEST: dict[str, dict] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))["pages"]


def inspect_corpus_page(name: str):
    entry = MANIFEST[name]
    scripts = {
        src: (CORPUS / file).read_text(encoding="utf-8") for src, file in entry.get("scripts", {}).items()
    }
    return inspect_page((CORPUS / name).read_bytes(), entry.get("url"), linked_scripts=scripts)


def test_corpus_size_and_balance() -> None:
    clean = [name for name, entry in MANIFEST.items() if not entry["expected"]]
    assert len(MANIFEST) >= 60 and len(clean) >= 15
    assert all((CORPUS / name).is_file() for name in MANIFEST)


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_page_findings_match_manifest(name: str) -> None:
    result = inspect_corpus_page(name)
    # illicit_content is the text detector's verdict (lianfang.detect, evaluated by its own
    # benchmark); this corpus tests the page techniques. benchmarks/inspect_bench.py reports it.
    found = {finding.kind.value for finding in result.findings} - {"illicit_content"}
    expected = set(MANIFEST[name]["expected"]) - {"illicit_content"}
    assert found == expected, [(f.kind.value, f.detail, f.evidence[:80]) for f in result.findings]
    if not expected:
        assert all(f.kind.value == "illicit_content" for f in result.findings)


def test_gbk_pages_are_decoded_as_gb18030() -> None:
    result = inspect_corpus_page("gbk_gov_hidden_div.html")
    assert result.encoding == "gb18030"
    assert any("葡京" in f.evidence for f in result.findings)
