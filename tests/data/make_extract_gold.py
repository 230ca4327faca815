"""Build tests/data/extract_gold.jsonl: hand-written posts with generated, checksum-valid values.

Run by hand: ``.venv/bin/python tests/data/make_extract_gold.py``. Deterministic (fixed seed),
so re-running reproduces the committed file byte for byte.

The texts are written by hand (see ``ROWS`` in ``extract_gold_rows.py``); only the values are
generated, because ID cards, bank cards, TRC20 and EIP-55 addresses must carry valid checksums.
A row's text holds markers that the builder replaces with a rendered value and records the
canonical value as an expected indicator:

``{kind}`` / ``{kind:style}``  a fresh value of ``kind`` rendered with obfuscation ``style``
``[[RAW=>CANON]]``             literal URL text; expects url CANON and its registrable domain
``[[RAW=>CANON|nodomain]]``    the same without a domain (IP hosts, IM hosts)
``<<RAW>>``                    literal e-mail text; expects the lower-cased e-mail

Kinds: ph (mobile), land (landline), qq, qqmail (email + qq), wx (WeChat ID), tg (Telegram
username), tme (t.me link, telegram only), card (UnionPay 19), card16 (UnionPay 16), visa, mc,
id (ID card), trc (TRC20), eth (lower-case), ethck (EIP-55), mail (e-mail).  Decoys that must
yield nothing: badcard, badid_sum, badid_date, badid_prov, badph, maskph, maskid, badtrc,
ethbad (mixed case, wrong EIP-55), order (long digit string failing Luhn).
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import base58
import phonenumbers
import tldextract
from Crypto.Hash import keccak
from stdnum import luhn
from stdnum.cn import ric

sys.path.insert(0, str(Path(__file__).resolve().parent))
from extract_gold_rows import ROWS  # noqa: E402  (sibling data module, not a package)

OUT = Path(__file__).resolve().parent / "extract_gold.jsonl"
SEED = 20240512
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=())
# IM hosts are contact channels, not infrastructure: they never yield a domain indicator.
IM_HOSTS = {"t.me", "wa.me", "qm.qq.com", "u.wechat.com"}


@dataclass(slots=True)
class Built:
    """One rendered row: final text, expected indicators, tags."""

    text: str
    indicators: list[dict[str, str]] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)


# --- value generators -------------------------------------------------------------------

MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
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
    "173",
    "176",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "193",
    "195",
    "198",
    "199",
]
AREA_CODES = ["010", "020", "021", "022", "023", "025", "027", "028", "0755", "0571", "0731", "0371", "0592"]
RIC_AREAS = [
    "110101",
    "110105",
    "120101",
    "130102",
    "310104",
    "310115",
    "320102",
    "330106",
    "350203",
    "370102",
    "410105",
    "420106",
    "430104",
    "440305",
    "440106",
    "450103",
    "500103",
    "510107",
    "530102",
    "610113",
    "620102",
    "650102",
]
CARD_BINS = {
    "card": ("622202", 19),
    "card16": ("622588", 16),
    "card62x": ("621700", 19),
    "visa": ("427020", 16),
    "mc": ("552801", 16),
    "abc": ("622848", 19),
}
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def valid_mobile(digits: str) -> bool:
    """True when ``digits`` (11) is a valid mainland mobile per phonenumbers."""
    num = phonenumbers.parse("+86" + digits)
    return phonenumbers.is_valid_number(num) and phonenumbers.number_type(num) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def gen_mobile(rng: random.Random) -> str:
    """A valid 11-digit mainland mobile number."""
    while True:
        d = rng.choice(MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))
        if valid_mobile(d):
            return d


def gen_landline(rng: random.Random) -> tuple[str, str]:
    """(area code with leading 0, local number) that phonenumbers accepts as a fixed line."""
    while True:
        area = rng.choice(AREA_CODES)
        n = 8 if len(area) == 3 or area in ("0755", "0571", "0371") else 7
        local = rng.choice("2345678") + "".join(rng.choice("0123456789") for _ in range(n - 1))
        if phonenumbers.is_valid_number(phonenumbers.parse("+86" + area[1:] + local)):
            return area, local


def gen_qq(rng: random.Random) -> str:
    """A QQ-looking number, 6-11 digits, no leading zero."""
    while True:
        q = rng.choice("123456789") + "".join(rng.choice("0123456789") for _ in range(rng.randint(5, 10)))
        # an 11-digit QQ that is also a valid mobile would be ambiguous gold; skip it
        if not (len(q) == 11 and valid_mobile(q)):
            return q


def gen_wx(rng: random.Random) -> str:
    """A WeChat ID: letter first, 6-16 chars of letters/digits/_/-, lower case."""
    stems = [
        "lily",
        "xiaoyu",
        "aa",
        "kefu",
        "vip",
        "jj",
        "dd",
        "yy",
        "mm",
        "ks",
        "wang",
        "zhang",
        "chen",
        "tt",
        "shuadan",
        "boss",
        "qian",
        "haoyun",
        "fa",
        "xin",
        "a",
        "z",
        "lucky",
        "sky",
    ]
    while True:
        s = rng.choice(stems) + rng.choice(["", "_", "-", ""]) + str(rng.randint(10, 999999))
        if rng.random() < 0.3:
            s += rng.choice("abcdefghjkmnpqrstuvwxyz")
        if 6 <= len(s) <= 20 and s[0].isalpha() and s[-1] not in "_-":
            return s


def gen_tg(rng: random.Random) -> str:
    """A Telegram username, 5-20 chars, letter first, no trailing underscore."""
    stems = ["usdt", "pay", "kefu", "card", "boss", "xiao", "shop", "ok", "vip", "dada", "heike", "pp"]
    return (
        rng.choice(stems)
        + rng.choice(["", "_", ""])
        + rng.choice(["", "888", "666", "2024", "cn"])
        + "".join(rng.choice("abcdefghijkmnpqrstuvwxyz") for _ in range(rng.randint(2, 5)))
    )


def gen_card(rng: random.Random, kind: str) -> str:
    """A Luhn-valid card number on a real BIN of the given kind."""
    bin_, length = CARD_BINS[kind]
    body = bin_ + "".join(rng.choice("0123456789") for _ in range(length - len(bin_) - 1))
    return body + luhn.calc_check_digit(body)


def gen_badcard(rng: random.Random) -> str:
    """A card-looking number on a real BIN whose Luhn digit is wrong."""
    good = gen_card(rng, rng.choice(["card", "card16", "abc"]))
    return good[:-1] + str((int(good[-1]) + rng.randint(1, 9)) % 10)


def _birth(rng: random.Random) -> str:
    return f"{rng.randint(1960, 2004)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"


def gen_id(rng: random.Random) -> str:
    """A GB 11643 ID number that stdnum.cn.ric accepts (checksum, date, place)."""
    while True:
        body = rng.choice(RIC_AREAS) + _birth(rng) + f"{rng.randint(0, 999):03d}"
        num = body + ric.calc_check_digit(body + "0")
        if ric.is_valid(num):
            return num


def gen_badid(rng: random.Random, how: str) -> str:
    """An ID-looking number that fails one check: ``sum``, ``date`` or ``prov``."""
    if how == "sum":
        good = gen_id(rng)
        bad = good[:-1] + rng.choice([c for c in "0123456789X" if c != good[-1]])
    elif how == "date":
        body = rng.choice(RIC_AREAS) + rng.choice(["19901332", "20010230", "19850431", "21230101"]) + "123"
        bad = body + ric.calc_check_digit(body + "0")
    else:
        body = rng.choice(["960101", "000101", "800102", "270101"]) + _birth(rng) + "456"
        bad = body + ric.calc_check_digit(body + "0")
    assert not ric.is_valid(bad)
    return bad


def gen_trc(rng: random.Random) -> str:
    """A TRON address: base58check over version byte 0x41 + 20 bytes."""
    return base58.b58encode_check(bytes([0x41]) + rng.randbytes(20)).decode()


def gen_badtrc(rng: random.Random) -> str:
    """A TRON-looking address with one character changed (checksum fails)."""
    good = gen_trc(rng)
    i = rng.randint(5, 30)
    return good[:i] + rng.choice([c for c in B58 if c != good[i]]) + good[i + 1 :]


def eip55(addr_hex: str) -> str:
    """EIP-55 mixed-case checksum form of a 40-hex-digit address."""
    h = keccak.new(digest_bits=256, data=addr_hex.encode()).hexdigest()
    return "0x" + "".join(
        c.upper() if c.isalpha() and int(h[i], 16) >= 8 else c for i, c in enumerate(addr_hex)
    )


def gen_eth(rng: random.Random) -> str:
    """40 lower-case hex digits with at least 8 letters, so EIP-55 mixes case."""
    while True:
        h = rng.randbytes(20).hex()
        if sum(c.isalpha() for c in h) >= 8:
            return h


# --- renderers: obfuscation styles --------------------------------------------------------

CN = dict(zip("0123456789", "零一二三四五六七八九", strict=True))
CN_O = {**CN, "0": "〇"}
DAXIE = dict(zip("0123456789", "零壹贰叁肆伍陆柒捌玖", strict=True))
CIRC = dict(zip("0123456789", "⓪①②③④⑤⑥⑦⑧⑨", strict=True))
NEG = dict(zip("0123456789", "⓿❶❷❸❹❺❻❼❽❾", strict=True))
PAREN = dict(zip("0123456789", "0⑴⑵⑶⑷⑸⑹⑺⑻⑼", strict=True))  # no parenthesised zero exists
PDOT = dict(zip("0123456789", "0⒈⒉⒊⒋⒌⒍⒎⒏⒐", strict=True))  # no "0." form either
ZW = ["\u200b", "\u200c", "\u200d", "\ufeff"]
EMOJI_SEP = ["🔥", "💰", "🌹", "✨", "❤", "👉"]


def fullwidth(s: str) -> str:
    """ASCII letters/digits to their full-width forms."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)


def groups(d: str) -> list[str]:
    """Split a phone-like digit string 3-4-4 (or 4-4-4... for longer runs)."""
    if len(d) == 11:
        return [d[:3], d[3:7], d[7:]]
    return [d[i : i + 4] for i in range(0, len(d), 4)]


def render_digits(d: str, style: str, rng: random.Random) -> tuple[str, set[str]]:
    """Render a digit string in ``style``; return (text, tags)."""
    if style in ("", "plain"):
        return d, set()
    table: dict[str, tuple[Callable[[str], str], str]] = {
        "fw": (fullwidth, "fullwidth"),
        "circ": (lambda s: "".join(CIRC[c] for c in s), "circled"),
        "neg": (lambda s: "".join(NEG[c] for c in s), "neg_circled"),
        "paren": (lambda s: "".join(PAREN[c] for c in s), "paren_digits"),
        "pdot": (lambda s: "".join(PDOT[c] for c in s), "period_digits"),
        "cn": (lambda s: "".join(CN[c] for c in s), "cn_numerals"),
        "cno": (lambda s: "".join(CN_O[c] for c in s), "cn_numerals"),
        "dx": (lambda s: "".join(DAXIE[c] for c in s), "daxie_numerals"),
        "yao": (lambda s: "".join("幺" if c == "1" else CN[c] for c in s), "yao"),
        "liang": (lambda s: "".join("两" if c == "2" else c for c in s), "liang"),
        "kc": (lambda s: "".join(c + "\ufe0f\u20e3" for c in s), "keycap"),
        "sp": (lambda s: " ".join(groups(s)), "sep_space"),
        "dash": (lambda s: "-".join(groups(s)), "sep_dash"),
        "dot": (lambda s: ".".join(groups(s)), "sep_dot"),
        "star": (lambda s: "★".join(groups(s)), "sep_star"),
        "emoji": (lambda s: rng.choice(EMOJI_SEP).join(groups(s)), "sep_emoji"),
        "spall": (lambda s: " ".join(s), "sep_space"),
    }
    if style == "zw":
        chars = list(d)
        for _ in range(rng.randint(2, 4)):
            chars.insert(rng.randint(1, len(chars) - 1), rng.choice(ZW))
        return "".join(chars), {"zero_width"}
    if style == "mixcn":  # arabic and Chinese numerals interleaved, as typed to dodge filters
        out = "".join(CN[c] if rng.random() < 0.5 else c for c in d)
        if out == d or all(c in CN.values() for c in out):
            out = CN[d[0]] + d[1:-1] + CN[d[-1]]
        return out, {"cn_numerals", "mixed_numerals"}
    if style == "mixfw":  # full-width digits with zero-width and a separator
        fw = fullwidth(d)
        g = groups(fw) if len(d) == 11 else [fw]
        return "\u200b".join(g), {"fullwidth", "zero_width", "mixed_tricks"}
    if style == "mixcirc":
        return "".join(CIRC[c] if i % 2 else NEG[c] for i, c in enumerate(d)), {
            "circled",
            "neg_circled",
            "mixed_tricks",
        }
    if style == "mixdx":
        out = "".join(DAXIE[c] if i % 3 == 0 else (CN[c] if i % 3 == 1 else c) for i, c in enumerate(d))
        return out, {"daxie_numerals", "cn_numerals", "mixed_numerals"}
    fn, tag = table[style]
    return fn(d), {tag}


def render_word(w: str, style: str, rng: random.Random) -> tuple[str, set[str]]:
    """Render an ID (WeChat/Telegram) in ``style``: case, full-width, zero-width."""
    if style in ("", "plain"):
        return w, set()
    if style == "upper":
        return w.upper(), {"upper_case"}
    if style == "cap":
        return w[0].upper() + w[1:], {"upper_case"}
    if style == "fw":
        return fullwidth(w), {"fullwidth"}
    if style == "zw":
        i = rng.randint(1, len(w) - 1)
        return w[:i] + rng.choice(ZW) + w[i:], {"zero_width"}
    if style == "at":
        return "@" + w, {"at_prefix"}
    raise ValueError(f"unknown word style {style!r}")


# --- the builder ---------------------------------------------------------------------------

MARKER = re.compile(r"\{([a-z0-9_]+)(?::([a-z0-9+]+))?\}|\[\[(.+?)=>(.+?)(\|nodomain)?\]\]|<<(.+?)>>")

CUE_TAGS = {
    "微信": "cue_weixin",
    "薇信": "cue_homophone",
    "威信": "cue_homophone",
    "V信": "cue_vxin",
    "v信": "cue_vxin",
    "vx": "cue_vx",
    "VX": "cue_vx",
    "Vx": "cue_vx",
    "wx": "cue_wx",
    "WX": "cue_wx",
    "➕V": "cue_plus_v",
    "➕v": "cue_plus_v",
    "加V": "cue_plus_v",
    "加v": "cue_plus_v",
    "+V": "cue_plus_v",
    "+v": "cue_plus_v",
    "卫星": "cue_weixing",
    "扣扣": "cue_koukou",
    "企鹅": "cue_qie",
    "QQ": "cue_qq",
    "qq": "cue_qq",
    "Q号": "cue_qq",
    "飞机": "cue_feiji",
    "纸飞机": "cue_feiji",
    "飛機": "traditional",
    "TG": "cue_tg",
    "tg": "cue_tg",
    "电报": "cue_dianbao",
    "電報": "traditional",
    "電話": "traditional",
    "聯繫": "traditional",
    "號": "traditional",
    "聯系": "traditional",
    "點": "traditional",
    "帳": "traditional",
    "薇": "cue_homophone",
}
DEFANG_TAGS = {
    "点": "defang_dian",
    "[.]": "defang_bracket",
    "(.)": "defang_paren",
    "。": "defang_ideographic",
    "．": "defang_fullwidth_dot",
    " dot ": "defang_dot_word",
    "點": "defang_dian",
}


def registrable(host: str) -> str:
    """Registrable domain of ``host`` from the bundled public-suffix snapshot ('' if none)."""
    return _EXTRACT(host).top_domain_under_public_suffix or ""


def build_row(template: str, rng: random.Random) -> Built:
    """Replace every marker in ``template`` and collect expected indicators and tags."""
    out = Built(text="")
    pieces: list[str] = []
    pos = 0

    def add(kind: str, value: str) -> None:
        out.indicators.append({"type": kind, "value": value})
        out.tags.add(kind)

    for m in MARKER.finditer(template):
        pieces.append(template[pos : m.start()])
        pos = m.end()
        if m.group(3) is not None:  # literal URL
            raw, canon, nodomain = m.group(3), m.group(4), m.group(5)
            pieces.append(raw)
            add("url", canon)
            host = re.sub(r"^[a-z]+://", "", canon).split("/")[0].split(":")[0].split("?")[0]
            if not nodomain and host not in IM_HOSTS:
                dom = registrable(host)
                assert dom, f"no registrable domain for {canon}"
                add("domain", dom)
            for k, t in DEFANG_TAGS.items():
                if k in raw:
                    out.tags.add(t)
            if not raw.lower().startswith(("http://", "https://")):
                out.tags.add("no_scheme")
            continue
        if m.group(6) is not None:  # literal e-mail
            pieces.append(m.group(6))
            add("email", m.group(6).lower())
            continue
        kind, style = m.group(1), m.group(2) or ""
        text, tags = render(kind, style, rng, add)
        pieces.append(text)
        out.tags |= tags
    pieces.append(template[pos:])
    out.text = "".join(pieces)
    return out


def render(
    kind: str, style: str, rng: random.Random, add: Callable[[str, str], None]
) -> tuple[str, set[str]]:
    """Generate one value of ``kind``, register what it should yield, return (text, tags)."""
    if kind == "ph":
        d = gen_mobile(rng)
        add("phone", "+86" + d)
        if style == "p86":
            return "+86 " + d, {"plus86"}
        if style == "p86b":
            return "(+86)" + "-".join(groups(d)), {"plus86", "sep_dash"}
        if style == "c86":
            return "0086" + d, {"plus86"}
        return render_digits(d, style, rng)
    if kind == "land":
        area, local = gen_landline(rng)
        add("phone", "+86" + area[1:] + local)
        if style == "paren":
            return f"({area}){local}", {"landline"}
        if style == "sp":
            return f"{area} {local}", {"landline", "sep_space"}
        if style == "fw":
            return fullwidth(f"{area}-{local}"), {"landline", "fullwidth"}
        if style == "cn":
            t, _ = render_digits(area + local, "cn", rng)
            return t[: len(area)] + "-" + t[len(area) :], {"landline", "cn_numerals"}
        return f"{area}-{local}", {"landline"}
    if kind == "qq":
        q = gen_qq(rng)
        add("qq", q)
        return render_digits(q, style, rng)
    if kind == "qqmail":
        q = gen_qq(rng)
        add("email", q + "@qq.com")
        add("qq", q)
        mail = q + ("@QQ.com" if style == "upper" else "@qq.com")
        return mail, {"qq_mail"}
    if kind == "wx":
        w = gen_wx(rng)
        add("wechat", w)
        return render_word(w, style, rng)
    if kind in ("tg", "tme"):
        t = gen_tg(rng)
        add("telegram", t)
        text, tags = render_word(t, style if kind == "tg" else "", rng)
        if kind == "tme":
            return ("https://t.me/" if style == "https" else "t.me/") + text, {"tme_link"}
        return text, tags
    if kind in CARD_BINS:
        c = gen_card(rng, kind)
        add("bank_card", c)
        if style == "sp4":
            return " ".join(c[i : i + 4] for i in range(0, len(c), 4)), {"sep_space"}
        if style == "dash4":
            return "-".join(c[i : i + 4] for i in range(0, len(c), 4)), {"sep_dash"}
        return render_digits(c, style, rng)
    if kind == "id":
        i = gen_id(rng)
        while style == "x" and not i.endswith("X"):
            i = gen_id(rng)
        add("id_card", i)
        if style == "x":
            return i[:-1] + "x", {"lowercase_x"}
        if style == "sp":
            return f"{i[:6]} {i[6:14]} {i[14:]}", {"sep_space"}
        if i[-1] == "X":
            text, tags = render_digits(i[:-1], style, rng)
            return text + "X", tags
        return render_digits(i, style, rng)
    if kind == "trc":
        t = gen_trc(rng)
        add("usdt_trc20", t)
        return t, set()
    if kind in ("eth", "ethck"):
        h = gen_eth(rng)
        add("eth", "0x" + h)
        return (eip55(h), {"eip55"}) if kind == "ethck" else ("0x" + h, set())
    if kind == "mail":
        user = rng.choice(["kefu", "service", "hr", "vip", "pay", "zhao", "li.ming", "admin"]) + str(
            rng.randint(1, 999)
        )
        dom = rng.choice(
            ["163.com", "126.com", "sina.com", "gmail.com", "outlook.com", "foxmail.com", "yeah.net"]
        )
        add("email", f"{user}@{dom}")
        return (f"{user}@{dom}".upper(), {"upper_case"}) if style == "upper" else (f"{user}@{dom}", set())
    # decoys: rendered, never registered
    decoys: dict[str, Callable[[], str]] = {
        "badcard": lambda: gen_badcard(rng),
        "badid_sum": lambda: gen_badid(rng, "sum"),
        "badid_date": lambda: gen_badid(rng, "date"),
        "badid_prov": lambda: gen_badid(rng, "prov"),
        "badtrc": lambda: gen_badtrc(rng),
        "ethbad": lambda: _ethbad(rng),
        "badph": lambda: rng.choice(["10", "11", "12"]) + "".join(rng.choice("0123456789") for _ in range(9)),
        "maskph": lambda: gen_mobile(rng)[:3] + "****" + gen_mobile(rng)[7:],
        "maskid": lambda: (lambda i: i[:6] + "********" + i[14:])(gen_id(rng)),
        "order": lambda: _order(rng),
    }
    if kind in decoys:
        raw = decoys[kind]()
        if style == "sp4":
            return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4)), {"decoy_" + kind, "sep_space"}
        if style == "dash4":
            return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4)), {"decoy_" + kind, "sep_dash"}
        text, tags = render_digits(raw, style, rng)
        return text, tags | {"decoy_" + kind}
    raise ValueError(f"unknown marker kind {kind!r}")


def _ethbad(rng: random.Random) -> str:
    good = eip55(gen_eth(rng))
    # flip the case of one letter: still hex, but no longer the EIP-55 form
    idx = [i for i, c in enumerate(good) if c.isalpha() and i > 1]
    i = rng.choice(idx)
    return good[:i] + good[i].swapcase() + good[i + 1 :]


def _order(rng: random.Random) -> str:
    while True:
        s = "20" + "".join(rng.choice("0123456789") for _ in range(rng.randint(16, 20)))
        if not luhn.is_valid(s):
            return s


def main() -> None:
    """Render all ROWS to OUT (JSON lines) and print a one-line summary."""
    rng = random.Random(SEED)
    seen: set[str] = set()
    lines = []
    for n, row in enumerate(ROWS, 1):
        template, tags = row[0], row[1]
        optional = row[2] if len(row) > 2 else []
        b = build_row(template, rng)
        if b.text in seen:
            raise SystemExit(f"duplicate text: {b.text}")
        seen.add(b.text)
        b.tags |= set(tags)
        for k, t in CUE_TAGS.items():
            if k in b.text:
                b.tags.add(t)
        if not b.indicators:
            b.tags.add("negative")
        if any(t.startswith("decoy_") for t in b.tags) or any(t.startswith("decoy") for t in tags):
            b.tags.add("has_decoy")
        lines.append(
            json.dumps(
                {
                    "id": f"g{n:04d}",
                    "text": b.text,
                    "indicators": b.indicators,
                    "tags": sorted(b.tags),
                    "optional": optional,
                },
                ensure_ascii=False,
            )
        )
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} rows to {OUT}")


if __name__ == "__main__":
    main()
