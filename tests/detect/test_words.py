"""Word segmentation and the one-code-point-per-word encoding of the detector's word block."""

from __future__ import annotations

from lianfang.detect.synthetic import everyday_posts, fraud_posts
from lianfang.detect.words import WordCoder, segment


def test_segment_uses_the_dictionary_and_drops_blanks() -> None:
    assert segment("中华人民共和国成立于一九四九年") == ["中华人民共和国", "成立", "于", "一九四九年"]
    assert segment("我们 今天  去公园\n") == ["我们", "今天", "去", "公园"]
    assert segment("") == [] and segment(" \t ") == []


def test_encoding_gives_one_code_point_per_word() -> None:
    texts = [r.text for r in fraud_posts(300, 3) + everyday_posts(300, 3)]
    texts += ["a  b\u3000c\r\nd\x1ce\u2028f\x85g", " 加\t微信 \n"]  # every kind of blank jieba yields
    coder = WordCoder.fit(texts, min_df=3)
    rebuilt = WordCoder(coder.words)  # as `load` builds it from the saved array
    assert list(coder.words) == sorted(coder.words) and len(coder.words) > 100
    code = {w: chr(0x10001 + i) for i, w in enumerate(coder.words.tolist())}
    for text in texts:
        words = segment(text)
        encoded = rebuilt.encode(text)
        assert encoded == "".join(code.get(w, "\U00010000") for w in words)
        assert not any(c.isspace() for c in encoded)
    assert rebuilt.encode_many(["", "   "]) == ["", ""]


def test_min_df_counts_texts_not_occurrences() -> None:
    coder = WordCoder.fit(["苹果苹果苹果", "香蕉牛奶", "牛奶面包"], min_df=2)
    assert coder.words.tolist() == ["牛奶"]
    assert coder.encode("苹果牛奶") == "\U00010000\U00010001"
