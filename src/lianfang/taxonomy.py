"""Categories, fraud sub-types, chain stages and indicator types, each with zh-CN and en names."""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    """What kind of harm a text is about (our native scheme)."""

    FRAUD = "fraud"
    GAMBLING = "gambling"
    PORN = "porn"
    ABUSE = "abuse"
    ILLICIT_AD = "illicit_ad"
    PYRAMID_SCHEME = "pyramid_scheme"
    PII_TRADE = "pii_trade"
    BENIGN = "benign"


CATEGORY_NAMES: dict[Category, tuple[str, str]] = {
    Category.FRAUD: ("欺诈", "Fraud"),
    Category.GAMBLING: ("赌博", "Gambling"),
    Category.PORN: ("色情", "Porn / sex services"),
    Category.ABUSE: ("谩骂引战", "Abuse / cyber-violence"),
    Category.ILLICIT_AD: ("黑产广告", "Black-industry ads"),
    Category.PYRAMID_SCHEME: ("传销", "Pyramid scheme"),
    Category.PII_TRADE: ("个人信息买卖", "Personal-data trading"),
    Category.BENIGN: ("正常", "Benign"),
}

FRAUD_SUBTYPES: dict[str, tuple[str, str]] = {
    "brushing": ("刷单返利", "Order brushing / task rebates"),
    "investment": ("虚假投资理财/杀猪盘", "Fake investment / pig butchering"),
    "fake_service": ("冒充客服", "Fake customer service"),
    "fake_authority": ("冒充公检法", "Impersonating police/prosecutors/courts"),
    "fake_loan": ("虚假贷款", "Fake loans"),
    "fake_credit": ("虚假征信", "Fake credit repair"),
    "game_trade": ("游戏交易诈骗", "Game-trade scams"),
    "romance": ("网络婚恋", "Online romance scams"),
}


class Stage(StrEnum):
    """Where in the black/gray-industry supply chain an activity sits."""

    MATERIALS = "materials"
    TECH_SUPPORT = "tech_support"
    AD_PROMOTION = "ad_promotion"
    PAYMENT = "payment"


STAGE_NAMES: dict[Stage, tuple[str, str]] = {
    Stage.MATERIALS: ("物料供应", "Materials supply"),
    Stage.TECH_SUPPORT: ("技术支持", "Technical support"),
    Stage.AD_PROMOTION: ("广告推广", "Ad promotion"),
    Stage.PAYMENT: ("支付结算", "Payment settlement"),
}


class IndicatorType(StrEnum):
    """Kinds of indicator Lianfang extracts, validates and stores."""

    PHONE = "phone"
    QQ = "qq"
    WECHAT = "wechat"
    TELEGRAM = "telegram"
    BANK_CARD = "bank_card"
    ID_CARD = "id_card"
    USDT_TRC20 = "usdt_trc20"
    ETH = "eth"
    URL = "url"
    DOMAIN = "domain"
    EMAIL = "email"


INDICATOR_NAMES: dict[IndicatorType, tuple[str, str]] = {
    IndicatorType.PHONE: ("手机/电话", "Phone"),
    IndicatorType.QQ: ("QQ号", "QQ"),
    IndicatorType.WECHAT: ("微信号", "WeChat"),
    IndicatorType.TELEGRAM: ("Telegram", "Telegram"),
    IndicatorType.BANK_CARD: ("银行卡", "Bank card"),
    IndicatorType.ID_CARD: ("身份证", "ID card"),
    IndicatorType.USDT_TRC20: ("USDT-TRC20地址", "USDT-TRC20 address"),
    IndicatorType.ETH: ("以太坊地址", "ETH address"),
    IndicatorType.URL: ("网址", "URL"),
    IndicatorType.DOMAIN: ("域名", "Domain"),
    IndicatorType.EMAIL: ("邮箱", "E-mail"),
}

# Personal-data types are stored as a keyed hash and masked in UI and exports.
PERSONAL_TYPES: frozenset[IndicatorType] = frozenset({IndicatorType.ID_CARD, IndicatorType.BANK_CARD})

CHINESEHARM_LABELS: tuple[str, ...] = ("benign", "porn", "gambling", "fraud", "abuse", "illicit_ad")

# Our native categories folded onto the six ChineseHarm labels.
TO_CHINESEHARM: dict[Category, str] = {
    Category.FRAUD: "fraud",
    Category.GAMBLING: "gambling",
    Category.PORN: "porn",
    Category.ABUSE: "abuse",
    Category.ILLICIT_AD: "illicit_ad",
    Category.PYRAMID_SCHEME: "fraud",
    Category.PII_TRADE: "illicit_ad",
    Category.BENIGN: "benign",
}


def name(item: Category | Stage | IndicatorType, lang: str = "zh") -> str:
    """Return the display name of a taxonomy item in `lang` ("zh" or "en")."""
    table: dict = {**CATEGORY_NAMES, **STAGE_NAMES, **INDICATOR_NAMES}
    zh, en = table[item]
    return en if lang == "en" else zh
