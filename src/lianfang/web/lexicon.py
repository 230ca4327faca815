"""Gambling, porn and black-industry terms as they appear in hidden-link anchors and stuffed titles.

These are the words SEO spammers plant in defaced pages (anchor text, <title>, keywords); the
list is deliberately made of specific terms: ambiguous words such as 彩票 (state lotteries are
legal), 金沙 (a river, a county) or 六合 (a Nanjing district) appear only in their illicit
compounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from lianfang.taxonomy import Category

_GAMBLING = (
    "博彩",
    "赌博",
    "赌场",
    "赌球",
    "赌钱",
    "网赌",
    "赌城",
    "百家乐",
    "娱乐城",
    "真人娱乐",
    "真人视讯",
    "老虎机",
    "电子游艺",
    "棋牌游戏",
    "棋牌平台",
    "六合彩",
    "香港六合",
    "六合宝典",
    "时时彩",
    "重庆时时彩",
    "北京赛车",
    "北京pk10",
    "幸运飞艇",
    "快三平台",
    "彩票平台",
    "彩票网投",
    "澳门赌场",
    "新葡京",
    "葡京娱乐",
    "威尼斯人",
    "金沙娱乐",
    "金沙赌场",
    "金沙国际",
    "银河娱乐",
    "太阳城",
    "皇冠体育",
    "皇冠足球",
    "皇冠网址",
    "皇冠现金网",
    "体育投注",
    "足球投注",
    "网上投注",
    "线上赌场",
    "在线赌场",
    "亚博体育",
    "开云体育",
    "九游会",
    "乐鱼体育",
    "半岛体育",
    "bet365",
    "188bet",
    "博狗",
    "永利皇宫",
    "永利娱乐",
    "美高梅娱乐",
    "下注平台",
    "注册送彩金",
    "送彩金",
    "首存优惠",
    "返水",
    "菠菜",
    "牛牛",
    "炸金花",
    "斗牛棋牌",
    "捕鱼游戏",
    "赌神",
    "澳门彩",
    "澳彩",
    "现金网",
    "信誉盘",
    "外围投注",
    "私彩",
)
_PORN = (
    "色情",
    "成人网站",
    "成人影院",
    "成人视频",
    "成人电影",
    "黄色网站",
    "黄色视频",
    "黄片",
    "毛片",
    "a片",
    "av女优",
    "日本av",
    "av在线",
    "无码",
    "国产自拍",
    "偷拍",
    "自拍偷拍",
    "乱伦",
    "人妻",
    "巨乳",
    "裸聊",
    "约炮",
    "一夜情",
    "同城约会",
    "楼凤",
    "外围女",
    "援交",
    "激情视频",
    "激情小说",
    "色情小说",
    "福利视频",
    "福利姬",
    "草榴",
    "91porn",
    "porn",
    "xvideos",
    "pornhub",
    "丝袜美腿",
    "美女直播",
    "深夜直播",
    "裸体",
    "情色",
    "色站",
    "黄站",
    "做爱",
    "性爱",
    "午夜影院",
    "成人社区",
)
_ILLICIT_AD = (
    "代孕",
    "办证",
    "刻章",
    "代开发票",
    "发票代开",
    "假证",
    "枪支",
    "迷药",
    "催情",
    "窃听器",
    "卖号",
    "收号",
    "四件套",
    "跑分",
    "洗钱",
    "黑卡",
    "刷单返利",
)

TERMS: dict[str, Category] = {
    **{t: Category.GAMBLING for t in _GAMBLING},
    **{t: Category.PORN for t in _PORN},
    **{t: Category.ILLICIT_AD for t in _ILLICIT_AD},
}


@dataclass(frozen=True, slots=True)
class TermHit:
    """One lexicon term found in a text; `start`/`end` index the text as given."""

    term: str
    category: Category
    start: int
    end: int


@lru_cache(maxsize=1)
def _automaton() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for term, category in TERMS.items():
        automaton.add_word(term.lower(), (term, category))
    automaton.make_automaton()
    return automaton


def find_terms(text: str) -> list[TermHit]:
    """Return every lexicon hit in `text` (case-insensitive), left to right, overlaps kept."""
    if not text:
        return []
    # lower() keeps length for the scripts we care about (CJK, ASCII), so offsets stay valid.
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    hits = [
        TermHit(term, category, end - len(term) + 1, end + 1)
        for end, (term, category) in _automaton().iter(lowered)
    ]
    hits.sort(key=lambda hit: hit.start)
    return hits


def has_terms(text: str) -> bool:
    """Return True when `text` contains at least one lexicon term."""
    if not text:
        return False
    for _ in _automaton().iter(text.lower()):
        return True
    return False
