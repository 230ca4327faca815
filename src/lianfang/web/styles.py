"""CSS hiding techniques: which declarations make an element invisible, and how strongly.

Inline `style` attributes and `<style>` rules are parsed with tinycss2. Rules inside at-rules
(`@media print`, breakpoints) do not describe the default screen and are skipped; selectors
with pseudo-classes (`:hover`, `:focus`) describe a *reveal* state, which marks the element as
interactive (drop-down menus, skip links) rather than hidden.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import tinycss2

# Techniques SEO spammers use to hide links from people but not from crawlers. "Weak" ones are
# also everyday UI (closed menus, modals), so they need more evidence before a link is flagged.
STRONG = frozenset(
    {"offscreen", "text-indent", "font-size:0", "zero-size", "same-colour", "marquee", "opacity:0"}
)
WEAK = frozenset({"display:none", "visibility:hidden", "hidden-attr", "noscript", "clipped", "template"})

MAX_STYLE_CHARS = 4096
MAX_STYLESHEET_CHARS = 512 * 1024
MAX_RULES = 400

_NUMBER = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(px|pt|em|rem|%|vw|vh|cm|mm|in)?\s*$")
_NAMED = {
    "white": "#ffffff",
    "black": "#000000",
    "red": "#ff0000",
    "green": "#008000",
    "blue": "#0000ff",
    "yellow": "#ffff00",
    "gray": "#808080",
    "grey": "#808080",
    "silver": "#c0c0c0",
    "transparent": "transparent",
}
_RGB = re.compile(r"^rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*(?:,\s*([\d.]+)\s*)?\)$")


@dataclass(frozen=True, slots=True)
class StyleFacts:
    """What one declaration block says about visibility: hiding reasons, own colour and background."""

    reasons: tuple[str, ...] = ()
    color: str | None = None
    background: str | None = None


def _length_px(value: str) -> float | None:
    match = _NUMBER.match(value)
    if not match:
        return None
    number = float(match.group(1))
    unit = match.group(2) or "px"
    scale = {"px": 1.0, "pt": 1.33, "em": 16.0, "rem": 16.0, "cm": 37.8, "mm": 3.78, "in": 96.0}
    return number * scale[unit] if unit in scale else number


def normalise_colour(value: str) -> str | None:
    """Return a colour as lowercase #rrggbb ("transparent" kept), or None when not a plain colour."""
    value = value.strip().lower().replace("!important", "").strip()
    if value in _NAMED:
        return _NAMED[value]
    if value.startswith("#"):
        digits = value[1:]
        if len(digits) == 3 and all(c in "0123456789abcdef" for c in digits):
            return "#" + "".join(c * 2 for c in digits)
        if len(digits) == 6 and all(c in "0123456789abcdef" for c in digits):
            return "#" + digits
        return None
    if not value.startswith("#") and len(value) in (3, 6) and all(c in "0123456789abcdef" for c in value):
        # Legacy HTML attributes (<font color=fff>) often omit the hash.
        return normalise_colour("#" + value)
    match = _RGB.match(value)
    if match:
        if match.group(4) is not None and float(match.group(4)) == 0:
            return "transparent"
        return "#" + "".join(f"{min(int(match.group(i)), 255):02x}" for i in (1, 2, 3))
    return None


def facts_from_declarations(declarations: dict[str, str]) -> StyleFacts:
    """Judge one declaration block (lowercase property -> value text) for hiding techniques."""
    reasons: list[str] = []
    get = declarations.get
    if get("display", "").startswith("none"):
        reasons.append("display:none")
    if get("visibility", "").startswith(("hidden", "collapse")):
        reasons.append("visibility:hidden")
    opacity = get("opacity", "").strip()
    if opacity:
        try:
            if float(opacity.rstrip("%")) <= 0.01:
                reasons.append("opacity:0")
        except ValueError:
            pass
    if get("position", "").startswith(("absolute", "fixed")):
        for side in ("left", "top", "right", "bottom", "margin-left", "margin-top"):
            px = _length_px(get(side, ""))
            if px is not None and px <= -500:
                reasons.append("offscreen")
                break
    else:
        for side in ("margin-left", "margin-top"):
            px = _length_px(get(side, ""))
            if px is not None and px <= -1000:
                reasons.append("offscreen")
                break
    indent = _length_px(get("text-indent", ""))
    if indent is not None and indent <= -500:
        reasons.append("text-indent")
    font = _length_px(get("font-size", ""))
    if font is not None and font <= 0.5:
        reasons.append("font-size:0")
    overflow = get("overflow", "") or get("overflow-y", "") or get("overflow-x", "")
    sizes = [_length_px(get(p, "")) for p in ("width", "height", "max-height", "max-width")]
    if (
        overflow.startswith(("hidden", "clip"))
        and any(s is not None and s <= 1 for s in sizes)
        or any(s is not None and s <= 0 for s in sizes[:2])
        and get("line-height", "").strip() in ("0", "0px")
    ):
        reasons.append("zero-size")
    clip = get("clip", "") + get("clip-path", "")
    if "rect(0" in clip.replace(" ", "") or "inset(50%" in clip.replace(" ", ""):
        reasons.append("clipped")
    color = normalise_colour(get("color", "")) if "color" in declarations else None
    background_raw = get("background-color") or get("background")
    background = normalise_colour(background_raw) if background_raw else None
    if color and color == background and color != "transparent":
        reasons.append("same-colour")
    return StyleFacts(tuple(dict.fromkeys(reasons)), color, background)


def _declarations(tokens: Iterable[object]) -> dict[str, str]:
    result: dict[str, str] = {}
    for item in tokens:
        if getattr(item, "type", "") == "declaration":
            value = tinycss2.serialize(item.value).strip().lower()  # type: ignore[attr-defined]
            result[item.lower_name] = value  # type: ignore[attr-defined]
    return result


@lru_cache(maxsize=4096)
def inline_facts(style: str) -> StyleFacts:
    """Parse an inline `style` attribute (cached: pages repeat the same styles)."""
    if not style or ":" not in style:
        return StyleFacts()
    parsed = tinycss2.parse_blocks_contents(style[:MAX_STYLE_CHARS], skip_whitespace=True, skip_comments=True)
    return facts_from_declarations(_declarations(parsed))


@dataclass(frozen=True, slots=True)
class StyleRule:
    """A selector from a `<style>` block with the visibility facts of its declarations."""

    selector: str
    facts: StyleFacts
    reveal: bool  # the selector had a state pseudo-class (:hover, :focus ...): a UI reveal rule


_PSEUDO = re.compile(r"::?[a-zA-Z-]+(\([^)]*\))?")


def stylesheet_rules(css: str) -> list[StyleRule]:
    """Return the top-level rules of a stylesheet that hide or reveal elements."""
    if not css:
        return []
    rules: list[StyleRule] = []
    parsed = tinycss2.parse_stylesheet(css[:MAX_STYLESHEET_CHARS], skip_whitespace=True, skip_comments=True)
    for rule in parsed:
        if rule.type != "qualified-rule":
            continue  # @media/@supports describe other screens or conditions
        decls = _declarations(
            tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True, skip_comments=True)
        )
        facts = facts_from_declarations(decls)
        shows = decls.get("display", "") not in ("", "none") or decls.get("visibility", "") == "visible"
        prelude = tinycss2.serialize(rule.prelude)
        for selector in prelude.split(","):
            selector = selector.strip()
            if not selector:
                continue
            if ":" in selector:
                base = _PSEUDO.sub("", selector).strip()
                if base and (shows or "left" in decls or "top" in decls or "clip" in decls):
                    rules.append(StyleRule(base, StyleFacts(), reveal=True))
                continue
            if facts.reasons:
                rules.append(StyleRule(selector, facts, reveal=False))
        if len(rules) >= MAX_RULES:
            break
    return rules
