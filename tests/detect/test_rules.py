"""The sample library: every rule's examples fire it, its counter-examples do not."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lianfang.detect.canonical import VARIANTS, fold_for_detection, sound_key
from lianfang.detect.rules import Rule, default_rules, load_rules, match
from lianfang.errors import InputError
from lianfang.taxonomy import Category, Stage
from lianfang.text.normalize import normalize

RULES = default_rules().rules


def _ids(text: str) -> list[str]:
    return [hit.rule_id for hit in match(normalize(text).text)]


def test_library_covers_every_category_and_stage() -> None:
    categories = {rule.category for rule in RULES}
    assert categories == set(Category) - {Category.BENIGN}
    assert {rule.stage for rule in RULES if rule.stage} == set(Stage)
    assert len(RULES) >= 30


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_examples_fire(rule: Rule) -> None:
    for example in rule.examples:
        assert rule.id in _ids(example), example


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_counter_examples_do_not_fire(rule: Rule) -> None:
    for example in rule.counter_examples:
        assert rule.id not in _ids(example), example


def test_obfuscated_keywords_still_fire() -> None:
    # Traditional script, full-width letters, zero-width and symbol noise, variant spellings.
    assert "gambling.games" in _ids("線上菠\u200b菜，百*家*樂")
    assert "illicit_ad.video_posting" in _ids("ＤＹ代·发作品")
    assert "porn.content_sale" in _ids("涩情视频")


def test_hits_are_sorted_strongest_first_and_explain_themselves() -> None:
    hits = match(normalize("收银行卡四件套，高价收U，跑分平台").text)
    assert [h.weight for h in hits] == sorted((h.weight for h in hits), reverse=True)
    assert all(h.evidence for h in hits)
    assert {"pii.four_piece_set", "payment.score_running"} <= {h.rule_id for h in hits}


def test_everyday_text_fires_nothing() -> None:
    assert _ids("今天下午去图书馆还书，顺便买杯咖啡") == []
    assert _ids("") == []


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "r.yaml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("rules: [{id: a, category: nope, weight: 1, patterns: [x], examples: [x]}]", "nope"),
        ("rules: [{id: a, category: porn, weight: 2, patterns: [x], examples: [x]}]", "weight"),
        ("rules: [{id: a, category: porn, weight: 1, regex: ['('], examples: [x]}]", "regex"),
        ("rules: [{id: a, category: porn, weight: 1, examples: [x]}]", "patterns"),
        ("rules: [{id: a, category: porn, weight: 1, patterns: [x]}]", "examples"),
        (
            "rules: [{id: a, category: porn, subtype: brushing, weight: 1, patterns: [x], examples: [x]}]",
            "subtype",
        ),
        ("rules: [{id: a, category: porn, weight: 1, patterns: [x], examples: [x], typo: 1}]", "typo"),
        ("rules: {", "YAML"),
        ("- just a list", "rules"),
    ],
)
def test_malformed_rule_files_raise_clear_errors(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        load_rules([_write(tmp_path, body)])


def test_keywords_inside_a_not_within_word_do_not_count(tmp_path: Path) -> None:
    body = (
        "rules: [{id: a, category: abuse, weight: 1, patterns: [国男, 废物], "
        "not_within: [中国男女, 中国男人], examples: [国男]}, "
        "{id: b, category: abuse, weight: 1, patterns: [垃圾], also: [[国男]], "
        "not_within: [中国男人], examples: [垃圾国男]}]"
    )
    rules = load_rules([_write(tmp_path, body)])
    assert not rules.match("中国男女平等")
    assert not rules.match("中国男人和中国男女")  # every occurrence sits inside a longer word
    assert [h.evidence for h in rules.match("中国男女平等，国男真是")] == ["国男"]
    assert [h.evidence for h in rules.match("中国男人就是废物")] == ["废物"]
    # An `also` keyword counts only outside the longer words as well.
    assert not rules.match("垃圾中国男人")
    assert [h.rule_id for h in rules.match("垃圾国男")] == ["a", "b"]


def test_duplicate_ids_are_rejected(tmp_path: Path) -> None:
    rule = "{id: a, category: porn, weight: 1, patterns: [x], examples: [x]}"
    with pytest.raises(InputError, match="duplicate"):
        load_rules([_write(tmp_path, f"rules: [{rule}, {rule}]")])


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_match_and_fold_never_raise_and_fold_is_idempotent(text: str) -> None:
    folded = fold_for_detection(normalize(text).text)
    assert fold_for_detection(folded) == folded
    for hit in match(folded):
        assert 0 < hit.weight <= 1


# Pieces whose replacements create new neighbours: variant spellings, pinyin `du`, letter-o
# zeros, symbol noise, tone marks and CJK. Random text almost never strings them together.
_FOLD_PIECES = [*VARIANTS, *VARIANTS.values(), "du", "o", "3", "-", "*", " ", "·", "赌", "场", "菠", "a", "D"]
_FOLD_PIECES += ["è", "_", "\u0336", "丶"]  # tone marks, underscores, combining and separator strokes
_FOLD_PIECES += ["\x02", "\x1f"]  # control characters
_FOLD_PIECES += ["jia", "wei", "bv", "1", "4", "е", "с"]  # tone numbers, Cyrillic look-alikes


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_FOLD_PIECES), max_size=8))
def test_fold_is_idempotent_where_replacements_meet(pieces: list[str]) -> None:
    folded = fold_for_detection("".join(pieces))
    assert fold_for_detection(folded) == folded


_SOUND_PIECES = ["jia", "wei", "xin", "zhuang", "hello", "a", "nb", " ", "  ", "加", "信", ",", "ā", "JIA"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_SOUND_PIECES), max_size=10))
def test_sound_view_reads_each_typed_group_once(pieces: list[str]) -> None:
    # Typed groups are the widest pinyin runs at a phrase's edge, so a second pass finds none.
    view = sound_key(fold_for_detection(normalize("".join(pieces)).text))
    assert sound_key(view) == view


def test_fold_removes_control_characters() -> None:
    # They are invisible in a post, and the detector uses STX / ETX to mark a text's two ends.
    assert fold_for_detection("qq\x02123\x03\x7f") == "qq123"
    assert fold_for_detection("加\x00微信\x1f") == "加微信"
    assert fold_for_detection("line\none\ttwo\r") == "line\none\ttwo\r"


def test_fold_settles_replacements_that_meet_noise() -> None:
    # `bo彩` becomes CJK only after the noise pass has run; the fold must go round again.
    assert fold_for_detection("赌-bo彩") == "赌博彩"
    assert fold_for_detection("色q-百家lè") == "色情百家乐"
    rules = default_rules()
    text = "兼zhi*刷dan，du场-菠*菜"
    assert rules.match(text) == rules.match_folded(fold_for_detection(text))
