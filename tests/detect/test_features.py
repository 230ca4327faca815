"""The detector's fast patterns find what their plain forms find."""

from __future__ import annotations

import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lianfang.detect.canonical import _DU, _OO, fold_for_detection
from lianfang.detect.features import CUE_NAMES, Prepared, cue_vector, side_features
from lianfang.detect.rules import RuleHit
from lianfang.taxonomy import Category

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# The cues as first written; features.py rewrites them to start where re can skip ahead.
PLAIN_CUES = {
    "url": r"https?://|www\.|[a-z0-9-]{2,}\.(?:com|cn|net|top|vip|xyz|cc|me|app|shop|club|site|info|org)\b",
    "cheap_tld": r"[a-z0-9-]\.(?:top|vip|xyz|cc|shop|club|site|fun|icu)\b",
    "contact": r"微信|qq|telegram|加v|\+v|私聊|私我|加我|联系我|滴滴我",
    "phone": r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])",
    "long_number": r"(?<![0-9])[0-9]{5,10}(?![0-9])",
    "money": r"[0-9]+(?:\.[0-9]+)?\s*(?:元|块|米|w|万|k|u|刀)",
    "percent": r"[0-9]+(?:\.[0-9]+)?\s*%",
    "emoji": "[\U0001f300-\U0001faff\u2600-\u27bf]",
    "em_tag": r"\[em\]|/[\u4e00-\u9fff]{2}",
    "latin_only": r"^[^\u4e00-\u9fff]*$",
}
_PLAIN_DU = re.compile(f"(?<![a-z])du(?![a-z])(?=[{_CJK}])|(?<=[{_CJK}])du(?![a-z])")
_PLAIN_OO = re.compile(r"(?<=[0-9])o+(?![a-z])")

# Pieces that make the cues and folds fire, nearly fire, or stop firing.
PIECES = [
    *"0135789.-/ %元wku刀abcdmoxz\n\t", "http://", "https://", "www.", ".com", ".cn", ".top", ".cc",
    ".club", ".fun", "ab", "a-", "[em]", "/开心", "du", "dubo", "oo", "3oo", "场", "博", "微信", "qq",
    "加v", "😀", "☀", "中", "·", "*", "|", "1.5", "00000", "13812345678",
]  # fmt: skip
texts = st.lists(st.sampled_from(PIECES), max_size=14).map("".join)


@settings(max_examples=1500, deadline=None)
@given(texts)
def test_cues_and_fold_agree_with_their_plain_forms(text: str) -> None:
    plain = [1.0 if re.search(PLAIN_CUES[name], text) else 0.0 for name in CUE_NAMES]
    assert cue_vector(text) == plain
    # The fold's loop is unchanged; its two rewritten patterns must match exactly where their
    # plain forms match, on any text the loop may hand them.
    for fast, first_form in ((_DU, _PLAIN_DU), (_OO, _PLAIN_OO)):
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in first_form.finditer(text)]


def test_cue_examples() -> None:
    vector = cue_vector("日赚 3.5 万，收益 12.5%，联系 13812345678，ab88.top")
    cues = dict(zip(CUE_NAMES, vector, strict=True))
    assert cues["money"] == cues["percent"] == cues["phone"] == cues["url"] == cues["cheap_tld"] == 1.0
    assert cue_vector("213812345678 9.top")[CUE_NAMES.index("phone")] == 0.0
    assert fold_for_detection("线上du场 3oo 刷*单 dubai") == "线上赌场 300 刷单 dubai"


def test_side_features_leave_zeros_out() -> None:
    hit = RuleHit("r1", Category.FRAUD, None, None, 0.8, "微信")
    rows = side_features([Prepared("你好", ()), Prepared("加微信 50元", (hit,))], ["r0", "r1"], 0.5)
    dense = rows.csr().toarray()
    assert dense.shape == (2, rows.width)
    assert np.count_nonzero(dense) == len(rows.data) and np.all(rows.data != 0)
    assert dense[1, 1] == np.float32(0.8) * np.float32(0.5)
