"""analyse_script: offsets, partial parses, function calls across decoding levels, decoding budget."""

from __future__ import annotations

import time

from lianfang.web.js import MAX_DECODED_TOTAL, MAX_PAYLOADS, analyse_script


def test_offsets_index_the_str_source_after_non_ascii_text() -> None:
    code = 'var t = "通知\U0001f600"; location.href = "http://e.com/";'
    [redirect] = analyse_script(code).redirects
    assert code[redirect.start : redirect.end] == 'location.href = "http://e.com/"'
    assert redirect.snippet == 'location.href = "http://e.com/"'


def test_a_syntax_error_leaves_the_rest_analysed_with_a_note() -> None:
    report = analyse_script('location.href = "http://e.com/"; var = ;')
    assert [r.target for r in report.redirects] == ["http://e.com/"]
    assert any("not parsed" in note for note in report.notes)


def test_the_last_declaration_of_a_function_is_the_one_called() -> None:
    code = (
        'function go(){location.href="http://a.com/"}\n'
        'function go(){location.href="http://b.com/"}\n'
        "go();"
    )
    by_target = {r.target: r.auto for r in analyse_script(code).redirects}
    assert by_target == {"http://b.com/": True, "http://a.com/": False}


def test_function_declared_in_a_payload_points_at_the_decoding_call() -> None:
    code = "x();eval(\"function g(){location.href='http://e.com/'}\"); g();"
    [redirect] = analyse_script(code).redirects
    assert redirect.auto and redirect.obfuscation == ("eval",)
    assert code[redirect.start : redirect.end].startswith("eval(")
    assert redirect.snippet == "location.href='http://e.com/'"


def test_self_multiplying_payloads_stop_at_the_decoding_budget() -> None:
    # Each payload decodes to four more: 4**MAX_DEPTH analyses without the budget.
    start = time.perf_counter()
    report = analyse_script('var a = "eval(a);eval(a);eval(a);eval(a);location.href=1"; eval(a);')
    assert len(report.redirects) <= MAX_PAYLOADS + 1 and time.perf_counter() - start < 5
    assert [note for note in report.notes if "budget" in note] == [
        f"decoded payloads skipped: budget of {MAX_PAYLOADS} payloads / {MAX_DECODED_TOTAL} chars used up"
    ]


def test_a_long_call_chain_does_not_cost_the_rest_of_the_script() -> None:
    # `$(x).a(1).a(1)…` 20k deep used to overflow the stack while naming the callee; the
    # redirect after it was then lost with the rest of the script.
    chain = "$(x)" + ".a(1)" * 20_000 + ";\n"
    report = analyse_script(chain + 'location.href = "http://bad.example/";')
    assert [r.target for r in report.redirects] == ["http://bad.example/"]
    assert not any("too deeply" in note for note in report.notes)
