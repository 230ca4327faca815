"""Self-written training posts: seeded, labelled, varied; fraud posts join training at their weight."""

from __future__ import annotations

from pathlib import Path

from lianfang.detect.datasets import LabelledText
from lianfang.detect.model import ModelConfig, training_rows
from lianfang.detect.rules import default_rules
from lianfang.detect.synthetic import (
    SUBTYPE_TEMPLATES,
    everyday_posts,
    fraud_posts,
    written_everyday,
    written_fraud,
)
from lianfang.taxonomy import FRAUD_SUBTYPES


def test_generator_is_seeded_and_varied() -> None:
    posts = fraud_posts(200, 3)
    assert posts == fraud_posts(200, 3)
    assert posts != fraud_posts(200, 4)
    assert len({p.text for p in posts}) == 200
    assert {p.label for p in posts} == {"fraud"}
    assert all("{" not in p.text and "}" not in p.text for p in posts)


def test_every_fraud_subtype_has_templates() -> None:
    assert set(SUBTYPE_TEMPLATES) == set(FRAUD_SUBTYPES)
    assert all(len(templates) >= 4 for templates in SUBTYPE_TEMPLATES.values())


def test_training_rows_add_written_posts_at_their_weight() -> None:
    data = [LabelledText("刷单返利日结", "fraud"), LabelledText("今天吃了面条", "benign")]
    config = ModelConfig(synthetic_fraud=10, synthetic_weight=0.5, written_fraud_weight=2.0)
    rows, weights = training_rows(data, [], config)
    hand = written_fraud()
    assert len(rows) == 12 + len(hand) and rows[2:12] == fraud_posts(10, config.seed)
    assert rows[12:] == hand
    assert weights[2:12].tolist() == [0.5 * weights[0]] * 10
    assert weights[12:].tolist() == [2.0 * weights[0]] * len(hand)
    # Without real fraud rows there is nothing to tie the weight to: no written posts.
    rows, _ = training_rows([LabelledText("今天吃了面条", "benign")], [], config)
    assert len(rows) == 1
    rows, _ = training_rows(data, [], ModelConfig(synthetic_fraud=0, written_fraud_weight=0.0))
    assert len(rows) == 2


def test_everyday_posts_are_benign_and_fire_no_rule() -> None:
    posts = everyday_posts(300, 0)
    assert posts == everyday_posts(300, 0)
    assert {p.label for p in posts} == {"benign"}
    assert len({p.text for p in posts}) == 300
    rules = default_rules()
    assert [p.text for p in posts if rules.match(p.text)] == []


def test_written_everyday_posts_are_distinct_and_kept_apart_from_the_probe() -> None:
    posts = [r.text for r in written_everyday()]
    assert len(posts) >= 200
    assert len(set(posts)) == len(posts)
    assert all(r.label == "benign" for r in written_everyday())
    # benchmarks/data/everyday_probe_zh.txt measures the gate on chat it never saw.
    probe = Path(__file__).parents[2] / "benchmarks" / "data" / "everyday_probe_zh.txt"
    assert not set(posts) & set(probe.read_text(encoding="utf-8").splitlines())


def test_written_fraud_posts_are_distinct_fraud_and_not_everyday() -> None:
    posts = written_fraud()
    texts = [p.text for p in posts]
    assert len(texts) >= 100
    assert len(set(texts)) == len(texts)
    assert {p.label for p in posts} == {"fraud"}
    assert not set(texts) & {p.text for p in written_everyday()}
