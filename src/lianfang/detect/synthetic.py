"""Self-written training posts: seeded generators for what the public data lacks.

`fraud_posts`: ChineseHarm's `train_extra` has no fraud rows, so every fold of the benchmark
trains on about 260 fraud texts against about 1,000 rows of each other harmful class. It
writes short solicitation posts of the eight fraud sub-types from domain knowledge (the hooks
and scripts that anti-fraud campaigns describe: task rebates, "teacher-led" investments, fake
customer service, fake police, loans that need a fee first, credit "repair", game-item deals,
romance-to-investment) by filling slot templates. `everyday_posts`: short daily-life
sentences for the everyday side of the gate, from templates; `written_everyday`: a few hundred
hand-written ones of many more kinds (work, school, family, health, travel, greetings, chores;
`data/everyday_zh.txt`); `written_fraud`: about a hundred hand-written fraud posts of many more
scam scripts than the templates cover (`data/fraud_zh.txt`). No text of any data set is copied or
paraphrased here; the fraud templates were written after reading cross-validation errors on
dev fraud rows, which MODEL_CARD.md states. Our own work, Apache-2.0.
"""

from __future__ import annotations

import random
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from lianfang.detect.datasets import LabelledText

__all__ = ["SUBTYPE_TEMPLATES", "everyday_posts", "fraud_posts", "written_everyday", "written_fraud"]

# Slot fillers shared by the templates: {cta} call to action, {pay} promised money, {job} task.
_SLOTS: dict[str, tuple[str, ...]] = {
    "cta": (
        "加我", "私我", "私信我", "滴滴我", "v我", "加v", "+v", "加微", "加q", "扣我", "找我",
        "有意者私聊", "感兴趣的私", "想做的来", "看我主页", "留言我拉你", "进群了解", "加好友详聊",
    ),
    "pay": (
        "日结", "一单一结", "秒结", "当天到账", "日入三百", "一天两三百", "一小时五十", "月入过万",
        "日赚500+", "轻松过千", "每单佣金8%", "做一单返20", "稳定收入", "零花钱不愁", "秒到支付宝",
    ),
    "job": (
        "点赞", "关注店铺", "刷好评", "打字录入", "抄写小说", "录音频", "看视频", "做简单任务",
        "手工活", "垫付下单", "拍单", "挂机", "浏览商品", "评论", "做问卷", "玩游戏试玩",
    ),
    "who": ("宝妈", "学生党", "上班族", "无业的", "在家带娃的", "退休阿姨", "想搞副业的", "缺钱的"),
    "coin": ("比特币", "usdt", "虚拟币", "数字货币", "外汇", "黄金", "原油", "期货", "新股", "原始股"),
    "gain": ("稳赚不赔", "保本保息", "翻倍", "收益三倍", "日收益5%", "月回报30%", "一个月翻十倍", "零风险"),
    "teacher": ("老师", "导师", "带单大神", "内部分析师", "私募经理", "操盘手"),
    "platform": ("平台", "app", "交易所", "理财项目", "投资群", "基金"),
    "shop": ("淘宝", "京东", "拼多多", "抖音商城", "快递", "外卖平台"),
    "issue": (
        "商品质量问题", "快递丢件", "会员到期自动扣费", "百万保障服务", "学生贷账户", "订单异常",
        "退款未到账", "物流延误",
    ),
    "agency": ("公安局", "检察院", "法院", "网警", "经侦支队", "反洗钱中心"),
    "crime": ("洗钱案", "电信诈骗案", "非法集资案", "走私案", "身份证被冒用开户"),
    "loan": ("无视黑白户", "不看征信", "不查大数据", "秒批秒下", "无抵押", "额度五万起", "内部渠道"),
    "fee": ("手续费", "解冻金", "保证金", "验资费", "会员费", "刷流水", "工本费"),
    "credit": ("征信修复", "逾期记录消除", "呆账删除", "花呗逾期铲单", "网贷记录洗白", "黑名单漂白"),
    "game": ("王者荣耀", "原神", "和平精英", "梦幻西游", "英雄联盟", "逆水寒", "cf"),
    "item": ("皮肤", "账号", "装备", "点券", "钻石", "金币", "稀有道具"),
    "meet": ("认识一下", "交个朋友", "处个对象", "聊聊天", "找个伴"),
    "num": ("三百", "五百", "八百", "一千", "两千", "五千", "一万", "三万"),
    "amt": ("200", "300", "500", "800", "1000", "2000", "5000"),
}  # fmt: skip

# Sub-type (taxonomy.FRAUD_SUBTYPES key) -> templates over `_SLOTS`.
SUBTYPE_TEMPLATES: dict[str, tuple[str, ...]] = {
    "brushing": (
        "在家{job}，{pay}，{who}都能做，{cta}",
        "招{who}兼职，动动手指{job}，{pay}",
        "{job}一单{num}佣金，{pay}，{cta}",
        "手机就能做，{job}{pay}，不收任何费用，{cta}",
        "有没有想{job}赚钱的，{pay}，{cta}",
        "兼职{job}，先垫付后返佣，{pay}",
        "缺钱的{cta}，{job}就行，{pay}",
        "{who}在家没事干？{job}一天{num}，{cta}",
        "副业{job}，时间自由，{pay}，{cta}",
        "简单{job}，不用押金，{pay}，名额有限{cta}",
        "关注公众号{job}，{pay}，{cta}",
        "下载app注册就送{amt}，做完任务就能提现，{cta}",
        "免费领手机，做完任务就寄，{cta}",
        "网络兼职{job}一天{amt}，不收押金，{cta}",
        "招聘打字员配音员，{pay}，入职先交培训费",
    ),
    "investment": (
        "跟着{teacher}做{coin}，{gain}，{cta}",
        "{teacher}带你炒{coin}，内部消息，{gain}",
        "新出的{coin}{platform}，充{num}送{num}，{gain}，{cta}",
        "免费推荐牛股，{teacher}每天带，{gain}，{cta}",
        "股票配资十倍杠杆，{gain}，{cta}",
        "内部{platform}名额，投{num}{gain}，{cta}",
        "{teacher}实盘带单，{coin}{gain}，进群免费听课",
        "量化交易机器人，{coin}{gain}，{cta}",
        "{coin}跟单，{teacher}胜率90%，{cta}",
        "今日{coin}大涨，{teacher}已提前布局，进群领取策略",
        "区块链挖矿项目，投{amt}每天返{amt}，{cta}",
        "{platform}有漏洞，{gain}，{teacher}教你操作",
        "养老项目投资，{gain}，{cta}",
    ),
    "fake_service": (
        "您好，我是{shop}客服，您的订单因{issue}需要退款，请{cta}",
        "{shop}客服通知：您开通了{issue}，不关闭将每月扣费，{cta}办理",
        "您在{shop}购买的商品有{issue}，现给您双倍理赔，加客服{cta}",
        "{issue}需要注销，否则影响征信，请下载会议软件共享屏幕",
        "亲，{issue}，理赔款需要您配合验证银行卡，{cta}",
        "您好，这边是{shop}售后，{issue}给您三倍赔付，{cta}",
        "您的航班因故取消，改签可获赔{amt}元，{cta}",
        "您的etc认证已失效，请点击链接重新认证",
        "医保卡异常将被冻结，请联系客服处理",
        "{shop}客服：您的账户存在风险，需要把钱转到安全账户",
    ),
    "fake_authority": (
        "我是{agency}的，您涉嫌{crime}，请配合调查，不要告诉家人",
        "{agency}通知：你的账户涉及{crime}，需把资金转入安全账户核查",
        "您的身份信息涉及{crime}，{agency}已立案，立即{cta}配合",
        "你好，这里是{agency}，你名下银行卡涉嫌{crime}，资金需要清查",
        "你的快递里查出违禁品，已移交{agency}，请配合调查",
        "{agency}通缉令：你涉嫌{crime}，请立即联系办案民警",
    ),
    "fake_loan": (
        "急用钱的{cta}，{loan}，当天放款",
        "网贷{loan}，额度{num}到{num}，先交{fee}",
        "{loan}，{loan}，身份证就能贷，{cta}",
        "贷款被拒的找我，{loan}，放款前只收{fee}",
        "私人借款，{loan}，当天下款，{cta}",
        "信用卡提额套现，{loan}，{cta}",
        "放款失败，银行卡号填写错误，需交{fee}解冻",
        "无需审核，{loan}，最高可借{amt}0，{cta}",
    ),
    "fake_credit": (
        "专业{credit}，内部关系，{cta}",
        "{credit}，{credit}，全国可做，不成功不收费",
        "征信花了贷不了款？{credit}，{cta}",
        "{credit}，银行内部人员操作，三天见效，{cta}",
        "校园贷未注销会影响征信，{cta}帮你注销",
    ),
    "game_trade": (
        "{game}{item}低价出，五折代充，{cta}",
        "出{game}满级{item}，私下交易更便宜，{cta}",
        "{game}免费领{item}，扫码登录就送",
        "收{game}{item}高价回收，先交{fee}",
        "{game}代充{item}一折，{cta}",
        "{game}账号被封？专业解封，{cta}",
        "{game}代练上分，先付定金，{cta}",
    ),
    "romance": (
        "小姐姐想{meet}，我在做{coin}，可以带你一起赚",
        "单身想{meet}吗，我舅舅是{teacher}，带你{gain}",
        "在吗，想和你{meet}，顺便带你做{platform}，{gain}",
        "离异带娃，想{meet}，最近跟{teacher}赚了不少，{cta}",
        "美女主播想{meet}，先充值{amt}成为会员",
        "想{meet}的加我，我最近在{platform}赚了{num}，带你一起",
    ),
}


# Everyday short posts: daily life, school, work, food, weather, hobbies. ChineseHarm's benign
# rows are long assistant-style prose and COLD's are posts on race/gender/region, so neither
# shows the harm head that a short plain sentence can be harmless.
_DAILY_SLOTS: dict[str, tuple[str, ...]] = {
    "time": (
        "今天", "昨天", "周末", "早上", "晚上", "下午", "明天", "刚才", "这几天", "上周", "中午",
        "国庆", "放学后", "下班后", "过年的时候",
    ),
    "who": (
        "我", "我们", "我和朋友", "我妈", "室友", "同事", "全家", "孩子", "老公", "我和同学",
        "爸爸", "奶奶", "表哥", "邻居", "老板",
    ),
    "place": (
        "公园", "海边", "图书馆", "超市", "食堂", "老家", "商场", "体育馆", "博物馆", "菜市场",
        "医院", "车站", "咖啡店", "学校", "公司",
    ),
    "act": (
        "散步", "钓鱼", "看书", "买菜", "吃饭", "打球", "拍照", "逛街", "跑步", "看展", "排队",
        "自习", "骑车", "游泳", "写作业",
    ),
    "feel": (
        "挺开心的", "有点累", "空气很好", "心情不错", "下次还来", "人有点多", "收获很大",
        "还挺好玩", "累但值得", "感觉很充实", "有点无聊", "太热了", "冻死了", "笑死我了", "有点失望",
    ),
    "weather": ("真好", "有点冷", "特别热", "下雨了", "阴沉沉的", "刮大风", "晴朗", "闷热", "下雪了"),
    "plan": ("出去走走吧", "在家看电影", "记得带伞", "多穿点衣服", "晒晒被子", "去河边骑车", "早点睡"),
    "subject": ("数学", "物理", "英语", "化学", "语文", "编程", "历史", "生物"),
    "problem": (
        "怎么也解不出来", "终于做出来了", "好难啊", "老师讲得很清楚", "答案和我的不一样",
        "考了九十分", "作业写到半夜", "明天要小测",
    ),
    "food": ("红烧肉", "饺子", "火锅", "面条", "包子", "蛋糕", "酸菜鱼", "烤红薯", "西瓜", "奶茶", "炒饭"),
    "media": ("电影", "纪录片", "小说", "电视剧", "综艺", "动画", "演唱会", "话剧"),
    "comment": (
        "剧情很感人", "值得一看", "有点拖沓", "演员演得好", "结局出乎意料", "适合全家看",
        "音乐很好听", "看哭了", "一般般",
    ),
    "chore": ("打扫房间", "洗衣服", "修自行车", "给花浇水", "整理书架", "做饭", "洗碗", "搬家", "取快递"),
    "pet": ("猫", "狗", "仓鼠", "鹦鹉", "兔子"),
    "pet_act": ("把杯子打翻了", "在沙发上睡了一下午", "学会握手了", "挑食不吃饭", "又胖了"),
    "thing": ("手机", "耳机", "电脑", "自行车", "台灯", "书包", "鞋子", "空调", "洗衣机"),
    "thing_say": ("用着挺顺手", "坏了得去修", "质量不错", "有点贵", "颜色很好看", "电池不耐用"),
    "sport": ("篮球", "足球", "羽毛球", "乒乓球", "排球", "马拉松"),
    "event": ("开会", "考试", "面试", "体检", "聚餐", "家长会", "毕业典礼", "婚礼"),
    "ask": ("几点到", "要不要一起去", "带伞了吗", "吃了没", "到家了吗", "明天有空吗"),
}  # fmt: skip

_DAILY_TEMPLATES: tuple[str, ...] = (
    "{time}{who}去{place}{act}，{feel}",
    "{time}天气{weather}，{plan}",
    "这道{subject}题{problem}",
    "{time}吃了{food}，{feel}",
    "推荐一部{media}，{comment}",
    "{time}在家{chore}，{feel}",
    "{who}{time}去{place}了，{feel}",
    "{time}的{food}做得不错，{who}都说好吃",
    "{time}{chore}，然后去{place}{act}",
    "{subject}考试结束了，{feel}",
    "我家{pet}{time}{pet_act}",
    "新买的{thing}{thing_say}",
    "{time}看了{sport}比赛，{feel}",
    "{time}要{event}，有点紧张",
    "{event}结束了，{feel}",
    "{time}{place}人好多，{feel}",
    "{who}说{time}想吃{food}",
    "{ask}？{time}去{place}{act}",
    "{time}和{who}一起看{media}，{comment}",
    "{who}的{thing}{thing_say}",
    "{time}去{place}{act}，顺便买了{food}",
    "好久没{act}了，{time}去{place}试试",
    "{subject}老师{time}布置了好多作业",
    "{time}加班到很晚，{feel}",
    "{time}{who}生日，一起吃了{food}",
)


def fraud_posts(count: int, seed: int) -> list[LabelledText]:
    """Return `count` fraud posts, sub-types in turn, slots filled by a `seed`ed generator.

    Deterministic for (count, seed); texts are unique only by chance (duplicates are kept
    out by drawing again, up to a bounded number of tries).
    """
    rng = random.Random(seed)
    subtypes = sorted(SUBTYPE_TEMPLATES)
    groups = [SUBTYPE_TEMPLATES[subtypes[i % len(subtypes)]] for i in range(count)]
    return [LabelledText(t, "fraud") for t in _generate(groups, _SLOTS, rng)]


def everyday_posts(count: int, seed: int) -> list[LabelledText]:
    """Return `count` short everyday posts labelled `benign` (same contract as `fraud_posts`)."""
    rng = random.Random(seed)
    return [LabelledText(t, "benign") for t in _generate([_DAILY_TEMPLATES] * count, _DAILY_SLOTS, rng)]


def written_everyday(path: Path | None = None) -> list[LabelledText]:
    """Hand-written everyday posts, labelled `benign` (`data/everyday_zh.txt` unless `path`).

    `path` reads another such file (the benchmark's probe sentences).
    """
    return _written(path or resources.files("lianfang.detect") / "data" / "everyday_zh.txt", "benign")


def written_fraud() -> list[LabelledText]:
    """Hand-written fraud posts of many scam scripts, labelled `fraud` (`data/fraud_zh.txt`)."""
    return _written(resources.files("lianfang.detect") / "data" / "fraud_zh.txt", "fraud")


def _written(source: Path | Traversable, label: str) -> list[LabelledText]:
    """One post a line; blank and `#` lines are skipped."""
    lines = (line.strip() for line in source.read_text(encoding="utf-8").splitlines())
    return [LabelledText(line, label) for line in lines if line and not line.startswith("#")]


def _generate(
    groups: list[tuple[str, ...]], slots: dict[str, tuple[str, ...]], rng: random.Random
) -> list[str]:
    """One text per template group, re-drawing (at most 20 times) to avoid duplicates."""
    seen: set[str] = set()
    out: list[str] = []
    for templates in groups:
        for _ in range(20):
            text = _fill(rng.choice(templates), slots, rng)
            if text not in seen:
                break
        seen.add(text)
        out.append(text)
    return out


def _fill(template: str, slots: dict[str, tuple[str, ...]], rng: random.Random) -> str:
    parts = template.split("{")
    text = parts[0]
    for part in parts[1:]:
        slot, rest = part.split("}", 1)
        text += rng.choice(slots[slot]) + rest
    return text
