"""Synthetic demo corpus: deterministic, self-written black/gray-industry reports for `lianfang demo`.

Everything here is pure: a seed and a clock go in, report records come out. Gangs own contact
indicators and are drawn with a power law, so a few gangs dominate and their phones, WeChat ids,
domains and payment accounts recur across reports and organisations the way real clusters do.
All texts, names and numbers are invented; phone numbers and card numbers are merely
well-formed (valid prefixes, Luhn check digits), not taken from any real person.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import base58
import phonenumbers
from phonenumbers import geocoder
from stdnum import luhn
from stdnum.cn import ric

from lianfang.taxonomy import Category

SHARING_LEVELS = ("clear", "green", "amber", "red")


@dataclass(frozen=True, slots=True)
class DemoOrg:
    """A demo member organisation: stable slug, zh-CN and English names, channels it reports from."""

    slug: str
    name_zh: str
    name_en: str
    channels: tuple[str, ...]
    # Relative weight of each report kind for this organisation (what it tends to see).
    focus: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DemoReport:
    """One synthetic report: who submits it, the text, channel, sharing level, AMBER audience, time."""

    org: str
    text: str
    channel: str
    sharing: str
    shared_with: tuple[str, ...]
    created_at: datetime
    kind: str
    gang: str | None


ORGS: tuple[DemoOrg, ...] = (
    DemoOrg(
        "shortvideo",
        "某短视频平台",
        "A short-video platform",
        ("comment", "direct_message", "live_chat"),
        {
            "brushing": 3,
            "porn": 4,
            "gambling": 3,
            "account_trade": 2,
            "abuse_for_hire": 2,
            "doxxing": 1,
            "pyramid": 1,
            "investment": 1,
            "benign": 4,
        },
    ),
    DemoOrg(
        "gamecorp",
        "某游戏公司",
        "A game company",
        ("in_game_chat", "trade_report", "customer_ticket"),
        {"game_trade": 5, "account_trade": 4, "gambling": 2, "abuse_for_hire": 1, "porn": 1, "benign": 2},
    ),
    DemoOrg(
        "bank",
        "某银行反诈中心",
        "A bank's anti-fraud centre",
        ("transaction_alert", "customer_call"),
        {
            "paofen": 5,
            "fake_service": 3,
            "fake_loan": 3,
            "investment": 2,
            "card_trade": 3,
            "fake_authority": 1,
            "benign": 1,
        },
    ),
    DemoOrg(
        "police",
        "某市公安局反诈中心",
        "A city police anti-fraud centre",
        ("victim_report", "case_file"),
        {
            "investment": 4,
            "fake_authority": 4,
            "pii_trade": 3,
            "doxxing": 2,
            "brushing": 2,
            "pyramid": 2,
            "paofen": 1,
            "fake_service": 2,
            "benign": 0.5,
        },
    ),
    DemoOrg(
        "complaints",
        "某投诉平台",
        "A consumer complaint platform",
        ("user_complaint", "web_form"),
        {
            "brushing": 2,
            "investment": 2,
            "fake_service": 3,
            "fake_loan": 2,
            "game_trade": 1,
            "gambling": 1,
            "porn": 1,
            "pyramid": 1,
            "pii_trade": 1,
            "benign": 3,
        },
    ),
)

# Global mix of report kinds (benign chatter included) and the category each kind belongs to.
KIND_WEIGHTS: dict[str, float] = {
    "brushing": 10,
    "investment": 9,
    "fake_service": 7,
    "fake_authority": 4,
    "fake_loan": 5,
    "game_trade": 5,
    "gambling": 9,
    "porn": 8,
    "account_trade": 6,
    "card_trade": 4,
    "paofen": 5,
    "pyramid": 3,
    "doxxing": 2,
    "abuse_for_hire": 2,
    "pii_trade": 3,
    "benign": 18,
}
KIND_CATEGORY: dict[str, Category] = {
    "brushing": Category.FRAUD,
    "investment": Category.FRAUD,
    "fake_service": Category.FRAUD,
    "fake_authority": Category.FRAUD,
    "fake_loan": Category.FRAUD,
    "game_trade": Category.FRAUD,
    "gambling": Category.GAMBLING,
    "porn": Category.PORN,
    "account_trade": Category.ILLICIT_AD,
    "card_trade": Category.ILLICIT_AD,
    "paofen": Category.ILLICIT_AD,
    "pyramid": Category.PYRAMID_SCHEME,
    "doxxing": Category.ABUSE,
    "abuse_for_hire": Category.ABUSE,
    "pii_trade": Category.PII_TRADE,
    "benign": Category.BENIGN,
}

# --- vocabulary -------------------------------------------------------------------------------

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高梁郑谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程"
GIVEN = (
    "婷",
    "静",
    "丽",
    "强",
    "磊",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "晨",
    "欣怡",
    "子涵",
    "浩然",
    "雨萱",
    "梓轩",
    "思远",
    "佳琪",
    "一鸣",
)
CITIES = (
    "北京",
    "上海",
    "广州",
    "深圳",
    "杭州",
    "成都",
    "重庆",
    "武汉",
    "西安",
    "南京",
    "长沙",
    "郑州",
    "昆明",
    "福州",
    "厦门",
    "南宁",
    "合肥",
    "济南",
    "沈阳",
    "哈尔滨",
    "贵阳",
    "南昌",
    "石家庄",
    "太原",
    "兰州",
    "海口",
)
APPS = ("抖音", "快手", "小红书", "微博", "B站", "闲鱼", "拼多多", "QQ群", "微信群", "探探", "陌陌", "Soul")
SHOPS = ("淘宝", "京东", "拼多多", "美团", "抖音商城")
GAMES = ("王者荣耀", "和平精英", "原神", "梦幻西游", "英雄联盟", "蛋仔派对", "逆水寒", "CF穿越火线")
GAME_ITEMS = ("典藏皮肤", "满级账号", "稀有坐骑", "限定英雄", "钻石", "点券", "金币", "装备")
BANKS = ("工商银行", "建设银行", "农业银行", "中国银行", "招商银行", "交通银行", "邮储银行")
# Well-known issuer prefixes of Chinese debit cards, so generated card numbers look plausible.
CARD_BINS = ("622202", "621700", "622848", "621661", "622588", "622262", "621799", "623668", "622908")
LOAN_APPS = ("安心借", "极速贷", "闪电花", "快易借", "信用钱包", "好分期")
AUTHORITIES = ("市公安局", "最高人民检察院", "市中级人民法院", "国家反诈中心", "医保局", "社保中心")
CRIMES = ("洗钱案", "非法集资案", "跨境赌博案", "信用卡诈骗案", "涉毒案")
COINS = ("USDT", "比特币", "以太坊", "数字人民币理财", "外汇黄金")
GAMBLE = ("百家乐", "时时彩", "六合彩", "体育竞猜", "捕鱼", "德州扑克", "牛牛", "世界杯竞猜")
PORN_SERVICES = ("上门服务", "同城约", "裸聊", "一对一视频", "私密福利", "学生妹", "少妇", "包夜")
PYRAMID = ("消费返利", "区块链养殖", "爱心互助", "国家扶贫项目", "原始股", "拉人头奖励", "公排系统")
ACCOUNTS = ("微信号", "QQ号", "抖音号", "快手号", "支付宝实名号", "游戏账号", "企业微信", "陌陌号")
PII_KINDS = (
    "快递单号信息",
    "车主信息",
    "学生家长名单",
    "贷款客户资料",
    "股民数据",
    "网购订单数据",
    "开房记录",
)
BENIGN_TOPICS = (
    "周末去爬山吗",
    "这家店的火锅真不错",
    "孩子数学作业不会做",
    "明天早上开会别迟到",
    "新出的电影挺好看",
    "天气预报说有雨记得带伞",
    "今天的快递到了吗",
    "晚上一起打球",
    "推荐一本好书",
    "小区停水通知",
    "健身房办卡划算吗",
    "这个菜谱很简单",
)
DOMAIN_WORDS = (
    "lucky",
    "vip",
    "cai",
    "bet",
    "win",
    "fafa",
    "jinbi",
    "hongbao",
    "licai",
    "touzi",
    "shuadan",
    "renwu",
    "yuehui",
    "tongcheng",
    "kefu",
    "tuikuan",
    "daikuan",
    "zhengxin",
    "game",
    "zhuanqian",
    "88",
    "668",
    "999",
    "666",
    "king",
    "gold",
    "star",
    "tian",
    "long",
    "fu",
)
TLDS = ("com", "cc", "vip", "top", "xyz", "net", "club", "shop", "co", "me", "live", "app")
WX_WORDS = (
    "lili",
    "xiaomei",
    "jiejie",
    "kefu",
    "laoshi",
    "dage",
    "tian",
    "yy",
    "qq",
    "money",
    "vip",
    "meimei",
    "a",
    "zz",
    "hh",
    "xx",
    "sun",
    "moon",
    "lucky",
    "888",
    "666",
    "520",
    "1314",
)
# Values on the demo allow-list: bank hotlines, government and very popular sites.
ALLOWLIST: tuple[tuple[str, str], ...] = (
    ("phone", "95588"),
    ("phone", "95533"),
    ("phone", "95599"),
    ("phone", "95566"),
    ("phone", "95555"),
    ("phone", "96110"),
    ("phone", "110"),
    ("phone", "12321"),
    ("domain", "gov.cn"),
    ("domain", "12321.cn"),
    ("domain", "baidu.com"),
    ("domain", "taobao.com"),
    ("domain", "qq.com"),
    ("domain", "weibo.com"),
    ("domain", "jd.com"),
    ("domain", "mps.gov.cn"),
)

# --- obfuscation ------------------------------------------------------------------------------

_CIRCLED = "⓪①②③④⑤⑥⑦⑧⑨"
_CN_DIGITS = "零一二三四五六七八九"
_CN_DIGITS_ALT = "〇幺两叁肆伍陆柒捌玖"


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _digits(rng: random.Random, number: str) -> str:
    """Write a digit string the way spammers do to dodge keyword filters."""
    style = rng.random()
    if style < 0.40:
        return number
    if style < 0.55:
        return _fullwidth(number)
    if style < 0.65:
        return "".join(_CIRCLED[int(c)] if c.isdigit() else c for c in number)
    if style < 0.72:
        return "".join(_CN_DIGITS[int(c)] if c.isdigit() else c for c in number)
    if style < 0.76:
        return "".join(_CN_DIGITS_ALT[int(c)] if c.isdigit() else c for c in number)
    if style < 0.88 and len(number) == 11:
        sep = rng.choice((" ", "-", " - ", "."))
        return sep.join((number[:3], number[3:7], number[7:]))
    # Mix: a few characters swapped for look-alikes.
    return "".join(_CIRCLED[int(c)] if c.isdigit() and rng.random() < 0.3 else c for c in number)


def _wechat(rng: random.Random, wx: str) -> str:
    label = rng.choice(("薇信", "V信", "威信", "vx", "VX", "加微", "➕V", "wx", "微信", "徽信", "卫星", "v"))
    body = _fullwidth(wx) if rng.random() < 0.12 else wx
    return f"{label}{rng.choice(('：', ':', ' ', '', '：'))}{body}"


def _qq(rng: random.Random, qq: str) -> str:
    label = rng.choice(("扣扣", "QQ", "Q", "企鹅", "扣", "qq", "Q群"))
    return f"{label}{rng.choice(('：', ':', ' ', ''))}{_digits(rng, qq)}"


def _telegram(rng: random.Random, tg: str) -> str:
    label = rng.choice(("飞机", "纸飞机", "TG", "电报", "telegram", "小飞机"))
    return f"{label}{rng.choice(('：', ':', ' '))}@{tg}"


def _phone(rng: random.Random, phone: str) -> str:
    label = rng.choice(("电话", "手机", "联系", "☎", "热线", "tel", "打", "", "手机号"))
    body = _digits(rng, phone)
    if rng.random() < 0.08:
        body = "+86 " + body
    return f"{label}{rng.choice(('：', ':', ' ', ''))}{body}"


def _domain(rng: random.Random, domain: str) -> str:
    name, _, tld = domain.rpartition(".")
    style = rng.random()
    if style < 0.30:
        return (
            rng.choice(("", "www.", "https://", "http://m."))
            + domain
            + rng.choice(("", "/", "/reg", "/?code=8"))
        )
    if style < 0.50:
        return f"{name}点{tld}"
    if style < 0.62:
        return f"{name}。{tld}"
    if style < 0.72:
        return f"{name}[.]{tld}"
    if style < 0.82:
        return _fullwidth(domain)
    return f"{name} . {tld}"


def _card(rng: random.Random, card: str) -> str:
    grouped = " ".join(card[i : i + 4] for i in range(0, len(card), 4)) if rng.random() < 0.6 else card
    return (
        f"{rng.choice(BANKS)}{rng.choice(('卡号', '账户', '卡', ''))}{rng.choice(('：', ':', ' '))}{grouped}"
    )


def _usdt(rng: random.Random, address: str) -> str:
    label = rng.choice(("USDT(TRC20)", "U地址", "收U", "TRC20", "波场地址"))
    return f"{label}{rng.choice(('：', ':', ' '))}{address}"


# --- indicator generators ---------------------------------------------------------------------

_MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "176",
    "177",
    "178",
    "180",
    "181",
    "182",
    "183",
    "184",
    "185",
    "186",
    "187",
    "188",
    "189",
    "198",
    "199",
)


def _new_phone(rng: random.Random) -> str:
    """A valid mainland mobile number whose prefix maps to a province (so the map has colour)."""
    while True:
        number = rng.choice(_MOBILE_PREFIXES) + "".join(rng.choice(string.digits) for _ in range(8))
        parsed = phonenumbers.parse(number, "CN")
        if phonenumbers.is_valid_number(parsed) and geocoder.description_for_number(parsed, "zh") not in (
            "",
            "中国",
        ):
            return number


def _new_wechat(rng: random.Random) -> str:
    head = rng.choice(string.ascii_lowercase)
    parts = [rng.choice(WX_WORDS) for _ in range(rng.randint(1, 2))]
    tail = "".join(rng.choice(string.digits) for _ in range(rng.randint(2, 5)))
    return (head + rng.choice(("", "_", "")) + "".join(parts) + rng.choice(("", "_", "-")) + tail)[:20]


def _new_qq(rng: random.Random) -> str:
    return str(rng.randint(10_000_000, 3_999_999_999))


def _new_telegram(rng: random.Random) -> str:
    return rng.choice(string.ascii_lowercase) + "".join(
        rng.choice(string.ascii_lowercase + string.digits + "_") for _ in range(rng.randint(5, 12))
    )


def _new_domain(rng: random.Random) -> str:
    words = "".join(rng.choice(DOMAIN_WORDS) for _ in range(rng.randint(2, 3)))
    return f"{words}{rng.randint(1, 99) if rng.random() < 0.4 else ''}.{rng.choice(TLDS)}"


def _new_card(rng: random.Random) -> str:
    body = rng.choice(CARD_BINS) + "".join(rng.choice(string.digits) for _ in range(rng.choice((9, 12))))
    return body + luhn.calc_check_digit(body)


def _new_usdt(rng: random.Random) -> str:
    return base58.b58encode_check(b"\x41" + rng.randbytes(20)).decode()


def _new_id_card(rng: random.Random) -> str:
    area = rng.choice(("110105", "310104", "440106", "510107", "330106", "420106", "610113", "320102"))
    birth = f"{rng.randint(1965, 2004)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body = area + birth + f"{rng.randint(0, 999):03d}"
    return body + ric.calc_check_digit(body)


# --- templates --------------------------------------------------------------------------------
# Slots: {wx} {qq} {tg} {phone} {domain} {card} {usdt} {contact} (any IM), plus vocabulary slots.
# "ad" templates are what the gang posts; "victim" templates are what a victim tells the police,
# a bank or a complaint site.

AD_TEMPLATES: dict[str, tuple[str, ...]] = {
    "brushing": (
        "【兼职】在家动动手指日赚{amount}元，{shop}点赞关注就有佣金，当天结算，{wx}",
        "招聘宝妈学生党，手机刷单一单返{small}元，不收任何费用，有意者加{contact}",
        "做任务领红包！垫付{amount}返{amount2}，名额有限速来，{qq}",
        "{app}点赞员招募，每天{small}分钟轻松赚{amount}，详情咨询{wx}，任务平台 {domain}",
        "急招线上客服兼职，刷好评给佣金，日结不压款，联系{phone}",
        "抢单返利平台上线，充值{amount}立返{pct}%佣金，注册地址 {domain}，导师{wx}",
    ),
    "investment": (
        "导师带单稳赚不赔，{coin}内部渠道，月收益{pct}%以上，加{wx}进群学习",
        "亲爱的，这个{coin}平台我舅舅在里面做技术，有漏洞可以稳赚，你先充{amount}试试 {domain}",
        "{city}本地理财群招新，专业老师免费指导，扫码或加{contact}",
        "内幕消息！{coin}明天必涨，跟着老师操作，平台 {domain}，入金联系{tg}",
        "我在{app}认识的哥哥带我投资，平台叫{platform}，你也来试试？{wx}",
    ),
    "fake_service": (
        "【{shop}客服】您购买的商品存在质量问题，可申请双倍退款，请联系专属客服{phone}",
        "您的{shop}账户开通了百万保障会员，每月扣费{small}元，如需关闭请联系{qq}",
        "尊敬的用户，您的快递丢失，我们将理赔{amount}元，请添加理赔专员{wx}办理",
        "{app}客服提醒：您的直播权限异常将被扣费，取消请访问 {domain} 或致电{phone}",
        "【学生贷注销】根据新规您需注销校园贷账户，否则影响征信，客服{contact}",
    ),
    "fake_authority": (
        "我是{authority}的{officer}警官，你的身份证涉嫌一起{crime}，请配合调查，加{qq}做笔录",
        "你涉嫌{crime}，需将资金转入安全账户核查，{card}，否则冻结你名下所有账户",
        "{authority}通知：您的医保卡异常，请登录 {domain} 核实身份，咨询{phone}",
        "这是{authority}的通缉令，你必须保密，下载会议软件联系{tg}",
    ),
    "fake_loan": (
        "无视黑白户，不看征信，{loan}秒批{amount}元，先交{small}元解冻费，联系{wx}",
        "急用钱找我！{loan}内部渠道，身份证即可下款，申请地址 {domain}",
        "您的{loan}贷款因银行卡号填错被冻结，请转账{amount}元验证流水到{card}",
        "征信修复、逾期消除，{city}专业团队，电话{phone}，{qq}",
    ),
    "game_trade": (
        "出{game}{item}，低价急出，不走平台，私聊{qq}",
        "{game}代充{item}五折，{wx}，先付款后到账，量大从优",
        "免费领{game}{item}！登录 {domain} 输入账号密码即可领取",
        "收{game}{item}，高价回收，当面交易，加{contact}",
        "{game}账号解封，百分百成功，联系{tg}或{qq}",
    ),
    "gambling": (
        "【{gamble}】首充{amount}送{pct}%，日提百万秒到账，官网 {domain}",
        "{gamble}包赔计划，跟单稳赢，导师{wx}，平台 {domain}",
        "体育竞猜上线，世界杯赔率最高，注册送{small}元彩金，{tg}",
        "线上{gamble}，真人荷官，USDT充值 {usdt}，客服{qq}",
        "{city}棋牌群，{gamble}实时开奖，扫码进群或加{contact}",
    ),
    "porn": (
        "{city}{service}，安全可靠，加{wx}看照片",
        "寂寞吗？{service}，真人认证，一对一私密，{qq}",
        "{service}资源网站 {domain}，永久免费看，备用{tg}",
        "【{city}同城】{service}，{amount}全套，联系{phone}",
        "附近的小姐姐在等你，{service}，下载APP {domain}，邀请码{small}",
    ),
    "account_trade": (
        "出售{account}，实名老号，批量有货，{tg}",
        "收{account}，{small}元一个，秒结，加{wx}",
        "{account}租用，日租{small}元，包封号补号，{qq}",
        "卖{account}，带好友带朋友圈，可过人脸，联系{contact}",
    ),
    "card_trade": (
        "收一类银行卡，{bank}优先，四件套高价，{tg}",
        "出电话卡、物联网卡，可接码，{small}元一张，{wx}",
        "高价收对公账户和U盾，安全可靠，{qq}",
        "收{bank}卡，日结{amount}，不用出门，{contact}",
    ),
    "paofen": (
        "跑分平台招代理，用你的收款码日赚{amount}，零风险，{tg}",
        "帮忙收款转账，每笔提成{pct}%，需要实名{bank}卡，{wx}",
        "USDT承兑，高汇率，收U地址 {usdt}，联系{tg}",
        "代收代付，{card}，到账秒转，佣金日结",
    ),
    "pyramid": (
        "{pyramid}项目，投资{amount}每天返{small}元，拉人头另有奖励，详询{wx}",
        "国家扶持的{pyramid}，三个月翻倍，团队长{name}带你发财，{phone}",
        "加入{pyramid}公排系统，推荐三人即可出局，官网 {domain}",
        "{city}{pyramid}考察团，包吃包住，联系{name}{contact}",
    ),
    "doxxing": (
        "开盒服务，给个{app}号就能查到真名住址手机号，{tg}",
        "查人查档，户籍、开房、出行轨迹，{amount}一单，联系{qq}",
        "网暴代打，组织水军挂人，开盒一条龙，{wx}",
    ),
    "abuse_for_hire": (
        "代骂服务，专业团队帮你出气，{small}元骂十分钟，{wx}",
        "职业代骂、短信轰炸、电话轰炸，{qq}，先款后做",
        "找人喷{app}博主？水军刷评论、人身攻击包月，{tg}",
    ),
    "pii_trade": (
        "出{pii}，{city}地区，新鲜数据一手货源，{tg}",
        "精准{pii}，按条收费{small}元，样本：{name} {idcard}，{wx}",
        "收购各类{pii}，长期合作，{qq}",
        "三要素数据，姓名+身份证+手机，{name} {idcard} {phone}，批量出",
    ),
}

VICTIM_TEMPLATES: dict[str, tuple[str, ...]] = {
    "brushing": (
        "我在{app}上看到刷单兼职，对方让我先垫付{amount}元，说返{amount2}，结果钱没回来，对方{wx}",
        "被拉进一个做任务的群，前几单返了钱，后来充了{amount}就提不出来了，群主{qq}，网站{domain}",
    ),
    "investment": (
        "网恋认识的男朋友让我在{domain}投资{coin}，一共转了{amount}元，现在平台无法提现，他的{wx}",
        "被拉进{coin}投资群，老师叫我加{tg}入金，前后被骗{amount}元",
        "对方自称{city}的金融高管，让我在{platform}充值，客服{phone}，已经联系不上",
    ),
    "fake_service": (
        "接到自称{shop}客服的来电，{phone}，说要给我退款，让我下载软件共享屏幕，被转走{amount}元",
        "对方说我开通了百万保障要关闭，加了{qq}，让我转{amount}到{card}说是验证",
    ),
    "fake_authority": (
        "接到一个来电（{phone}），对方说是{authority}的，说我涉嫌{crime}，让我把钱转到安全账户{card}",
        "有人加我{qq}说是警察，发了通缉令给我看，让我下载软件，我转了{amount}元",
    ),
    "fake_loan": (
        "在{loan}借款，对方说卡号错误要交解冻费{small}元，我转到{card}后又要交{amount}，客服{wx}",
        "网贷平台{domain}说要先交保证金才能放款，我交了{amount}元，客服{phone}已拉黑我",
    ),
    "game_trade": (
        "在{game}里买{item}，对方让我私下交易，转了{amount}元后把我拉黑了，对方{qq}",
        "孩子在{domain}领{game}免费{item}，账号被盗还被骗走{amount}元，对方{wx}",
    ),
    "gambling": (
        "我老公在{domain}上玩{gamble}，输了{amount}元，客服{tg}，请求查处",
        "被朋友拉进{gamble}群，充值{amount}后无法提现，收款卡{card}",
    ),
    "porn": (
        "在{app}上加了{wx}约{service}，先付了{amount}定金，对方又要保证金，然后拉黑",
        "裸聊被录屏敲诈，对方{qq}威胁发给我通讯录，已转{amount}元",
    ),
    "account_trade": ("我的{account}被人盗了拿去卖，买家是{wx}，请平台处理",),
    "card_trade": ("有人出{small}元收我的{bank}卡，说只是帮忙走流水，对方{tg}，担心被冻结",),
    "paofen": (
        "客户账户短时间内多笔快进快出，疑似跑分，交易对手卡{card}，备注{wx}",
        "名下{bank}卡被他人用于收款转账，对方通过{tg}联系，每天给我{small}元",
    ),
    "pyramid": ("我妈被拉进{pyramid}，投了{amount}元，上线叫{name}，电话{phone}",),
    "doxxing": ("我在{app}发了视频后被人开盒，住址和手机号被发到网上，发布者{tg}",),
    "abuse_for_hire": ("连续几天被短信轰炸和辱骂，对方说是花钱找的代骂，{qq}",),
    "pii_trade": ("发现有人在群里卖{pii}，里面有我的信息，卖家{wx}",),
}

BENIGN_TEMPLATES: tuple[str, ...] = (
    "{topic}，{name}你怎么看？",
    "今天在{city}出差，{topic}",
    "银行卡丢了，打了{bank}官方客服{hotline}挂失，处理很快",
    "提醒大家：{authority}不会让你转账到安全账户，有疑问打96110",
    "{shop}下单的东西到了，质量还行，{topic}",
    "{game}今晚开黑吗？{topic}",
    "官网 {official} 上有最新通知，{topic}",
    "我的微信就是手机号，有事打我，{topic}",
    "{city}今天好热，{topic}",
    "群里别发广告了，谢谢配合。{topic}",
    "收到一条说中奖的短信，一看就是诈骗，已举报到12321",
    "孩子说同学在{app}上找兼职刷单，我已经提醒他这是诈骗",
)
HOTLINES = ("95588", "95533", "95599", "95566", "95555")
OFFICIAL = ("www.gov.cn", "www.baidu.com", "www.12321.cn", "www.taobao.com", "www.mps.gov.cn")


@dataclass(slots=True)
class _Gang:
    kind: str
    phones: list[str]
    wechats: list[str]
    qqs: list[str]
    telegrams: list[str]
    domains: list[str]
    cards: list[str]
    usdts: list[str]
    start: float
    end: float
    platform: str


def _zipf_weights(n: int, exponent: float) -> list[float]:
    return [1.0 / (rank**exponent) for rank in range(1, n + 1)]


def _pick_skewed(rng: random.Random, items: Sequence[str]) -> str:
    """Pick from a gang's list favouring its first items: a gang has one main contact and spares."""
    return items[min(int(rng.expovariate(1.2)), len(items) - 1)]


class _Generator:
    """Holds the seeded state (gangs, shared mule accounts) while reports are produced."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        rng = self.rng
        # Mules and SIM cards bought from the same dealers: shared by several gangs (跑分, 号商).
        self.shared_cards = [_new_card(rng) for _ in range(25)]
        self.shared_usdt = [_new_usdt(rng) for _ in range(10)]
        self.shared_phones = [_new_phone(rng) for _ in range(30)]
        self.gangs: dict[str, list[_Gang]] = {}
        for kind in KIND_WEIGHTS:
            if kind == "benign":
                continue
            self.gangs[kind] = [self._new_gang(kind) for _ in range(rng.randint(18, 45))]
        self.weights = {kind: _zipf_weights(len(gangs), 1.15) for kind, gangs in self.gangs.items()}

    def _new_gang(self, kind: str) -> _Gang:
        rng = self.rng
        start = rng.uniform(0.0, 0.8)
        return _Gang(
            kind=kind,
            phones=[
                rng.choice(self.shared_phones) if rng.random() < 0.2 else _new_phone(rng)
                for _ in range(rng.randint(1, 3))
            ],
            wechats=[_new_wechat(rng) for _ in range(rng.randint(1, 4))],
            qqs=[_new_qq(rng) for _ in range(rng.randint(1, 2))],
            telegrams=[_new_telegram(rng) for _ in range(rng.randint(1, 2))],
            domains=[_new_domain(rng) for _ in range(rng.randint(1, 3))],
            cards=[
                rng.choice(self.shared_cards) if rng.random() < 0.5 else _new_card(rng)
                for _ in range(rng.randint(1, 2))
            ],
            usdts=[rng.choice(self.shared_usdt) if rng.random() < 0.6 else _new_usdt(rng)],
            start=start,
            end=min(1.0, start + rng.uniform(0.1, 0.9)),
            platform=rng.choice(("汇丰国际", "金鼎财富", "MT5环球", "星辰数字", "华信证券VIP", "BitPlus")),
        )

    def _slots(self, gang: _Gang | None) -> dict[str, str]:
        rng = self.rng
        amount = rng.choice((500, 800, 1000, 2000, 3000, 5000, 8800, 10000, 20000, 50000, 128000))
        slots = {
            "amount": str(amount),
            "amount2": str(int(amount * rng.uniform(1.1, 1.5))),
            "small": str(rng.choice((5, 10, 15, 20, 30, 50, 88, 99, 198))),
            "pct": str(rng.choice((5, 10, 20, 30, 50))),
            "city": rng.choice(CITIES),
            "app": rng.choice(APPS),
            "shop": rng.choice(SHOPS),
            "game": rng.choice(GAMES),
            "item": rng.choice(GAME_ITEMS),
            "bank": rng.choice(BANKS),
            "loan": rng.choice(LOAN_APPS),
            "authority": rng.choice(AUTHORITIES),
            "crime": rng.choice(CRIMES),
            "coin": rng.choice(COINS),
            "gamble": rng.choice(GAMBLE),
            "service": rng.choice(PORN_SERVICES),
            "pyramid": rng.choice(PYRAMID),
            "account": rng.choice(ACCOUNTS),
            "pii": rng.choice(PII_KINDS),
            "topic": rng.choice(BENIGN_TOPICS),
            "officer": rng.choice(SURNAMES),
            "name": rng.choice(SURNAMES) + rng.choice(GIVEN),
            "hotline": rng.choice(HOTLINES),
            "official": rng.choice(OFFICIAL),
            "idcard": _new_id_card(rng),
        }
        if gang is not None:
            slots.update(
                {
                    "phone": _phone(rng, _pick_skewed(rng, gang.phones)),
                    "wx": _wechat(rng, _pick_skewed(rng, gang.wechats)),
                    "qq": _qq(rng, _pick_skewed(rng, gang.qqs)),
                    "tg": _telegram(rng, _pick_skewed(rng, gang.telegrams)),
                    "domain": _domain(rng, _pick_skewed(rng, gang.domains)),
                    "card": _card(rng, _pick_skewed(rng, gang.cards)),
                    "usdt": _usdt(rng, _pick_skewed(rng, gang.usdts)),
                    "platform": gang.platform,
                }
            )
            contact_makers: tuple[Callable[[], str], ...] = (
                lambda: slots["wx"],
                lambda: slots["qq"],
                lambda: slots["tg"],
                lambda: slots["phone"],
            )
            slots["contact"] = rng.choice(contact_makers)()
        return slots

    def report(self, now: datetime, days: int) -> DemoReport:
        rng = self.rng
        kinds = list(KIND_WEIGHTS)
        kind = rng.choices(kinds, weights=[KIND_WEIGHTS[k] for k in kinds])[0]
        orgs = [o for o in ORGS if o.focus.get(kind, 0) > 0]
        org = rng.choices(orgs, weights=[o.focus[kind] for o in orgs])[0]
        gang_index: int | None = None
        if kind == "benign":
            gang = None
            slots = self._slots(None)
            # Chatter repeats itself less when people greet each other and sign off differently.
            opener = rng.choice(
                ("", "", f"@{slots['name']} ", rng.choice(("早上", "中午", "晚上", "刚才", "昨天")) + "，")
            )
            closer = rng.choice(("", "", "😂", "哈哈", "～", "！", "👍", "[捂脸]"))
            text = opener + rng.choice(BENIGN_TEMPLATES).format(**slots) + closer
            when = rng.random()
        else:
            gang_index = rng.choices(range(len(self.gangs[kind])), weights=self.weights[kind])[0]
            gang = self.gangs[kind][gang_index]
            victim_side = org.slug in ("police", "bank", "complaints") and rng.random() < 0.7
            templates = (
                VICTIM_TEMPLATES[kind] if victim_side and kind in VICTIM_TEMPLATES else AD_TEMPLATES[kind]
            )
            text = rng.choice(templates).format(**self._slots(gang))
            when = rng.uniform(gang.start, gang.end)
            text = self._decorate(text)
        # Newer days carry more reports: skew the position towards "now".
        age = days * (1.0 - when**0.7) if kind != "benign" else days * rng.random()
        created = now - timedelta(days=age, seconds=rng.randint(0, 86_399))
        sharing, shared_with = self._sharing(org)
        return DemoReport(
            org=org.slug,
            text=text,
            channel=rng.choice(org.channels),
            sharing=sharing,
            shared_with=shared_with,
            created_at=min(max(created, now - timedelta(days=days)), now),
            kind=kind,
            gang=None if gang_index is None else f"{kind}-{gang_index}",
        )

    def _decorate(self, text: str) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.15:
            return rng.choice(("🔥", "💰", "【限时】", "‼️", "✅", "【内部】")) + text
        if roll < 0.30:
            return text + rng.choice(
                ("，速来！", "，名额有限", "，不看后悔", "。诚信第一", "～", "，私聊秒回")
            )
        return text

    def _sharing(self, org: DemoOrg) -> tuple[str, tuple[str, ...]]:
        rng = self.rng
        # Police and banks hold back more (AMBER/RED); platforms share widely.
        weights = (0.05, 0.45, 0.32, 0.18) if org.slug in ("police", "bank") else (0.22, 0.55, 0.15, 0.08)
        level = rng.choices(SHARING_LEVELS, weights=weights)[0]
        if level != "amber":
            return level, ()
        others = [o.slug for o in ORGS if o.slug != org.slug]
        return level, tuple(sorted(rng.sample(others, rng.randint(1, 2))))


def generate_reports(
    count: int = 4000, *, seed: int = 20240601, now: datetime, days: int = 90
) -> list[DemoReport]:
    """Return `count` synthetic reports, oldest first, deterministic for (`count`, `seed`, `now`, `days`).

    `now` must be timezone-aware; reports fall in the `days` before it. Raises ValueError on a
    non-positive count or a naive `now`.
    """
    if count <= 0 or days <= 0:
        raise ValueError("count and days must be positive")
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    generator = _Generator(seed)
    reports = [generator.report(now, days) for _ in range(count)]
    reports.sort(key=lambda r: r.created_at)
    return reports
