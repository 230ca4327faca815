"""The shipped classifier: loads, predicts sanely, maps schemes exactly, CLI streams with errors."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import orjson
import pytest
from typer.testing import CliRunner

import lianfang
from lianfang.cli import app
from lianfang.detect.canonical import fold_for_detection, sound_key
from lianfang.detect.datasets import LabelledText, data_dir
from lianfang.detect.evaluation import evaluate_file, format_report
from lianfang.detect.features import CUE_NAMES, prepare
from lianfang.detect.model import (
    DetectorModel,
    ModelConfig,
    classify,
    classify_many,
    fit,
    gate_blend,
    load,
    save,
    to_scheme,
)
from lianfang.detect.perturb import obfuscate, type_pinyin
from lianfang.detect.rules import default_rules
from lianfang.detect.stream import classify_lines
from lianfang.detect.tfidf import CharTfidf
from lianfang.errors import InputError
from lianfang.taxonomy import CHINESEHARM_LABELS, Category, Stage
from lianfang.text.normalize import normalize

DATA = Path(__file__).resolve().parents[1] / "data"

# Written for these tests (not taken from any data set).
CASES = [
    ("新用户注册送88元彩金，百家乐、极速赛车，日结反水，浏览器搜索 ab88.top", Category.GAMBLING),
    ("同城上门服务，学生妹包夜，加微信看照片", Category.PORN),
    ("在家兼职刷单，一小时300，先垫付后返佣金，宝妈学生都能做", Category.FRAUD),
    ("你个傻逼脑残，滚远点，死全家的狗东西", Category.ABUSE),
    ("抖音代发视频，涨粉刷赞，一单一结", Category.ILLICIT_AD),
    ("拉人头返利，发展下线，直推奖加见点奖，入门费3800成为代理", Category.PYRAMID_SCHEME),
    ("出售公民个人信息，股民数据、贷款客户资料，收银行卡四件套", Category.PII_TRADE),
    ("周末和朋友去爬山，山顶的风景真好看", Category.BENIGN),
    ("这道题我算了三遍还是不对，明天去问老师", Category.BENIGN),
]


@pytest.fixture(scope="module")
def model() -> DetectorModel:
    return load()


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_sane_predictions(model: DetectorModel, text: str, expected: Category) -> None:
    result = classify(text)
    assert result.label is expected, (result.label, result.scores)
    assert result.scores[str(expected)] == max(result.scores[str(c)] for c in Category)


def test_classification_explains_itself(model: DetectorModel) -> None:
    result = classify("跑分平台招码商，收款码出租，高价收U承兑")
    assert result.stage is Stage.PAYMENT
    assert "payment.score_running" in result.rules
    fraud = classify("在家兼职刷单，一小时300，先垫付后返佣金")
    assert fraud.subtype == "brushing"
    assert classify("周末和朋友去爬山").stage is None


def test_public_api_and_batch_agree(model: DetectorModel) -> None:
    texts = [text for text, _ in CASES]
    batch = classify_many(texts)
    assert [c.label for c in batch] == [lianfang.classify(t).label for t in texts]
    assert classify_many([]) == []
    with pytest.raises(InputError):
        classify(None)  # type: ignore[arg-type]


def test_scheme_label_sets_are_exact(model: DetectorModel) -> None:
    for text, _ in CASES:
        result = classify(text)
        native = to_scheme(result, "native")
        harm = to_scheme(result, "chineseharm")
        cold = to_scheme(result, "cold")
        assert set(native.scores) == {str(c) for c in Category}
        assert set(harm.scores) == set(CHINESEHARM_LABELS) and harm.label in CHINESEHARM_LABELS
        assert set(cold.scores) == {"offensive", "non_offensive"}
        for scores in (native.scores, harm.scores, cold.scores):
            assert sum(scores.values()) == pytest.approx(1.0, abs=1e-4)
    assert to_scheme(classify(CASES[5][0]), "chineseharm").label == "fraud"
    assert to_scheme(classify(CASES[6][0]), "chineseharm").label == "illicit_ad"
    assert to_scheme(classify(CASES[3][0]), "cold").label == "offensive"
    with pytest.raises(InputError, match="scheme"):
        to_scheme(classify("x"), "nope")


def test_obfuscated_texts_keep_their_label(model: DetectorModel) -> None:
    for text, expected in CASES[:5]:
        for seed in range(3):
            assert classify(obfuscate(text, seed)).label is expected, obfuscate(text, seed)


def test_pinyin_typing_is_seeded_and_typed_as_letters() -> None:
    text = "加我微信免费领取红包，日赚三百"
    assert type_pinyin(text, 0.3, 1) == type_pinyin(text, 0.3, 1)
    assert type_pinyin(text, 0.0) == text
    assert type_pinyin(text, 1.0) == "jiawoweixinmianfeilingquhongbao，rizhuansanbai"
    assert len({type_pinyin(text, 0.3, s) for s in range(10)}) > 3


def test_styled_pinyin_typing_varies_tones_spacing_and_case() -> None:
    text = "加我微信免费领取红包，日赚三百"
    assert type_pinyin(text, 0.3, 1, styled=False) == type_pinyin(text, 0.3, 1)
    assert type_pinyin(text, 0.3, 1, styled=True) == type_pinyin(text, 0.3, 1, styled=True)
    typed = [type_pinyin(text, 0.5, s, styled=True) for s in range(40)]
    assert any("ā" in t or "ǐ" in t or "à" in t for t in typed)  # tone marks
    assert any(" " in t for t in typed)  # syllables typed apart
    assert any("JIA" in t or "WEI" in t or "HONG" in t or "RI" in t for t in typed)
    assert all("  " not in t and t == t.strip() for t in typed)


def test_perturbation_is_seeded_and_changes_text() -> None:
    text = "博彩平台注册送红包，加微信私聊，色情视频免费看"
    assert obfuscate(text, 1) == obfuscate(text, 1)
    assert any(obfuscate(text, s) != text for s in range(5))
    assert len({obfuscate(text, s) for s in range(10)}) > 3


def test_detection_fold_and_sound_view() -> None:
    assert (
        fold_for_detection(normalize("菠*菜 平台，涩~情，线上du场，3oo一天").text)
        == "博彩平台色情线上赌场,300一天"
    )
    folded = fold_for_detection("ＤＹ代·发")
    assert fold_for_detection(folded) == folded
    assert sound_key("铮点饯") != sound_key("赚点钱")
    assert sound_key("吕铯卦机相目") == sound_key("绿色挂机项目")
    assert sound_key("abc 123") == "abc 123"


def test_sound_view_reads_typed_pinyin() -> None:
    assert sound_key("zhuan钱") == sound_key("赚钱")
    assert sound_key("jia微信") == sound_key("加微信")
    assert sound_key("领quhong包") == sound_key("领取红包")  # neighbours typed together
    assert sound_key("xian在") == sound_key("现在")  # fewest syllables: xian, not xi-an
    # Letters that are not wholly pinyin, single letters and runs away from CJK stay as they are.
    assert sound_key("call我").startswith("call")
    assert sound_key("nb了").startswith("nb")
    assert sound_key("a股").startswith("a")
    assert sound_key("hello world") == "hello world"
    # Runs longer than six long syllables are words or junk, not typed characters.
    assert sound_key("ba" * 30 + "中").startswith("ba" * 30)
    assert sound_key("ba" * 3 + "中") == sound_key("爸爸爸中")


def test_sound_view_reads_pinyin_typed_apart_with_tones_or_capitals() -> None:
    def view(text: str) -> str:
        return sound_key(fold_for_detection(normalize(text).text))

    assert view("加 wei xin") == view("jia Wei 信") == view("加微信")
    assert view("领 qǔ hóng 包") == view("领取红包")
    assert view("日ZHUÀN三百") == view("日赚三百")
    # Only the pinyin groups at a phrase's edge next to CJK are read; the rest stays text.
    assert view("hello 加 wei xin ok") == "hello " + view("加微信") + " ok"
    assert view("jia wei xin") == "jia wei xin"  # no CJK: could be any romanised text
    assert view("在 love you") == view("在") + " love you"
    assert view("加 wei  xin") == view("加微") + "  xin"  # two spaces end the phrase


def test_sound_view_passes_over_a_lone_letter_or_digit_between_characters() -> None:
    assert sound_key("赌a博平3台") == sound_key("赌博平台")
    assert fold_for_detection("赌a博平3台") == "赌a博平3台"  # the other features keep them
    assert sound_key("赌ab博") != sound_key("赌博")  # two letters may be a word or a syllable
    assert sound_key("a股 3天") == "a" + sound_key("股") + " 3" + sound_key("天")  # not between two


def test_detection_fold_drops_tone_marks_and_decorations() -> None:
    assert fold_for_detection("Jiā Wēi Xìn, lǜ") == "jia wei xin, lv"  # ü stays apart as v
    assert fold_for_detection("赌\u0336博\u0336平台") == "赌博平台"  # struck-through characters
    assert fold_for_detection("给\u0338您\u0338宋\u03386\u03388") == "给您宋68"
    assert fold_for_detection("网_上_赌_博 a_b") == "网上赌博 a_b"  # underscores between CJK only
    assert fold_for_detection("a丶b 加丶微丨信") == "a丶b 加微信"  # stroke separators between CJK only


def test_detection_fold_reads_tone_numbers_like_tone_marks() -> None:
    assert fold_for_detection("jia1 wei1 xin4") == fold_for_detection("jiā wēi xìn") == "jia wei xin"
    assert fold_for_detection("领hong2bao1 lv4se4") == "领hongbao lvse"  # ü typed as v
    assert sound_key(fold_for_detection("加wei1xin4")) == sound_key("加微信")
    # One toned group alone, or a run with a group that is no syllable (bv), is kept: a code.
    assert fold_for_detection("加wei1信 ao3 v1 a3纸 b2 bv1ej") == "加wei1信 ao3 v1 a3纸 b2 bv1ej"
    assert fold_for_detection("jia1qq2 abc123") == "jia1qq2 abc123"


def test_detection_fold_reads_cyrillic_and_greek_lookalikes_as_latin() -> None:
    assert fold_for_detection("加wеchat") == "加wechat"  # Cyrillic е
    assert fold_for_detection("Ԝесһаt ΟΚ") == "wechat ok"


def test_stream_writes_error_lines_and_goes_on(model: DetectorModel) -> None:
    lines = [
        b'{"id": 1, "text": "\xe5\xbc\x80\xe6\x88\xb7\xe9\x80\x81188"}',
        b"not json",
        b'{"id": 2}',
        b"\xff\xfe",
        b"",
        b'{"id": "3", "text": "\xe4\xbd\xa0\xe5\xa5\xbd"}',
    ]
    out = [json.loads(line) for line in classify_lines(lines, "chineseharm", lang="en")]
    assert [o.get("id") for o in out] == [1, None, None, None, "3"]
    assert [o.get("line") for o in out[1:4]] == [2, 3, 4]
    assert "not valid JSON" in out[1]["error"] and "text" in out[2]["error"] and "UTF-8" in out[3]["error"]
    assert set(out[0]["scores"]) == set(CHINESEHARM_LABELS)
    assert set(out[0]) == {"id", "label", "scores", "stage", "subtype", "rules"}
    with pytest.raises(InputError):
        list(classify_lines([], "bogus"))


def test_cli_classify(tmp_path: Path, model: DetectorModel) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "a", "text": "百家乐开户送彩金"}\n{broken\n', encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["classify", str(source), "--scheme", "cold"], env={"LIANFANG_LANG": "en"})
    assert result.exit_code == 0, result.output
    rows = [orjson.loads(line) for line in result.stdout.splitlines()]
    assert set(rows[0]["scores"]) == {"offensive", "non_offensive"} and rows[0]["id"] == "a"
    assert rows[1]["line"] == 2 and "not valid JSON" in rows[1]["error"]
    zh = runner.invoke(app, ["classify", str(source)], env={"LIANFANG_LANG": "zh"})
    assert "不是合法的 JSON" in zh.stdout
    bad = runner.invoke(app, ["classify", str(source), "--scheme", "six"], env={"LIANFANG_LANG": "en"})
    assert bad.exit_code != 0 and "unsupported scheme" in bad.output
    missing = runner.invoke(app, ["classify", str(tmp_path / "nope.jsonl")], env={"LIANFANG_LANG": "en"})
    assert missing.exit_code == 1 and "error" in missing.output


def test_eval_reports_metrics(model: DetectorModel) -> None:
    report = evaluate_file(DATA / "detect_eval.jsonl", model)
    assert report.scheme == "chineseharm" and report.n == 4
    assert 0.0 <= report.macro_f1 <= 1.0 and sum(map(sum, report.confusion)) == 4
    text = format_report(report)
    assert "macro_f1" in text and "confusion" in text
    result = CliRunner().invoke(app, ["model", "eval", "--data", str(DATA / "detect_eval.jsonl")])
    assert result.exit_code == 0 and "accuracy=" in result.stdout


def test_everyday_gate_weighs_rule_hits_as_evidence(model: DetectorModel) -> None:
    assert model.gate_coef.size, "shipped model should carry the everyday-chat gate"
    no_gate = replace(model, gate_coef=np.zeros(0, dtype=np.float32))
    everyday = "今天和同事去吃火锅，排队排了一个小时，味道一般般吧"
    x = model.features([prepare(everyday, default_rules())])
    g = float(model.gate_proba(model.scores(x))[0])
    assert g >= model.config.gate_threshold, g
    gated = classify_many([everyday], model)[0]
    assert gated.label is Category.BENIGN and gated.scores["benign"] >= g
    assert float(no_gate.gate_proba(no_gate.scores(x))[0]) == 0.0
    # Each harmful category's rule evidence pulls the gate away from everyday chat...
    side = model.gate_coef[-(len(model.rule_ids) + len(Category) - 1 + len(CUE_NAMES)) :]
    evidence = side[len(model.rule_ids) : len(model.rule_ids) + len(Category) - 1]
    harmful = [c for c in Category if c is not Category.BENIGN]
    pulls = {str(c): float(w) for c, w in zip(harmful, evidence, strict=True)}
    assert all(pulls[label] < 0 for label in CHINESEHARM_LABELS if label != "benign"), pulls
    # ...but a keyword in an everyday post (赌场 in a tourist's remark) is not a veto.
    post = "澳门赌场开业那天游客很多"
    assert classify_many([post], no_gate)[0].rules == ("gambling.games",)
    assert classify_many([post], model)[0].label is Category.BENIGN
    ad = classify_many(["加我微信，带你赚钱"], model)[0]
    assert ad.label is Category.FRAUD and "fraud.easy_money" in ad.rules


def test_char_ngrams_mark_where_a_text_starts_and_ends(model: DetectorModel) -> None:
    terms = model.vectorizer.terms.tolist()
    opening, closing = terms.index("\x02加"), terms.index("信\x03")  # the char block comes first
    rows = model.features([prepare(t, default_rules()) for t in ("加微信", "快加微信吧")]).csr()
    assert rows[0, opening] > 0 and rows[0, closing] > 0
    assert rows[1, opening] == 0 and rows[1, closing] == 0
    # A model saved before the marks existed has no STX n-grams and reads texts without them.
    terms = model.vectorizer.terms
    keep = ~(np.char.startswith(terms, "\x02") | np.char.endswith(terms, "\x03"))
    unmarked = CharTfidf(terms[keep], model.vectorizer.idf[keep], model.vectorizer.ngram_range)
    assert model.ends_marked and not replace(model, vectorizer=unmarked).ends_marked


def test_gate_blend_mixes_benign_in_only_at_or_above_the_threshold() -> None:
    proba = np.array([[0.1, 0.9], [0.1, 0.9], [0.1, 0.9]])
    blended = gate_blend(proba, np.array([0.5, 0.88, 0.95]), 0.88, 0)
    np.testing.assert_allclose(blended[0], [0.1, 0.9])
    np.testing.assert_allclose(blended[1], [0.88 + 0.12 * 0.1, 0.12 * 0.9])
    np.testing.assert_allclose(blended.sum(axis=1), 1.0)
    assert blended[2].argmax() == 0


def test_scores_are_scipy_products_and_batches_change_nothing(model: DetectorModel) -> None:
    # The one-pass head scores must equal the three sparse products they replace, bit for bit,
    # and a text's result must not depend on the batch it comes in.
    texts = [text for text, _ in CASES] + ["", "   ", "加\x00微信", "加\ud800微信", "周末 爬山 " * 120]
    x = model.features([prepare(t, default_rules()) for t in texts])
    scores = model.scores(x)
    matrix = x.csr()
    harm = np.asarray(matrix @ np.ascontiguousarray(model.coef.T))
    np.testing.assert_array_equal(scores[:, : len(model.labels)], harm)
    np.testing.assert_array_equal(scores[:, -2], matrix @ model.gate_coef)
    np.testing.assert_array_equal(scores[:, -1], matrix @ model.cold_coef)
    one_by_one = [classify_many([t], model)[0] for t in texts]
    assert classify_many(texts, model) == one_by_one


def test_fit_save_load_round_trip(tmp_path: Path) -> None:
    rows = [
        LabelledText(text, str(expected)) for text, expected in CASES if expected.value in CHINESEHARM_LABELS
    ]
    rows += [LabelledText(text + "。", label.label) for label in rows for text in [label.text]]
    cold = [LabelledText("你个傻逼", "offensive"), LabelledText("今天天气不错", "non_offensive")]
    trained = fit(rows, cold, ModelConfig(min_df=1, max_iter=50))
    path = tmp_path / "m.joblib"
    save(trained, path)
    again = load(path)
    texts = [r.text for r in rows]
    assert [c.scores for c in classify_many(texts, again)] == [
        c.scores for c in classify_many(texts, trained)
    ]
    with pytest.raises(InputError):
        fit([LabelledText("x", "spam")], [], ModelConfig(min_df=1))
    with pytest.raises(InputError, match="not found"):
        load(tmp_path / "missing.joblib")


def test_data_dir_honours_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIANFANG_DATA_DIR", str(tmp_path))
    assert data_dir() == tmp_path
    monkeypatch.setenv("LIANFANG_DATA_DIR", str(tmp_path / "absent"))
    with pytest.raises(InputError):
        data_dir()
