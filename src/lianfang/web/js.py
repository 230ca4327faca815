"""Static JavaScript analysis: redirects, document.write payloads, cloaking, obfuscation.

Scripts are parsed by tree-sitter (`jsparse`), whose error recovery never raises: the parts it
could not parse are left out and reported as a note, the rest is analysed. The tree is walked
iteratively (a stack, never recursion over the tree), so deeply nested code cannot blow the
Python stack; the bounded recursions that remain (constant folding, call chains) end in a note.
Constant strings are folded (concatenation, `unescape`, `atob`, `String.fromCharCode`,
`decodeURIComponent`, `split/reverse/join`, Dean Edwards' `p,a,c,k,e,d` packer) so obfuscated
payloads passed to `eval`/`document.write` are decoded statically and analysed again, up to
`MAX_DEPTH` levels and within one budget per script (`MAX_PAYLOADS`, `MAX_DECODED_TOTAL`).
A declared function's body is walked once as load-time code when load-time code at any decoding
level calls it (the last declaration of a name is the one called), otherwise once as an event
handler. Nothing is ever executed.
"""

from __future__ import annotations

import base64
import binascii
import re
import urllib.parse
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from lianfang.web.jsparse import JsNode as Node
from lianfang.web.jsparse import ParsedScript, parse_script

# tree-sitter (C) parses ~3 MB/s, but adapting its tree and walking it in Python runs at
# ~0.25-0.6 M chars/s on ordinary code: a 128 KB script costs ~0.2-0.5 s (esprima took ~0.8-1.1 s).
MAX_SCRIPT_CHARS = 128 * 1024
MAX_DECODED_CHARS = 256 * 1024
# All payloads decoded from one script together: eval(a) with a = "eval(a);eval(a)" would
# otherwise unfold into 2**MAX_DEPTH analyses.
MAX_DECODED_TOTAL = 2 * MAX_DECODED_CHARS
MAX_PAYLOADS = 256
MAX_DEPTH = 8
MAX_FOLD_DEPTH = 40

# Cheap pre-filter: scripts without any of these tokens cannot redirect, write HTML or decode.
_TRIGGER = re.compile(
    r"location|open\s*\(|\.write|eval|unescape|atob|fromCharCode|decodeURI|referrer|userAgent|innerHTML"
    r"|\.title|Function|setTimeout|setInterval|\\x|\\u"
)
SPIDERS = (
    "spider",
    "bot",
    "crawl",
    "slurp",
    "sogou",
    "baidu",
    "google",
    "bing",
    "360",
    "yisou",
    "bytespider",
)

_LOCATION_SINKS = frozenset(
    {
        "location",
        "location.href",
        "top.location",
        "top.location.href",
        "parent.location",
        "parent.location.href",
        "opener.location",
        "opener.location.href",
    }
)
_LOCATION_CALLS = frozenset(
    {
        "location.replace",
        "location.assign",
        "top.location.replace",
        "top.location.assign",
        "parent.location.replace",
        "parent.location.assign",
        "open",
        "navigate",
    }
)
_WRITERS = frozenset({"write", "writeln"})  # names after _sink_name() strips "document."
_DECODERS = frozenset({"unescape", "decodeURIComponent", "decodeURI", "atob"})
_LOAD_EVENTS = frozenset({"load", "DOMContentLoaded", "pageshow", "readystatechange"})
_LOAD_HANDLERS = frozenset({"onload", "document.onreadystatechange", "onpageshow", "document.body.onload"})
_AUTO_CALLERS = frozenset(
    {"setTimeout", "setInterval", "requestAnimationFrame", "$", "jQuery", "$(document).ready", "ready"}
)


@dataclass(frozen=True, slots=True)
class JsRedirect:
    """A navigation the script performs.

    `target` is the constant (or constant-prefix) URL, None when computed; `from_location` is
    True when the target is derived from the current location (frame busting, https upgrade);
    `auto` is True when it runs on page load rather than on a user event; `cloaking` is
    "referrer" or "user-agent" when guarded by a visitor check; `obfuscation` lists the decoders
    the code went through; `start`/`end` index the analysed script source.
    """

    sink: str
    target: str | None
    from_location: bool
    auto: bool
    cloaking: str
    obfuscation: tuple[str, ...]
    start: int
    end: int
    snippet: str


@dataclass(frozen=True, slots=True)
class WrittenHtml:
    """HTML a script inserts with document.write/innerHTML, folded to a constant string."""

    html: str
    auto: bool
    cloaking: str
    obfuscation: tuple[str, ...]
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ScriptReport:
    """Everything one script does that the page checks care about; `notes` explain skipped parts."""

    redirects: tuple[JsRedirect, ...] = ()
    written: tuple[WrittenHtml, ...] = ()
    sets_title: bool = False
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Ctx:
    auto: bool
    cloaking: str = ""
    obfuscation: tuple[str, ...] = ()
    # For decoded payloads every position maps back to the call that decoded them.
    anchor: tuple[int, int] | None = None
    depth: int = 0
    # The parsed (possibly decoded) source the nodes under this context belong to.
    source: ParsedScript | None = None

    def span(self, node: Node) -> tuple[int, int]:
        """Return the offsets to report for `node`: the anchor inside a decoded payload."""
        if self.anchor is not None or self.source is None:
            return self.anchor or (0, 0)
        return self.source.chars(node.start), self.source.chars(node.end)


@dataclass(slots=True)
class _Folded:
    value: str
    complete: bool
    decoders: tuple[str, ...] = ()


@dataclass(slots=True)
class _State:
    consts: dict[str, str] = field(default_factory=dict)
    arrays: dict[str, list[str]] = field(default_factory=dict)
    taint: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    # name -> (declaration, the context it was declared in: its source, anchor and decoding depth)
    functions: dict[str, tuple[Node, _Ctx]] = field(default_factory=dict)
    auto_calls: dict[str, _Ctx] = field(default_factory=dict)
    # Every declaration, at every decoding level, with the context it was declared in.
    declared: list[tuple[Node, _Ctx]] = field(default_factory=list)
    # (id of a function declaration, auto) for every body walked: each is walked once per kind.
    walked: set[tuple[int, bool]] = field(default_factory=set)
    decoded_budget: int = MAX_DECODED_TOTAL
    payloads_left: int = MAX_PAYLOADS
    redirects: list[JsRedirect] = field(default_factory=list)
    written: list[WrittenHtml] = field(default_factory=list)
    sets_title: bool = False
    notes: list[str] = field(default_factory=list)


def _walk(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.kids)


# Sink and handler names nest a call or two (`$(document).ready`); a longer chain of calls
# (`$(x).a().a()…`, 20k deep in hostile code) names nothing we look for, and would recurse.
_MAX_CALLS_IN_NAME = 16


def dotted(node: Node | None, calls: int = _MAX_CALLS_IN_NAME) -> str | None:
    """Return "window.location.href" for a member chain of names, None for anything computed."""
    parts: list[str] = []
    while node is not None and node.type == "MemberExpression":
        prop = node.property
        if not node.computed and prop.type == "Identifier":
            parts.append(prop.name)
        elif node.computed and prop.type == "Literal" and isinstance(prop.value, str):
            parts.append(prop.value)
        else:
            return None
        node = node.object
    if node is None:
        return None
    if node.type == "Identifier":
        parts.append(node.name)
    elif node.type == "ThisExpression":
        parts.append("this")
    elif node.type == "CallExpression" and node.callee.type in ("Identifier", "MemberExpression"):
        # $(document).ready / jQuery(window).on: keep the call's name for handler detection.
        if calls <= 0:
            return None
        inner = dotted(node.callee, calls - 1)
        if inner is None:
            return None
        args = node.arguments
        arg = dotted(args[0], calls - 1) if args else None
        parts.append(f"{inner}({arg or ''})")
    else:
        return None
    return ".".join(reversed(parts))


def _sink_name(name: str) -> str:
    for prefix in ("window.", "self.", "this.", "document."):
        while name.startswith(prefix):
            name = name[len(prefix) :]
    return name.replace("top.window.", "top.").replace("window.", "")


def _js_unescape(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        token = match.group(0)
        return chr(int(token[2:], 16)) if token[1] == "u" else chr(int(token[1:], 16))

    return re.sub(r"%u[0-9a-fA-F]{4}|%[0-9a-fA-F]{2}", repl, text)


def _decode(name: str, value: str) -> str | None:
    try:
        if name == "unescape":
            return _js_unescape(value)
        if name in ("decodeURIComponent", "decodeURI"):
            return urllib.parse.unquote(value)
        if name == "atob":
            return base64.b64decode(value + "=" * (-len(value) % 4)).decode("latin-1")
    except (binascii.Error, ValueError):
        return None
    return None


_PACKER_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def unpack_packer(payload: str, radix: int, words: list[str]) -> str:
    """Undo Dean Edwards' packer: every base-`radix` word in `payload` indexes `words`."""
    lookup = {ch: i for i, ch in enumerate(_PACKER_DIGITS)}

    def repl(match: re.Match[str]) -> str:
        word = match.group(0)
        number = 0
        for ch in word:
            digit = lookup.get(ch)
            if digit is None or digit >= max(radix, 1):
                return word
            number = number * radix + digit
        return words[number] if number < len(words) and words[number] else word

    return re.sub(r"\b\w+\b", repl, payload)


class _Folder:
    """Constant folding over parsed nodes with a depth budget (recursion is bounded)."""

    def __init__(self, state: _State) -> None:
        self.state = state

    def fold(self, node: Node | None, depth: int = 0) -> _Folded | None:
        if node is None or depth > MAX_FOLD_DEPTH:
            return None
        kind = node.type
        if kind == "Literal":
            if isinstance(node.value, str):
                return _Folded(node.value, True)
            if isinstance(node.value, int | float) and not isinstance(node.value, bool):
                return _Folded(
                    str(int(node.value)) if float(node.value).is_integer() else str(node.value), True
                )
            return None
        if kind == "TemplateLiteral":
            return self._template(node, depth)
        if kind == "BinaryExpression" and node.operator == "+":
            return self._concat(node, depth)
        if kind == "Identifier":
            value = self.state.consts.get(node.name)
            return _Folded(value, True) if value is not None else None
        if kind == "CallExpression":
            return self._call(node, depth)
        return None

    def _template(self, node: Node, depth: int) -> _Folded:
        out = []
        for i, quasi in enumerate(node.quasis):
            out.append(quasi)
            if i < len(node.expressions):
                part = self.fold(node.expressions[i], depth + 1)
                if part is None or not part.complete:
                    if part is not None:
                        out.append(part.value)
                    return _Folded("".join(out), False)
                out.append(part.value)
        return _Folded("".join(out), True)

    def _concat(self, node: Node, depth: int) -> _Folded | None:
        # Left-deep chains ("a"+"b"+...) are flattened with a loop, not recursion.
        operands: list[Node] = []
        while node.type == "BinaryExpression" and node.operator == "+":
            operands.append(node.right)
            node = node.left
        operands.append(node)
        operands.reverse()
        out: list[str] = []
        decoders: list[str] = []
        size = 0
        for operand in operands:
            part = self.fold(operand, depth + 1)
            if part is None:
                return _Folded("".join(out), False, tuple(decoders)) if out else None
            out.append(part.value)
            decoders.extend(part.decoders)
            size += len(part.value)
            if size > MAX_DECODED_CHARS or not part.complete:
                return _Folded("".join(out)[:MAX_DECODED_CHARS], False, tuple(decoders))
        return _Folded("".join(out), True, tuple(dict.fromkeys(decoders)))

    def fold_list(self, node: Node, depth: int) -> list[str] | None:
        if depth > MAX_FOLD_DEPTH:
            return None
        if node.type == "ArrayExpression":
            if node.holes:
                return None
            items = []
            for element in node.elements:
                part = self.fold(element, depth + 1)
                if part is None or not part.complete:
                    return None
                items.append(part.value)
            return items
        if node.type == "Identifier":
            return self.state.arrays.get(node.name)
        if node.type == "CallExpression" and node.callee.type == "MemberExpression":
            method = node.callee.property.name if node.callee.property.type == "Identifier" else ""
            if method == "split":
                base = self.fold(node.callee.object, depth + 1)
                sep = self.fold(node.arguments[0], depth + 1) if node.arguments else None
                if base and base.complete and sep and sep.complete:
                    return list(base.value) if sep.value == "" else base.value.split(sep.value)
            if method == "reverse":
                reversed_items = self.fold_list(node.callee.object, depth + 1)
                return reversed_items[::-1] if reversed_items is not None else None
        return None

    def _call(self, node: Node, depth: int) -> _Folded | None:
        callee = node.callee
        args = node.arguments
        name = dotted(callee)
        short = _sink_name(name) if name else ""
        if short in _DECODERS and args:
            inner = self.fold(args[0], depth + 1)
            if inner is None or not inner.complete:
                return None
            decoded = _decode(short, inner.value)
            if decoded is None:
                return None
            return _Folded(decoded[:MAX_DECODED_CHARS], True, (*inner.decoders, short))
        if short in ("String.fromCharCode", "String.fromCharCode.apply"):
            codes = args[1:] if short.endswith("apply") else args
            if short.endswith("apply") and codes and codes[0].type == "ArrayExpression":
                codes = codes[0].elements
            chars = []
            for code in codes[:MAX_DECODED_CHARS]:
                if code.type != "Literal" or not isinstance(code.value, int | float):
                    return None
                value = int(code.value)
                if not 0 <= value <= 0x10FFFF:
                    return None
                chars.append(chr(value))
            return _Folded("".join(chars), True, ("fromCharCode",))
        if callee.type == "FunctionExpression" and len(callee.params) >= 4 and len(args) >= 4:
            return self._packer(args, depth)
        if callee.type == "MemberExpression" and callee.property.type == "Identifier":
            method = callee.property.name
            if method == "join":
                items = self.fold_list(callee.object, depth + 1)
                sep = self.fold(args[0], depth + 1) if args else _Folded(",", True)
                if items is not None and sep is not None and sep.complete:
                    return _Folded(sep.value.join(items)[:MAX_DECODED_CHARS], True, ("join",))
            if method == "concat":
                base = self.fold(callee.object, depth + 1)
                if base is None or not base.complete:
                    return None
                out = [base.value]
                for arg in args:
                    part = self.fold(arg, depth + 1)
                    if part is None or not part.complete:
                        return _Folded("".join(out), False)
                    out.append(part.value)
                return _Folded("".join(out), True)
            if method in ("toLowerCase", "toString", "trim"):
                return self.fold(callee.object, depth + 1)
        return None

    def _packer(self, args: Sequence[Node], depth: int) -> _Folded | None:
        payload = self.fold(args[0], depth + 1)
        radix = args[1]
        words = self.fold_list(args[3], depth + 1)
        if (
            payload is None
            or not payload.complete
            or words is None
            or radix.type != "Literal"
            or not isinstance(radix.value, int | float)
        ):
            return None
        return _Folded(
            unpack_packer(payload.value, int(radix.value), words)[:MAX_DECODED_CHARS], True, ("packer",)
        )


def _strings_in(node: Node) -> list[str]:
    found = []
    for sub in _walk(node):
        if sub.type == "Literal":
            if isinstance(sub.value, str):
                found.append(sub.value.lower())
            elif sub.regex:
                found.append(sub.raw.lower())
    return found


def _names_in(node: Node) -> set[str]:
    names: set[str] = set()
    for sub in _walk(node):
        if sub.type == "MemberExpression":
            name = dotted(sub)
            if name:
                names.add(name)
        elif sub.type == "Identifier":
            names.add(sub.name)
    return names


def _visitor_check(node: Node, state: _State) -> tuple[str, tuple[str, ...]]:
    """Return ("referrer"|"user-agent"|"", strings) for an expression that inspects the visitor."""
    names = _names_in(node)
    strings = _strings_in(node)
    for name in names:
        if name.endswith("referrer"):
            return "referrer", tuple(strings)
        if name.endswith("userAgent"):
            return "user-agent", tuple(strings)
    for name in names:
        if name in state.taint:
            kind, tainted_strings = state.taint[name]
            return kind, tuple(strings) + tainted_strings
        if name in state.arrays:
            strings.extend(s.lower() for s in state.arrays[name])
    return "", tuple(strings)


def _cloaking_of(test: Node, state: _State) -> str:
    kind, strings = _visitor_check(test, state)
    # Strings of arrays referenced in the test (for-loops over search-engine lists).
    extra = [s.lower() for name in _names_in(test) for s in state.arrays.get(name, [])]
    haystack = " ".join((*strings, *extra))
    if kind == "referrer":
        return "referrer"
    if kind == "user-agent" and any(term in haystack for term in SPIDERS):
        return "user-agent"
    return ""


def _prepass(tree: Node, ctx: _Ctx, state: _State, folder: _Folder) -> None:
    assignments: list[tuple[str, Node]] = []
    declared: list[Node] = []
    for node in _walk(tree):
        if node.type == "VariableDeclarator":
            if node.id is not None and node.id.type == "Identifier" and node.init is not None:
                assignments.append((node.id.name, node.init))
        elif node.type == "AssignmentExpression" and node.operator == "=" and node.left.type == "Identifier":
            assignments.append((node.left.name, node.right))
        elif node.type == "FunctionDeclaration" and node.id is not None:
            declared.append(node)
    # As in JavaScript, the last declaration of a name in the source is the one that is called.
    declared.sort(key=lambda function: function.start)
    for function in declared:
        state.declared.append((function, ctx))
        if function.id is not None:
            state.functions[function.id.name] = (function, ctx)
    for name, init in assignments:
        folded = folder.fold(init)
        if folded is not None and folded.complete:
            state.consts.setdefault(name, folded.value)
        items = folder.fold_list(init, 0)
        if items is not None:
            state.arrays.setdefault(name, items)
    for _ in range(2):  # a second round propagates through copies (var r = ref.toLowerCase())
        for name, init in assignments:
            text = ctx.source.slice(init) if ctx.source is not None else ""
            # Walking every initialiser is costly on big scripts; only visitor-related ones matter.
            if "referrer" not in text and "userAgent" not in text and not any(t in text for t in state.taint):
                continue
            kind, strings = _visitor_check(init, state)
            if kind:
                state.taint[name] = (kind, strings)


def _call_arg_event(node: Node, folder: _Folder) -> str | None:
    if node.arguments:
        event = folder.fold(node.arguments[0])
        if event is not None and event.complete:
            return event.value
    return None


def _location_derived(node: Node) -> bool:
    return any(
        name.split(".")[-1] in ("location", "href", "host", "hostname", "pathname", "protocol", "origin")
        and "location" in name
        for name in _names_in(node)
        if "." in name
    ) or any(name in ("location",) for name in _names_in(node))


def _record_redirect(
    state: _State,
    folder: _Folder,
    sink: str,
    value: Node | None,
    node: Node,
    ctx: _Ctx,
) -> None:
    folded = folder.fold(value) if value is not None else None
    target = folded.value if folded is not None and folded.value else None
    obfuscation = ctx.obfuscation + (folded.decoders if folded else ())
    # A decoded payload's own text is the snippet; its offsets are those of the decoding call.
    snippet = ctx.source.slice(node) if ctx.source is not None else ""
    start, end = ctx.span(node)
    state.redirects.append(
        JsRedirect(
            sink=sink,
            target=target,
            from_location=value is not None and _location_derived(value),
            auto=ctx.auto,
            cloaking=ctx.cloaking,
            obfuscation=tuple(dict.fromkeys(obfuscation)),
            start=start,
            end=end,
            snippet=" ".join(snippet.split())[:200],
        )
    )


def _record_html(state: _State, folder: _Folder, values: list[Node], node: Node, ctx: _Ctx) -> None:
    parts = []
    decoders: list[str] = []
    for value in values:
        folded = folder.fold(value)
        if folded is None:
            continue
        parts.append(folded.value)
        decoders.extend(folded.decoders)
    html = "".join(parts)
    if "<" not in html:
        return
    start, end = ctx.span(node)
    state.written.append(
        WrittenHtml(
            html[:MAX_DECODED_CHARS],
            ctx.auto,
            ctx.cloaking,
            tuple(dict.fromkeys(ctx.obfuscation + tuple(decoders))),
            start,
            end,
        )
    )


def _analyse_code(code: str, state: _State, folder: _Folder, ctx: _Ctx) -> None:
    parsed = parse_script(code)
    if parsed.errors:
        where = "decoded payload" if ctx.anchor else "script"
        state.notes.append(
            f"{where} partly not parsed: {parsed.errors} syntax error(s) from char {parsed.first_error}"
            " left out of the analysis"
        )
    ctx = replace(ctx, source=parsed)
    _prepass(parsed.root, ctx, state, folder)
    stack: list[tuple[Node, _Ctx]] = [(parsed.root, ctx)]
    while True:
        _drain(stack, state, folder)
        # Declared functions run on load when called from load-time code (or timers/onload),
        # whichever decoding level the call or the declaration sits in.
        pending = []
        for name, call_ctx in state.auto_calls.items():
            function, declared_ctx = state.functions.get(name, (None, ctx))
            if function is not None and (id(function), True) not in state.walked:
                pending.append((function, declared_ctx, call_ctx))
        if not pending:
            break
        for function, declared_ctx, call_ctx in pending:
            state.walked.add((id(function), True))
            stack.append((function.body, _called(declared_ctx, call_ctx)))


def _walk_uncalled(state: _State, folder: _Folder) -> None:
    # Functions never called at load time still matter for click-handler redirects. This runs
    # once the whole script is analysed, so a call from any decoding level has been seen.
    while True:
        stack = []
        for function, declared_ctx in state.declared:
            if (id(function), True) not in state.walked and (id(function), False) not in state.walked:
                state.walked.add((id(function), False))
                stack.append((function.body, replace(declared_ctx, auto=False)))
        if not stack:
            return
        _drain(stack, state, folder)


def _drain(stack: list[tuple[Node, _Ctx]], state: _State, folder: _Folder) -> None:
    """Visit nodes until the stack is empty (visits push the nodes they want walked next)."""
    while stack:
        node, here = stack.pop()
        _visit(node, here, stack, state, folder)


def _called(declared: _Ctx, call: _Ctx) -> _Ctx:
    # The caller decides when the body runs and under which visitor check; the declaration
    # decides which source its nodes index and which decoders produced it.
    return replace(
        call,
        obfuscation=tuple(dict.fromkeys((*declared.obfuscation, *call.obfuscation))),
        anchor=declared.anchor,
        depth=max(declared.depth, call.depth),
        source=declared.source,
    )


def _reanalyse(payload: _Folded, how: str, node: Node, ctx: _Ctx, state: _State, folder: _Folder) -> None:
    if ctx.depth >= MAX_DEPTH or not payload.value.strip():
        return
    code = payload.value[:MAX_DECODED_CHARS]
    if len(code) > state.decoded_budget or state.payloads_left <= 0:
        if state.payloads_left >= 0:  # one note, not one per payload left out
            budget = f"{MAX_PAYLOADS} payloads / {MAX_DECODED_TOTAL} chars"
            state.notes.append(f"decoded payloads skipped: budget of {budget} used up")
            state.payloads_left = -1
        return
    state.decoded_budget -= len(code)
    state.payloads_left -= 1
    anchor = ctx.span(node)
    inner = _Ctx(
        ctx.auto,
        ctx.cloaking,
        tuple(dict.fromkeys((*ctx.obfuscation, how, *payload.decoders))),
        anchor,
        ctx.depth + 1,
    )
    _analyse_code(code, state, folder, inner)


def _visit(
    node: Node,
    ctx: _Ctx,
    stack: list[tuple[Node, _Ctx]],
    state: _State,
    folder: _Folder,
) -> None:
    kind = node.type
    if kind == "FunctionDeclaration":
        return  # walked later, with auto decided by who calls it
    if kind in ("FunctionExpression", "ArrowFunctionExpression"):
        # A function value reached generically is a callback we cannot place: assume user-driven.
        stack.append((node.body, replace(ctx, auto=False)))
        return
    if kind in ("IfStatement", "ConditionalExpression"):
        cloak = _cloaking_of(node.test, state) or ctx.cloaking
        stack.append((node.test, ctx))
        for branch in (node.consequent, node.alternate):
            if branch is not None:
                stack.append((branch, replace(ctx, cloaking=cloak)))
        return
    if kind == "LogicalExpression":
        cloak = _cloaking_of(node.left, state) or ctx.cloaking
        stack.append((node.left, ctx))
        stack.append((node.right, replace(ctx, cloaking=cloak)))
        return
    if kind == "AssignmentExpression":
        target = dotted(node.left)
        if target:
            short = _sink_name(target)
            if short in _LOCATION_SINKS:
                _record_redirect(state, folder, short, node.right, node, ctx)
            elif short == "title":
                state.sets_title = True
            elif short.endswith(("innerHTML", "outerHTML")):
                _record_html(state, folder, [node.right], node, ctx)
            elif short.split(".")[-1] in ("onload", "onreadystatechange", "onpageshow") and (
                short in _LOAD_HANDLERS or short.startswith(("onload", "body."))
            ):
                _push_callback(node.right, ctx, stack, state)
                return
        stack.append((node.right, ctx))
        return
    if kind in ("CallExpression", "NewExpression"):
        _visit_call(node, ctx, stack, state, folder)
        return
    # Reversed so that popping visits children in source order (document.write order matters).
    stack.extend((child, ctx) for child in reversed(node.kids))


def _push_callback(callback: Node, ctx: _Ctx, stack: list[tuple[Node, _Ctx]], state: _State) -> None:
    if callback.type in ("FunctionExpression", "ArrowFunctionExpression"):
        stack.append((callback.body, ctx))
    elif callback.type == "Identifier" and ctx.auto:
        state.auto_calls.setdefault(callback.name, ctx)
    else:
        stack.append((callback, ctx))


def _visit_call(
    node: Node,
    ctx: _Ctx,
    stack: list[tuple[Node, _Ctx]],
    state: _State,
    folder: _Folder,
) -> None:
    callee = node.callee
    args = node.arguments
    name = dotted(callee)
    short = _sink_name(name) if name else ""
    if callee.type in ("FunctionExpression", "ArrowFunctionExpression"):
        folded = folder.fold(node) if node.type == "CallExpression" else None
        if folded is not None and "packer" in folded.decoders:
            stack.extend((arg, ctx) for arg in args)
            return
        stack.append((callee.body, ctx))  # IIFE: runs where it stands
        stack.extend((arg, ctx) for arg in args)
        return
    if short in _LOCATION_CALLS:
        _record_redirect(
            state,
            folder,
            "window.open" if short == "open" else short,
            args[0] if args else None,
            node,
            ctx,
        )
    elif short in _WRITERS:
        _record_html(state, folder, list(args), node, ctx)
        for arg in args:
            folded = folder.fold(arg)
            if folded is not None and "<script" in folded.value.lower():
                for code in _inline_scripts(folded.value):
                    script = _Folded(code, True, folded.decoders)
                    _reanalyse(script, "document.write", node, ctx, state, folder)
    elif short in ("eval", "Function", "execScript") or (
        short in ("setTimeout", "setInterval")
        and args
        and args[0].type != "FunctionExpression"
        and args[0].type != "ArrowFunctionExpression"
        and args[0].type != "Identifier"
    ):
        code_arg = args[-1] if short == "Function" and args else (args[0] if args else None)
        payload = folder.fold(code_arg) if code_arg is not None else None
        if payload is not None and payload.complete:
            _reanalyse(payload, short, node, ctx, state, folder)
    elif short.endswith("insertAdjacentHTML") and len(args) >= 2:
        _record_html(state, folder, [args[1]], node, ctx)
    if short in _AUTO_CALLERS or short.endswith((".ready", "$(document).ready")):
        for arg in args:
            _push_callback(arg, ctx, stack, state)
        stack.append((callee, ctx))
        return
    if short.endswith("addEventListener") or short.endswith("attachEvent") or short.endswith(".on"):
        event = (_call_arg_event(node, folder) or "").removeprefix("on")
        auto = ctx.auto and event in _LOAD_EVENTS
        for arg in args[1:]:
            _push_callback(arg, replace(ctx, auto=auto), stack, state)
        return
    if callee.type == "Identifier" and ctx.auto and callee.name in state.functions:
        state.auto_calls.setdefault(callee.name, ctx)
    stack.extend((arg, ctx) for arg in reversed(args))
    stack.append((callee, ctx))


_SCRIPT_BODY = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script\s*>", re.I | re.S)


def _inline_scripts(html: str) -> list[str]:
    # Written HTML is a constant we already hold; a bounded non-backtracking regex suffices here
    # to pull out inline <script> bodies (src= scripts are handled by the page checks).
    return [m.group(1) for m in _SCRIPT_BODY.finditer(html[:MAX_DECODED_CHARS])]


def needs_parse(source: str) -> bool:
    """Return True when a script contains any token the analysis could act on."""
    return _TRIGGER.search(source) is not None


@lru_cache(maxsize=256)
def analyse_script(source: str, auto: bool = True) -> ScriptReport:
    """Analyse one script's source; `auto` False for event-handler code (onclick=...).

    Offsets in the report index `source`. Scripts over MAX_SCRIPT_CHARS are skipped with a note;
    syntax errors and pathological nesting become notes, never exceptions.
    """
    if len(source) > MAX_SCRIPT_CHARS:
        return ScriptReport(notes=(f"script of {len(source)} chars skipped (limit {MAX_SCRIPT_CHARS})",))
    if not needs_parse(source):
        return ScriptReport()
    state = _State()
    folder = _Folder(state)
    try:
        _analyse_code(source, state, folder, _Ctx(auto))
        _walk_uncalled(state, folder)
    except RecursionError:
        state.notes.append("script nested too deeply to analyse")
    return ScriptReport(tuple(state.redirects), tuple(state.written), state.sets_title, tuple(state.notes))
