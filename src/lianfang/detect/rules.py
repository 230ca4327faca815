"""The sample library (样本库): YAML rules matched with one Aho-Corasick automaton.

Each YAML file under `detect/rules/` holds `rules:`, a list of mappings with

    id, category, stage, subtype (fraud only), weight (0–1], description,
    patterns (keywords: any one fires), also (optional list of keyword groups that must each
    hit as well), regex (optional: any one fires, for shapes keywords cannot express),
    unless (keywords that veto the rule: warnings, news, anti-fraud advice),
    not_within (longer words that hold one of the rule's keywords without meaning it: `国男` is
    a slur, but not inside `中国男女`; a keyword found only inside them does not count),
    examples, counter_examples (checked by the test suite).

Patterns are written in plain simplified Chinese and are passed through the same
`normalize` + `fold_for_detection` as the texts, so a rule written `微信` also matches `薇信`,
`威信` and `V信`, and `博彩` also matches `菠*菜`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import ahocorasick
import yaml

from lianfang.detect.canonical import fold_for_detection
from lianfang.errors import InputError
from lianfang.taxonomy import FRAUD_SUBTYPES, Category, Stage
from lianfang.text.normalize import normalize

__all__ = ["Rule", "RuleHit", "RuleSet", "canonical_pattern", "default_rules", "load_rules", "match"]

_FIELDS = {
    "id", "category", "stage", "subtype", "weight", "description", "patterns", "also", "regex",
    "unless", "not_within", "examples", "counter_examples",
}  # fmt: skip
# Automaton slot kinds: which part of a rule a keyword belongs to.
_MAIN = -1
_VETO = -2
_CONTAINER = -3


@dataclass(frozen=True, slots=True)
class Rule:
    """One sample-library rule, patterns already in canonical (normalised + folded) form."""

    id: str
    category: Category
    stage: Stage | None
    subtype: str | None
    weight: float
    description: str
    patterns: tuple[str, ...]
    also: tuple[tuple[str, ...], ...]
    regex: tuple[re.Pattern[str], ...]
    unless: tuple[str, ...]
    not_within: tuple[str, ...]
    examples: tuple[str, ...]
    counter_examples: tuple[str, ...]
    source: str


@dataclass(frozen=True, slots=True)
class RuleHit:
    """A rule that fired on a text; `evidence` is the keyword or regex match that triggered it."""

    rule_id: str
    category: Category
    stage: Stage | None
    subtype: str | None
    weight: float
    evidence: str


def canonical_pattern(pattern: str) -> str:
    """Return `pattern` in the form texts take before matching (normalise, then detector fold)."""
    return fold_for_detection(normalize(pattern).text)


class RuleSet:
    """A compiled collection of rules; `match` runs one automaton pass plus the few regexes."""

    __slots__ = ("rules", "_automaton", "_regex_rules")

    def __init__(self, rules: Sequence[Rule]) -> None:
        """Compile `rules`; raises InputError on duplicate ids."""
        seen: set[str] = set()
        for rule in rules:
            if rule.id in seen:
                raise InputError(f"duplicate rule id {rule.id!r}")
            seen.add(rule.id)
        self.rules: tuple[Rule, ...] = tuple(rules)
        slots: dict[str, list[tuple[int, int]]] = {}
        for index, rule in enumerate(self.rules):
            for word in rule.patterns:
                slots.setdefault(word, []).append((index, _MAIN))
            for group_no, group in enumerate(rule.also):
                for word in group:
                    slots.setdefault(word, []).append((index, group_no))
            for word in rule.unless:
                slots.setdefault(word, []).append((index, _VETO))
            for word in rule.not_within:
                slots.setdefault(word, []).append((index, _CONTAINER))
        automaton = ahocorasick.Automaton()
        for word, where in slots.items():
            automaton.add_word(word, (word, tuple(where)))
        if slots:
            automaton.make_automaton()
        self._automaton = automaton if slots else None
        self._regex_rules = tuple(i for i, r in enumerate(self.rules) if r.regex)

    def match(self, text: str) -> list[RuleHit]:
        """Return the rules that fire on `text` (normalised or raw), strongest first.

        The text is folded with `fold_for_detection` first. Never raises for str input; an
        empty text fires nothing.
        """
        return self.match_folded(fold_for_detection(text))

    def match_folded(self, folded: str) -> list[RuleHit]:
        """`match` for a text already passed through `fold_for_detection` (no second fold)."""
        main: dict[int, str] = {}
        groups: dict[int, set[int]] = {}
        vetoed: set[int] = set()
        keywords: list[tuple[int, int, int, int, str]] = []  # start, end, rule, slot, keyword
        containers: dict[int, list[tuple[int, int]]] = {}
        if self._automaton is not None and folded:
            for last, (word, where) in self._automaton.iter(folded):
                start, end = last + 1 - len(word), last + 1
                for index, slot in where:
                    if slot == _VETO:
                        vetoed.add(index)
                    elif slot == _CONTAINER:
                        containers.setdefault(index, []).append((start, end))
                    else:
                        keywords.append((start, end, index, slot, word))
        for start, end, index, slot, word in keywords:
            if any(a <= start and end <= b for a, b in containers.get(index, ())):
                continue
            if slot == _MAIN:
                main.setdefault(index, word)
            else:
                groups.setdefault(index, set()).add(slot)
        for index in self._regex_rules:
            if index in main or index in vetoed:
                continue
            for pattern in self.rules[index].regex:
                found = pattern.search(folded)
                if found:
                    main[index] = found.group()
                    break
        hits = []
        for index, evidence in main.items():
            rule = self.rules[index]
            if index in vetoed or len(groups.get(index, ())) < len(rule.also):
                continue
            hits.append(RuleHit(rule.id, rule.category, rule.stage, rule.subtype, rule.weight, evidence))
        hits.sort(key=lambda h: (-h.weight, h.rule_id))
        return hits


def _words(raw: Any, where: str, field: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(w, str | int) for w in raw):
        raise InputError(f"{where}: '{field}' must be a list of strings")
    words = tuple(dict.fromkeys(canonical_pattern(str(w)) for w in raw))
    if any(not w for w in words):
        raise InputError(f"{where}: '{field}' contains an empty pattern")
    return words


def _rule_from_mapping(raw: Mapping[str, Any], source: str) -> Rule:
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not rule_id:
        raise InputError(f"{source}: a rule has no 'id'")
    where = f"{source}: rule {rule_id}"
    unknown = set(raw) - _FIELDS
    if unknown:
        raise InputError(f"{where}: unknown field(s) {sorted(unknown)}")
    try:
        category = Category(str(raw.get("category")))
        stage = Stage(raw["stage"]) if raw.get("stage") is not None else None
    except ValueError as exc:
        raise InputError(f"{where}: {exc}") from exc
    subtype = raw.get("subtype")
    if subtype is not None and (category is not Category.FRAUD or subtype not in FRAUD_SUBTYPES):
        raise InputError(
            f"{where}: subtype {subtype!r} needs category fraud and one of {sorted(FRAUD_SUBTYPES)}"
        )
    weight = raw.get("weight")
    if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 < weight <= 1:
        raise InputError(f"{where}: 'weight' must be a number in (0, 1]")
    try:
        regex = tuple(re.compile(p) for p in raw.get("regex") or ())
    except (re.error, TypeError) as exc:
        raise InputError(f"{where}: bad regex: {exc}") from exc
    also_raw = raw.get("also") or []
    if not isinstance(also_raw, list):
        raise InputError(f"{where}: 'also' must be a list of keyword lists")
    patterns = _words(raw.get("patterns"), where, "patterns")
    if not patterns and not regex:
        raise InputError(f"{where}: needs 'patterns' or 'regex'")
    examples = raw.get("examples") or []
    counter = raw.get("counter_examples") or []
    if not examples or not all(isinstance(e, str) for e in [*examples, *counter]):
        raise InputError(
            f"{where}: needs at least one string in 'examples' (and strings in 'counter_examples')"
        )
    return Rule(
        id=rule_id,
        category=category,
        stage=stage,
        subtype=subtype,
        weight=float(weight),
        description=str(raw.get("description") or ""),
        patterns=patterns,
        also=tuple(_words(g, where, "also") for g in also_raw),
        regex=regex,
        unless=_words(raw.get("unless"), where, "unless"),
        not_within=_words(raw.get("not_within"), where, "not_within"),
        examples=tuple(examples),
        counter_examples=tuple(counter),
        source=source,
    )


def _rules_from_yaml(text: str, source: str) -> list[Rule]:
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(f"{source}: not valid YAML: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("rules"), list):
        raise InputError(f"{source}: expected a mapping with a 'rules' list")
    out = []
    for raw in doc["rules"]:
        if not isinstance(raw, dict):
            raise InputError(f"{source}: every rule must be a mapping")
        out.append(_rule_from_mapping(raw, source))
    return out


def load_rules(paths: Iterable[Path] | None = None) -> RuleSet:
    """Load and compile rules from YAML `paths` (default: the shipped `detect/rules/*.yaml`).

    Raises InputError naming the file and rule for any malformed rule.
    """
    rules: list[Rule] = []
    if paths is None:
        folder = resources.files("lianfang.detect") / "rules"
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".yaml"):
                rules.extend(_rules_from_yaml(entry.read_text(encoding="utf-8"), entry.name))
    else:
        for path in paths:
            rules.extend(_rules_from_yaml(Path(path).read_text(encoding="utf-8"), Path(path).name))
    return RuleSet(rules)


@cache
def default_rules() -> RuleSet:
    """Return the shipped rule set, compiled once per process."""
    return load_rules()


def match(normalized_text: str) -> list[RuleHit]:
    """Match the shipped rules against a `normalize`d text; strongest hit first."""
    return default_rules().match(normalized_text)
