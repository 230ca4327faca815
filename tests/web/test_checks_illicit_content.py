"""illicit_content checker: turns a confident non-benign classification into a finding."""

from __future__ import annotations

from dataclasses import replace

from lianfang.detect.classification import Classification
from lianfang.taxonomy import Category
from lianfang.web.checks.illicit_content import IllicitContentCheck
from lianfang.web.inspect import _classifier, inspect_page
from lianfang.web.page import parse_page

PAGE = "<html><head><title>皇冠体育</title></head><body><p>注册送彩金，百家乐在线</p></body></html>"


def test_confident_label_becomes_finding_and_benign_does_not() -> None:
    page = parse_page(PAGE)
    gambling = Classification(
        Category.GAMBLING, {"gambling": 0.92, "benign": 0.08}, rules=("gambling.games",)
    )
    found = list(IllicitContentCheck().check(replace(page, classification=gambling)))
    assert found[0].confidence == 0.92 and found[0].detail.startswith("gambling")
    no_support = Classification(Category.GAMBLING, {"gambling": 0.92}, rules=())
    assert (
        list(IllicitContentCheck().check(replace(parse_page("<p>学校新闻</p>"), classification=no_support)))
        == []
    )
    weak = Classification(Category.GAMBLING, {"gambling": 0.4, "benign": 0.35})
    assert list(IllicitContentCheck().check(replace(page, classification=weak))) == []
    benign = Classification(Category.BENIGN, {"benign": 0.99})
    assert list(IllicitContentCheck().check(replace(page, classification=benign))) == []


def test_without_detector_weights_inspection_says_not_available() -> None:
    result = inspect_page(PAGE)
    if _classifier() is None:
        assert result.classifier == "not available" and result.classification is None
    else:
        assert result.classifier == "ok" and result.classification is not None
