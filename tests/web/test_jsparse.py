"""tree-sitter adapter: literal values as JavaScript reads them, ESTree shapes, offsets, recovery."""

from __future__ import annotations

import time

import pytest

from lianfang.web.jsparse import JsNode, parse_script, unescape_js


def nodes(code: str, kind: str) -> list[JsNode]:
    found = []
    stack = [parse_script(code).root]
    while stack:
        node = stack.pop()
        if node.type == kind:
            found.append(node)
        stack.extend(node.kids)
    return sorted(found, key=lambda n: n.start)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (r"\x41\x62", "Ab"),
        (r"\u0041", "A"),
        (r"\u{1F600}", "\U0001f600"),
        (r"\uD83D\uDE00", "\U0001f600"),  # a surrogate pair is one character
        (r"a\nb\tc\vd\re\bf\fg", "a\nb\tc\x0bd\re\bf\x0cg"),
        (r"\0", "\x00"),
        (r"\101\60", "A0"),  # legacy octal
        (r"\8\9", "89"),
        ("a\\\nb", "ab"),  # line continuation
        ("a\\\r\nb", "ab"),
        (r"\'\"\\\/", "'\"\\/"),
        (r"\q", "q"),
        ("plain", "plain"),
    ],
)
def test_string_escapes(raw: str, value: str) -> None:
    assert unescape_js(raw) == value
    [literal] = nodes(f'x = "{raw}";', "Literal")
    assert literal.value == value


def test_malformed_escapes_stay_text() -> None:
    # Engines reject these (tree-sitter marks them as errors); decoded payloads still get a value.
    assert unescape_js(r"\xZZ\u12") == "xZZu12"
    assert unescape_js("\\u{110000}") == "u{110000}"


@pytest.mark.parametrize(
    ("text", "value"),
    [("16", 16), ("0x10", 16), ("0o17", 15), ("0b101", 5), ("017", 15), ("019", 19), ("1_000", 1000),
     (".5", 0.5), ("1e3", 1000.0), ("10n", None)],
)
def test_numbers(text: str, value: float | None) -> None:
    [literal] = nodes(f"x = {text};", "Literal")
    assert literal.value == value and type(literal.value) is type(value)


def test_estree_shapes() -> None:
    [call] = nodes("(window).open(`a${b}c\\n`, [1,,2], 'x')", "CallExpression")
    assert call.callee.type == "MemberExpression" and not call.callee.computed
    assert call.callee.object.name == "window" and call.callee.property.name == "open"
    template, array, literal = call.arguments
    assert template.type == "TemplateLiteral" and template.quasis == ("a", "c\n")
    assert [e.name for e in template.expressions] == ["b"]
    assert array.type == "ArrayExpression" and array.holes
    assert literal.value == "x"
    [member] = nodes("a['b'] = c && d", "MemberExpression")
    assert member.computed and member.property.value == "b"
    assert nodes("a['b'] = c && d", "LogicalExpression")[0].operator == "&&"
    [func] = nodes("function f(p, q) { /* c */ return p }", "FunctionDeclaration")
    assert func.id is not None and func.id.name == "f" and [p.name for p in func.params] == ["p", "q"]
    assert [k.type for k in func.body.kids] == ["return_statement"]  # comments are left out
    [iff] = nodes("if (x) y(); else z();", "IfStatement")
    assert iff.test.name == "x" and iff.alternate is not None and iff.alternate.type == "expression_statement"


def test_escaped_identifier_is_its_name() -> None:
    assert [n.name for n in nodes("\\u0065val(x)", "Identifier")] == ["eval", "x"]


def test_offsets_are_str_indices() -> None:
    code = 'var s = "中文\U0001f600"; location.href = "http://e.com/";'
    parsed = parse_script(code)
    [assignment] = [n for n in nodes(code, "AssignmentExpression")]
    assert parsed.slice(assignment) == 'location.href = "http://e.com/"'
    assert parsed.chars(assignment.start) == code.index("location")


def test_syntax_errors_are_counted_and_left_out() -> None:
    parsed = parse_script('location.href = ;; f("ok")')
    assert parsed.errors >= 1 and parsed.first_error is not None
    assert [n.callee.name for n in nodes('location.href = ;; f("ok")', "CallExpression")] == ["f"]
    assert parse_script("if (a) { b(").errors >= 1


def test_deep_nesting_and_odd_input_do_not_raise() -> None:
    start = time.perf_counter()
    parsed = parse_script("(" * 100_000 + "1" + ")" * 100_000)
    assert parsed.errors == 0 and time.perf_counter() - start < 10
    for code in ("\x00\ud800'", "`${", "/*", "<!-- x\nlocation='y'", "a?.b?.()", "x = <div>{a}</div>"):
        parse_script(code)
