"""Feature side of the classifier: canonical text, rule-hit features and surface-cue features.

The character n-gram TF-IDF part is a fitted `TfidfVectorizer` kept in the model; this module
turns a raw text into what that vectorizer and the dense side-features need.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lianfang.detect.canonical import fold_for_detection
from lianfang.detect.rules import RuleHit, RuleSet
from lianfang.detect.tfidf import SparseRows
from lianfang.taxonomy import Category
from lianfang.text.normalize import Normalized, normalize

__all__ = ["CUE_NAMES", "Prepared", "cue_vector", "prepare", "prepare_normalized", "side_features"]


@dataclass(frozen=True, slots=True)
class Prepared:
    """A text made ready for the model: canonical form plus the rules that fired on it."""

    folded: str
    hits: tuple[RuleHit, ...]


def prepare(text: str, rules: RuleSet) -> Prepared:
    """Normalise, fold and rule-match `text`; pure, never raises for str input."""
    return prepare_normalized(normalize(text), rules)


def prepare_normalized(norm: Normalized, rules: RuleSet) -> Prepared:
    """`prepare` for a text already normalised (the pipeline normalises once for all stages)."""
    folded = fold_for_detection(norm.text)
    return Prepared(folded, tuple(rules.match_folded(folded)))


# Surface cues of contact points and money that black/gray-industry posts carry. They are
# deliberately coarse (presence only): validated indicators come from lianfang.indicators.
# Only presence counts, so each pattern is written to start with a literal or a character class
# that re can skip ahead to, looking behind it for what precedes: `[a-z0-9-]{2,}\.com` is found as
# `.com` after two such characters, `[0-9]+(\.[0-9]+)?\s*元` as the last digit before the unit
# (tests/detect/test_features.py holds the plain forms and checks both find the same).
_TLDS = "com|cn|net|top|vip|xyz|cc|me|app|shop|club|site|info|org"
_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("url", re.compile(rf"https?://|www\.|\.(?<=[a-z0-9-]{{2}}\.)(?:{_TLDS})\b")),
    ("cheap_tld", re.compile(r"\.(?<=[a-z0-9-]\.)(?:top|vip|xyz|cc|shop|club|site|fun|icu)\b")),
    ("contact", re.compile(r"微信|qq|telegram|加v|\+v|私聊|私我|加我|联系我|滴滴我")),
    ("phone", re.compile(r"1(?<![0-9]1)[3-9][0-9]{9}(?![0-9])")),
    ("long_number", re.compile(r"[0-9](?<![0-9]{2})[0-9]{4,9}(?![0-9])")),
    ("money", re.compile(r"[0-9]\s*(?:元|块|米|w|万|k|u|刀)")),
    ("percent", re.compile(r"[0-9]\s*%")),
    ("emoji", re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")),
    ("em_tag", re.compile(r"\[em\]|/[\u4e00-\u9fff]{2}")),
    ("latin_only", re.compile(r"^[^\u4e00-\u9fff]*$")),
)
CUE_NAMES: tuple[str, ...] = tuple(name for name, _ in _CUES)
_HARM_CATEGORIES: tuple[Category, ...] = tuple(c for c in Category if c is not Category.BENIGN)


def cue_vector(folded: str) -> list[float]:
    """Return 0/1 presence of each surface cue in CUE_NAMES order for a folded text."""
    return [1.0 if pattern.search(folded) else 0.0 for _, pattern in _CUES]


def side_features(prepared: Sequence[Prepared], rule_ids: Sequence[str], scale: float) -> SparseRows:
    """Dense side-features as sparse rows (zeros left out): per-rule weight, per-category evidence, cues.

    Columns: one per id in `rule_ids` (the weight of that rule if it fired), one per harmful
    category (sum of fired weights, capped at 1), then CUE_NAMES. Everything is multiplied by
    `scale` so the block sits on the same footing as the L2-normalised TF-IDF block.
    """
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    n_rules = len(rule_ids)
    cat_index = {c: n_rules + i for i, c in enumerate(_HARM_CATEGORIES)}
    width = n_rules + len(_HARM_CATEGORIES) + len(CUE_NAMES)
    rows = np.zeros((len(prepared), width), dtype=np.float32)
    for r, item in enumerate(prepared):
        for hit in item.hits:
            col = index.get(hit.rule_id)
            if col is not None:
                rows[r, col] = hit.weight
            cat = cat_index[hit.category]
            rows[r, cat] = min(1.0, rows[r, cat] + hit.weight)
        rows[r, n_rules + len(_HARM_CATEGORIES) :] = cue_vector(item.folded)
    rows *= np.float32(scale)
    row, column = np.nonzero(rows)
    indptr = np.r_[0, np.cumsum(np.count_nonzero(rows, axis=1))]
    return SparseRows(indptr, column, rows[row, column], width)
