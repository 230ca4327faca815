"""The numpy depth bound that lets ordinary pages skip the container-tag regex."""

from __future__ import annotations

import random

import pytest

from lianfang.web.page import _CONTAINERS, MAX_DEPTH, _depth_bound, flatten_deep_nesting

# Tag soup around the edges of the regex: case, `\b` after the name (digits, `_`, CJK, astral),
# names that only start like a container, stray `<` and `</`.
_PIECES = [
    "<div>", "</div>", "<DIV class=x>", "</Div >", "<span", "</span>", "<b>", "</b>", "<br>", "<b1>",
    "</b1>", "<b中>", "</b中>", "</div中", "<divx>", "</divx>", "<s>", "</s", "<", "</", "<<div>", "x",
    "中", "</strong>", "<blockquote>", "</blockquotes>", "<g>", "</g_", "<svg/>", "</svg\t", "\U0001f600",
    "<div\x00", "</DIV>", "<table>", "</font\n",
]


def _regex_depth(html: str) -> int:
    depth = deepest = 0
    for closing in _CONTAINERS.findall(html):
        depth += -1 if closing else 1
        deepest = max(deepest, depth)
    return deepest


def test_bound_never_below_the_regex_depth() -> None:
    rng = random.Random(7)
    for _ in range(5000):
        html = "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 60)))
        assert _depth_bound(html) >= _regex_depth(html), html


@pytest.mark.parametrize(
    "html", ["<div><p>a</p><div><span>b</span></div></div>" * 50, "<DIV>" * 30 + "</div>" * 30]
)
def test_bound_is_exact_on_plain_markup(html: str) -> None:
    assert _depth_bound(html) == _regex_depth(html) > 0


def test_deep_page_still_flattened_and_shallow_page_untouched() -> None:
    deep = "<div>" * (MAX_DEPTH + 10) + "x"
    flattened, changed = flatten_deep_nesting(deep)
    assert changed and _regex_depth(flattened) == MAX_DEPTH
    shallow = "<div><a href=/n>t</a></div>\n" * (MAX_DEPTH + 10)
    assert flatten_deep_nesting(shallow) == (shallow, False)
    assert _depth_bound(shallow) == 1
