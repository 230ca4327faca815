"""Hostile input: huge, deeply nested, binary and pathological-JS pages never crash or hang.

The big cases run in one child process (memory-limited, with a wall-clock guard) so a native
crash or a hang fails the test rather than the whole suite. Smaller random inputs go through
hypothesis in-process.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianfang.errors import InputError
from lianfang.web.inspect import inspect_page
from lianfang.web.js import analyse_script

RUNNER = Path(__file__).with_name("hostile_runner.py")


@pytest.fixture(scope="module")
def hostile_results() -> dict[str, dict]:
    done = subprocess.run([sys.executable, str(RUNNER)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return {row["case"]: row for row in rows}


def test_every_case_finished_within_memory(hostile_results: dict[str, dict]) -> None:
    assert len(hostile_results) == 10
    assert max(row["maxrss_mb"] for row in hostile_results.values()) < 2048


def test_limits_are_reported(hostile_results: dict[str, dict]) -> None:
    assert any("truncated" in note for note in hostile_results["page_50mb"]["notes"])
    assert any("flattened" in note for note in hostile_results["nested_100k"]["notes"])
    assert any("skipped" in note or "budget" in note for note in hostile_results["js_huge_string"]["notes"])
    assert hostile_results["js_parens"]["kinds"] == [] and hostile_results["js_arrays"]["kinds"] == []


def test_findings_survive_hostile_surroundings(hostile_results: dict[str, dict]) -> None:
    # The regex is never executed, so the redirect behind it is still seen.
    assert hostile_results["js_regex_bomb"]["kinds"] == ["js_redirect"]
    assert hostile_results["js_nested_eval"]["kinds"] == ["js_redirect"]
    assert hostile_results["binary_junk"]["verdict"] in ("clean", "suspicious", "malicious")
    # Flattening keeps the innermost link: the planted block is still found under 100k levels.
    assert "hidden_link" in hostile_results["nested_100k"]["kinds"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=4000), st.text(max_size=4000)))
def test_random_input_never_raises(data: str | bytes) -> None:
    result = inspect_page(data)
    assert result.verdict.label in ("clean", "suspicious", "malicious")


_FRAGMENTS = st.sampled_from(
    [
        "<div style='display:none'>",
        "</div>",
        "<a href='http://x.com'>",
        "</a>",
        "<script>",
        "</script>",
        "location.href=",
        "'http://e.com'",
        "eval(",
        "unescape('%3C')",
        ")",
        "(",
        "<iframe src=http://e.com width=0>",
        "<meta http-equiv=refresh content='0;url=",
        "{",
        "}",
        "百家乐",
        "<style>.a{",
        "display:none}</style>",
        "\x00",
        "<!--",
        "-->",
        "<noscript>",
    ]
)


@settings(max_examples=80, deadline=None)
@given(st.lists(_FRAGMENTS, max_size=60))
def test_random_tag_soup_never_raises(parts: list[str]) -> None:
    inspect_page("".join(parts), "http://www.site.cn/")


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet="(){}[];=+'\"`/\\ab.location", max_size=300))
def test_random_js_never_raises(code: str) -> None:
    analyse_script(code)


def test_wrong_type_is_input_error() -> None:
    with pytest.raises(InputError):
        inspect_page(12345)  # type: ignore[arg-type]
