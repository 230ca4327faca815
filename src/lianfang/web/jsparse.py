"""JavaScript parsing with tree-sitter, adapted to the few ESTree-like node shapes `js.py` analyses.

tree-sitter (C) parses a 7.6 KB script in ~2-3 ms and never raises: syntax errors become
ERROR/MISSING nodes, which are left out of the adapted tree and counted in `ParsedScript.errors`.
(esprima, pure Python, needed ~35 ms to parse and analyse that script; now ~10 ms in all.)
The tree is converted in one iterative pass (deeply nested code cannot exhaust the Python
stack) into `JsNode`s carrying the ESTree names `js.py` reads:
`Identifier.name`, `Literal.value`, `MemberExpression.object/property/computed`,
`CallExpression.callee/arguments`, ... with literal values decoded as a JavaScript engine would
(string escapes, numeric forms). Other node kinds keep tree-sitter's type name and only their
children (`kids`, in source order). Offsets are UTF-8 byte offsets; `ParsedScript.chars` maps
them to indices of the analysed `str`.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

import tree_sitter
import tree_sitter_javascript

_LANGUAGE = tree_sitter.Language(tree_sitter_javascript.language())
# A Parser holds mutable C state; py-tree-sitter keeps the GIL while parsing today, but one
# parser per thread stays safe under API servers' thread pools and free-threaded Python.
_LOCAL = threading.local()


def _parser() -> tree_sitter.Parser:
    parser: tree_sitter.Parser | None = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = _LOCAL.parser = tree_sitter.Parser(_LANGUAGE)
    return parser


class JsNode:
    """One adapted syntax node; fields other than `type`, `start`, `end`, `kids` depend on `type`.

    Every node type that has a structural field (`callee`, `left`, `body`, ...) always gets it,
    a "Missing" node where tree-sitter could not parse that part; scalar fields default to the
    class values below.
    """

    type: str
    start: int
    end: int
    # Leaves share the empty tuple: fewer allocations, and less for the cyclic GC to track.
    kids: Sequence[JsNode] = ()
    # Identifier
    name: str = ""
    # Literal: `value` is str, int, float, bool or None; `regex` marks /.../ literals (`raw` is the text)
    value: str | int | float | bool | None = None
    regex: bool = False
    raw: str = ""
    # operators of Binary/Logical/AssignmentExpression
    operator: str = ""
    computed: bool = False
    holes: bool = False  # ArrayExpression with elisions ([a,,b])
    quasis: tuple[str, ...] = ()  # TemplateLiteral's cooked strings
    object: JsNode
    property: JsNode
    callee: JsNode
    arguments: Sequence[JsNode]
    left: JsNode
    right: JsNode
    test: JsNode
    consequent: JsNode
    alternate: JsNode | None = None
    id: JsNode | None = None
    init: JsNode | None = None
    body: JsNode
    params: Sequence[JsNode]
    elements: Sequence[JsNode]
    expressions: Sequence[JsNode]

    def __init__(self, kind: str, start: int, end: int) -> None:
        self.type = kind
        self.start = start
        self.end = end

    def __repr__(self) -> str:
        return f"JsNode({self.type}, {self.start}-{self.end})"


def _missing(at: int) -> JsNode:
    # Stands in for a required part tree-sitter could not parse; analysed as an opaque value.
    return JsNode("Missing", at, at)


@dataclass(frozen=True, slots=True)
class ParsedScript:
    """A parsed script: the adapted tree, the source, and the syntax errors tree-sitter recovered from."""

    root: JsNode
    text: str
    errors: int
    first_error: int | None  # char offset of the first error
    _non_ascii_ends: tuple[int, ...]  # byte offset just after each non-ASCII char
    _extra_bytes: tuple[int, ...]  # bytes beyond one per char, up to and including that char

    def chars(self, byte_offset: int) -> int:
        """Return the index into `text` of a UTF-8 byte offset (a character boundary)."""
        return _char_index(self._non_ascii_ends, self._extra_bytes, byte_offset)

    def slice(self, node: JsNode) -> str:
        """Return the source text of `node`."""
        return self.text[self.chars(node.start) : self.chars(node.end)]


def _char_index(non_ascii_ends: Sequence[int], extra_bytes: Sequence[int], byte_offset: int) -> int:
    if not non_ascii_ends:
        return byte_offset
    i = bisect_right(non_ascii_ends, byte_offset)
    return byte_offset - extra_bytes[i - 1] if i else byte_offset


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _offset_table(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    ends: list[int] = []
    extras: list[int] = []
    extra = 0
    for match in _NON_ASCII.finditer(text):
        code = ord(match.group())
        # UTF-8 length minus one (lone surrogates are encoded as 3 bytes by "surrogatepass").
        extra += 1 if code < 0x800 else 2 if code < 0x10000 else 3
        ends.append(match.end() + extra)
        extras.append(extra)
    return tuple(ends), tuple(extras)


# \u{...}, \uXXXX, \xXX, legacy octal, line continuations, then any single escaped character.
_ESCAPE = re.compile(
    r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[0-3][0-7]{0,2}|[4-7][0-7]?|\r\n|[\s\S])"
)
_SINGLE = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v"}
_LINE_TERMINATORS = frozenset({"\n", "\r", "\r\n", "\u2028", "\u2029"})
_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")


def _escape(match: re.Match[str]) -> str:
    token = match.group(1)
    head = token[0]
    if (head == "u" or head == "x") and len(token) > 1:
        code = int(token[2:-1] if token[1] == "{" else token[1:], 16)
        return chr(code) if code <= 0x10FFFF else token
    if "0" <= head <= "7":
        return chr(int(token, 8))
    if token in _LINE_TERMINATORS:
        return ""
    return _SINGLE.get(token, token)


def _join_surrogates(match: re.Match[str]) -> str:
    return match.group().encode("utf-16", "surrogatepass").decode("utf-16")


def unescape_js(raw: str) -> str:
    """Return the value of a string literal's body as JavaScript reads it.

    Handles \\xNN, \\uNNNN, \\u{N...}, legacy octal, single-character escapes and line
    continuations; a surrogate pair written as two \\u escapes becomes one character.
    Malformed escapes yield the escaped text itself (engines reject them; we stay lenient).
    """
    if "\\" not in raw:
        return raw
    value = _ESCAPE.sub(_escape, raw)
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        value = _SURROGATE_PAIR.sub(_join_surrogates, value)
    return value


def _number(text: str) -> int | float | None:
    text = text.replace("_", "")
    lower = text.lower()
    try:
        if lower.endswith("n"):  # BigInt: not a Number, not folded
            return None
        if lower.startswith(("0x", "0o", "0b")):
            return int(text[2:], {"x": 16, "o": 8, "b": 2}[lower[1]])
        if len(text) > 1 and text[0] == "0" and text.isdigit():
            # Sloppy-mode legacy octal (017 == 15) unless a digit 8/9 makes it decimal.
            return int(text, 8) if set(text) <= set("01234567") else int(text)
        if text.isdigit():
            return int(text)
        return float(text)
    except ValueError:
        return None


_IDENTIFIERS = frozenset(
    {
        "identifier",
        "property_identifier",
        "shorthand_property_identifier",
        "shorthand_property_identifier_pattern",
        "statement_identifier",
        "private_property_identifier",
    }
)
_TYPES = {
    "variable_declarator": "VariableDeclarator",
    "assignment_expression": "AssignmentExpression",
    "augmented_assignment_expression": "AssignmentExpression",
    "member_expression": "MemberExpression",
    "subscript_expression": "MemberExpression",
    "call_expression": "CallExpression",
    "new_expression": "NewExpression",
    "if_statement": "IfStatement",
    "ternary_expression": "ConditionalExpression",
    "function_declaration": "FunctionDeclaration",
    "generator_function_declaration": "FunctionDeclaration",
    "function_expression": "FunctionExpression",
    "function": "FunctionExpression",  # tree-sitter-javascript < 0.23
    "generator_function": "FunctionExpression",
    "method_definition": "FunctionExpression",
    "arrow_function": "ArrowFunctionExpression",
    "array": "ArrayExpression",
    "this": "ThisExpression",
    "statement_block": "BlockStatement",
}
# Wrappers ESTree does not have: their children take their place.
_TRANSPARENT = frozenset({"parenthesized_expression", "else_clause", "template_substitution"})
_DROPPED = frozenset({"comment", "html_comment", "hash_bang_line", "optional_chain"})
_LOGICAL = frozenset({"&&", "||", "??"})
_LITERALS = frozenset({"string", "number", "regex", "true", "false", "null", "template_string"})


def parse_script(text: str) -> ParsedScript:
    """Parse `text` and return the adapted tree; never raises on malformed input."""
    data = text.encode("utf-8", "surrogatepass")
    tree = _parser().parse(data)
    root = JsNode("Program", 0, len(data))
    top_kids: list[JsNode] = []
    root.kids = top_kids
    finish: list[JsNode] = []
    damaged = tree.root_node.has_error
    # One entry per open parent: its remaining named children (reversed, popped in source order)
    # and the kid list they join. named_children is much cheaper than filtering children.
    top = tree.root_node.named_children
    top.reverse()
    stack: list[tuple[list[tree_sitter.Node], list[JsNode]]] = [(top, top_kids)]
    while stack:
        pending, siblings = stack[-1]
        if not pending:
            stack.pop()
            continue
        ts_node = pending.pop()
        kind = ts_node.type
        if kind in _DROPPED or kind == "ERROR":
            continue
        if damaged and ts_node.is_missing:
            siblings.append(_missing(ts_node.start_byte))
            continue
        if kind in _TRANSPARENT:
            children = ts_node.named_children
            children.reverse()
            stack.append((children, siblings))
            continue
        start, end = ts_node.start_byte, ts_node.end_byte
        if kind in _IDENTIFIERS:
            node = JsNode("Identifier", start, end)
            name = data[start:end].decode("utf-8", "replace")
            node.name = unescape_js(name) if "\\" in name else name  # \u0065val is eval
            siblings.append(node)
            continue
        node = JsNode(_TYPES.get(kind, kind), start, end)
        siblings.append(node)
        if kind in _LITERALS:
            _literal(node, kind, ts_node, data, stack)
            continue
        if kind in ("binary_expression", "augmented_assignment_expression", "assignment_expression"):
            node.operator = next((c.type for c in ts_node.children if not c.is_named), "")
            if node.operator in _LOGICAL:
                node.type = "LogicalExpression"
            elif kind == "binary_expression":
                node.type = "BinaryExpression"
        elif kind == "subscript_expression":
            node.computed = True
        elif kind == "array":
            node.holes = _has_holes(ts_node.children)
        if node.type in _FIELDS:
            finish.append(node)
        if ts_node.named_child_count:
            children = ts_node.named_children
            children.reverse()
            kids: list[JsNode] = []
            node.kids = kids
            stack.append((children, kids))
    for node in finish:
        _FIELDS[node.type](node, node.kids)
    ends, extras = ((), ()) if text.isascii() else _offset_table(text)
    errors = _error_offsets(tree.root_node) if damaged else []
    first = _char_index(ends, extras, min(errors)) if errors else None
    return ParsedScript(root, text, len(errors), first, ends, extras)


def _error_offsets(root: tree_sitter.Node) -> list[int]:
    # Only subtrees that contain an error are entered, so this costs little on a mostly valid script.
    found = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            found.append(node.start_byte)
        elif node.has_error:
            stack.extend(node.children)
    return found


def _literal(
    node: JsNode,
    kind: str,
    ts_node: tree_sitter.Node,
    data: bytes,
    stack: list[tuple[list[tree_sitter.Node], list[JsNode]]],
) -> None:
    raw = data[node.start : node.end].decode("utf-8", "replace")
    node.type = "Literal"
    node.raw = raw
    if kind == "string":
        node.value = unescape_js(raw[1:-1])
    elif kind == "number":
        node.value = _number(raw)
    elif kind == "regex":
        node.regex = True
    elif kind in ("true", "false"):
        node.value = kind == "true"
    elif kind == "template_string":
        # Cooked text between substitutions; the substitutions become the node's kids.
        node.type = "TemplateLiteral"
        quasis = []
        substitutions = []
        position = node.start + 1
        for child in ts_node.children:
            if child.type == "template_substitution":
                quasis.append(data[position : child.start_byte])
                position = child.end_byte
                substitutions.append(child)
        quasis.append(data[position : max(position, node.end - 1)])
        # Template text reads CR LF and CR as LF.
        texts = (q.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n") for q in quasis)
        node.quasis = tuple(unescape_js(text) for text in texts)
        substitutions.reverse()
        expressions: list[JsNode] = []
        node.kids = node.expressions = expressions
        stack.append((substitutions, expressions))


def _has_holes(children: list[tree_sitter.Node]) -> bool:
    previous = ""
    for child in children:
        kind = child.type
        if kind in _DROPPED:
            continue
        if kind == "," and previous in ("[", ","):
            return True
        previous = kind
    return False


# Fields from the adapted kids, by position (comments and error nodes are already left out).
def _declarator(node: JsNode, kids: Sequence[JsNode]) -> None:
    node.id = kids[0] if kids else _missing(node.end)
    node.init = kids[1] if len(kids) > 1 else None


def _binary(node: JsNode, kids: Sequence[JsNode]) -> None:
    node.left = kids[0] if kids else _missing(node.end)
    node.right = kids[1] if len(kids) > 1 else _missing(node.end)


def _member(node: JsNode, kids: Sequence[JsNode]) -> None:
    _binary(node, kids)
    node.object, node.property = node.left, node.right


def _call(node: JsNode, kids: Sequence[JsNode]) -> None:
    node.callee = kids[0] if kids else _missing(node.end)
    args = kids[1] if len(kids) > 1 else None
    if args is not None and args.type == "TemplateLiteral":
        node.type = "TaggedTemplateExpression"
    node.arguments = args.kids if args is not None and args.type == "arguments" else ()


def _conditional(node: JsNode, kids: Sequence[JsNode]) -> None:
    node.test = kids[0] if kids else _missing(node.end)
    node.consequent = kids[1] if len(kids) > 1 else _missing(node.end)
    node.alternate = kids[2] if len(kids) > 2 else None


def _function(node: JsNode, kids: Sequence[JsNode]) -> None:
    node.body = kids[-1] if kids else _missing(node.end)
    params = next((k for k in kids if k.type == "formal_parameters"), None)
    if params is not None:
        node.params = params.kids
    else:  # an arrow function's single bare parameter
        node.params = kids[:1] if node.type == "ArrowFunctionExpression" and len(kids) > 1 else ()
    if node.type == "FunctionDeclaration" and kids and kids[0].type == "Identifier":
        node.id = kids[0]


def _array(node: JsNode, kids: Sequence[JsNode]) -> None:
    node.elements = kids


_FIELDS = {
    "VariableDeclarator": _declarator,
    "AssignmentExpression": _binary,
    "BinaryExpression": _binary,
    "LogicalExpression": _binary,
    "MemberExpression": _member,
    "CallExpression": _call,
    "NewExpression": _call,
    "IfStatement": _conditional,
    "ConditionalExpression": _conditional,
    "FunctionDeclaration": _function,
    "FunctionExpression": _function,
    "ArrowFunctionExpression": _function,
    "ArrayExpression": _array,
}
