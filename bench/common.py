"""What every benchmark shares: the machine, latency figures, process memory, tables and the data.

The complaint generator is seeded, so every run of every benchmark builds the same rows from the
same reference data; only the machine's speed differs between two runs.
"""

import bisect
import json
import os
import platform
import random
import socket
import sys
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # scripts started as bench/<name>.py import the project's packages

from xiaobao.lib.codes import id_check_char  # noqa: E402

PYTHON = sys.executable
# "small" is the quick size every benchmark supports (make bench runs it); the others are the contract's sizes.
SIZES = ("small", "10k", "100k", "1m")
SEED = 20161212  # 吉金办联字〔2016〕12号: any fixed number would do; this one is easy to recognise
CLK_TCK = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------------------------
# The machine and its processes


def machine() -> dict[str, Any]:
    meminfo = _proc_fields("/proc/meminfo")
    cpu_model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu_model = platform.processor()
    return {
        "cores": os.cpu_count(),
        "memory_mib": meminfo.get("MemTotal", 0) // 1024,
        "cpu": cpu_model,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


def _proc_fields(path: str) -> dict[str, int]:
    """Lines like "VmHWM:   123456 kB" as {"VmHWM": 123456}."""
    fields: dict[str, int] = {}
    try:
        text = Path(path).read_text()
    except OSError:
        return fields
    for line in text.splitlines():
        key, _sep, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[0].isdigit():
            fields[key] = int(parts[0])
    return fields


def peak_rss_kib(pid: int | str = "self") -> int:
    """The process's high-water resident set (VmHWM), in KiB; 0 when the process is gone."""
    return _proc_fields(f"/proc/{pid}/status").get("VmHWM", 0)


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name in parentheses may hold spaces: the fields after its closing ")" are fixed.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a live process has used; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def own_cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# Figures and tables


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """Linear interpolation between closest ranks, as numpy's default; values must be sorted."""
    if not sorted_values:
        return float("nan")
    k = (len(sorted_values) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def latency_ms(seconds: Sequence[float]) -> dict[str, float]:
    values = sorted(seconds)
    return {
        "p50": round(percentile(values, 50) * 1000, 2),
        "p95": round(percentile(values, 95) * 1000, 2),
        "p99": round(percentile(values, 99) * 1000, 2),
        "max": round(values[-1] * 1000, 2) if values else float("nan"),
    }


def check(name: str, value: Any, target: str, passed: bool) -> dict[str, Any]:
    return {"name": name, "value": value, "target": target, "result": "PASS" if passed else "FAIL"}


def format_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([_width(c)] + [_width(r[i]) for r in cells]) for i, c in enumerate(columns)]
    line = "  ".join("-" * w for w in widths)

    def fmt(values: Sequence[str]) -> str:
        return "  ".join(_pad(v, w, right=i > 1) for i, (v, w) in enumerate(zip(values, widths, strict=True)))

    return "\n".join([title, line, fmt(list(columns)), line, *(fmt(r) for r in cells), line])


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int, *, right: bool) -> str:
    gap = " " * (width - _width(text))
    return gap + text if right else text + gap


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


# ---------------------------------------------------------------------------------------------
# Reference data, read from a configured Django process


def reference_snapshot() -> dict[str, list[dict[str, Any]]]:
    """The loaded reference data as plain lists, so a generator needs no database connection.

    Only institutions that have a supervising authority today are kept: a complaint about any
    other would be refused at intake, and a benchmark measures accepted work.
    """
    from django.utils import timezone

    from xiaobao.registry.models import Category, Institution, Label, Region
    from xiaobao.registry.selectors import size_figures_for, supervision_line_for

    today = timezone.localdate()
    institutions = []
    sizes = size_figures_for(Institution.objects.values_list("pk", flat=True), today.year)
    for inst in Institution.objects.filter(is_active=True).select_related("type").order_by("uscc"):
        if supervision_line_for(institution=inst, on=today) is None:
            continue
        institutions.append(
            {
                "uscc": inst.uscc,
                "name": inst.name,
                "short_name": inst.short_name,
                "sector": inst.type.sector,
                "type": inst.type.code,
                "region": inst.region_id,
                "parent": inst.parent.uscc if inst.parent_id else None,
                "personal_customers": sizes[inst.pk].personal_customers if inst.pk in sizes else None,
            }
        )
    categories = list(
        Category.objects.filter(is_active=True)
        .order_by("code")
        .values("code", "dimension", "name", "parent__code", "level", "sectors")
    )
    parents = {c["parent__code"] for c in categories}
    for c in categories:
        c["parent"] = c.pop("parent__code")
        c["leaf"] = c["code"] not in parents
    return {
        "institutions": institutions,
        "categories": categories,
        "regions": [
            {"code": r["code"], "name": r["name"], "level": r["level"], "parent": r["parent_id"]}
            for r in Region.objects.order_by("code").values("code", "name", "level", "parent_id")
        ],
        "labels": list(Label.objects.filter(is_active=True).order_by("kind", "code").values("kind", "code", "name")),
    }


# ---------------------------------------------------------------------------------------------
# Realistic complaints

# Shares of banking complaints to the regulator, 2020–22 (domain.md §4): credit cards ≈ 50%,
# personal loans ≈ 32%, wealth management ≈ 5%; everything else shares the rest.
GROUP_SHARES = {"credit_card": 0.50, "loan": 0.32, "wealth": 0.05, "other": 0.13}
# Each group is the union of the business categories whose path names any of the first words;
# the later alternatives are fallbacks for a taxonomy that names things differently.
GROUP_KEYWORDS = {
    "credit_card": (("信用卡",),),
    "loan": (("个人住房贷款", "个人消费贷款", "个人经营贷款", "个人汽车贷款", "助学贷款"), ("个人贷款",), ("贷款",)),
    "wealth": (("理财",),),
}
# Retail banking products are sold by banks (and personal loans by consumer-finance companies too).
GROUP_TYPES = {"credit_card": ("bank",), "loan": ("bank", "consumer-finance"), "wealth": ("bank",)}
# Weekly rhythm: people complain on working days, least on Sundays.
WEEKDAY_WEIGHTS = (1.18, 1.12, 1.06, 1.02, 0.95, 0.42, 0.30)
# Seasons: the Spring Festival month is quiet, March carries 3·15 (consumer rights day), year-end
# fees and bonuses bring a December rise.
MONTH_WEIGHTS = (0.90, 0.72, 1.25, 1.05, 1.00, 0.98, 1.02, 1.00, 0.97, 0.88, 1.05, 1.15)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎金朴崔"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红春梅海波志宏建国庆文斌鑫宇浩然欣怡子涵雪松东北"
MOBILE_PREFIXES = ("130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "155", "157", "158",
                   "159", "176", "177", "178", "180", "181", "182", "186", "187", "188", "189", "199")  # fmt: skip
# County-level codes in Jilin (GB/T 2260), used when the reference data holds no county level.
JILIN_COUNTIES = ("220102", "220103", "220104", "220105", "220106", "220112", "220113", "220122", "220182", "220202",
                  "220203", "220204", "220211", "220281", "220302", "220303", "220402", "220403", "220502", "220503",
                  "220602", "220605", "220702", "220721", "220802", "220881", "222401", "222402", "222403")  # fmt: skip
# Changchun holds about a third of Jilin's people; complaints follow people.
REGION_WEIGHTS = {"2201": 3.2, "2202": 1.6, "2203": 0.9, "2204": 0.4, "2205": 0.9, "2206": 0.5, "2207": 0.9,
                  "2208": 0.7, "2224": 0.8}  # fmt: skip

# An issue: (summary, cause keyword, business keyword, narrative body). The business keyword picks
# the matching leaf of the group (年费 → 信用卡年费), "" any leaf; bodies take {amount}, {date},
# {inst}, {months}, {times} and {business}.
Issue = tuple[str, str, str, str]
ISSUES: dict[str, list[Issue]] = {
    "credit_card": [
        (
            "信用卡年费未经同意被扣收",
            "定价收费",
            "信用卡年费",
            "办卡时工作人员承诺首年免年费、刷满次数次年也免，但{date}的账单扣收年费{amount}元，办卡时从未告知刷卡次数要求。",
        ),
        (
            "信用卡分期手续费收取不透明",
            "信息披露",
            "信用卡分期",
            "客服电话推荐账单分期时只说“每期手续费很低”，没有告知实际年化利率。分{months}期后累计手续费{amount}元，折算年化接近百分之十五。",
        ),
        (
            "信用卡被盗刷银行拒绝处理",
            "消费者资金安全",
            "信用卡盗刷",
            "{date}凌晨收到多条境外消费短信，卡一直在本人身上，共被盗刷{amount}元。当即致电挂失并报警，银行却称需本人先还款，调查结果至今没有。",
        ),
        (
            "信用卡逾期后催收电话骚扰家人",
            "债务催收方式和手段",
            "信用卡催收",
            "因生病住院逾期两个月，欠款{amount}元。催收人员每天打十几个电话，还打给我的父母和单位同事，言语威胁要“上门”“起诉坐牢”。",
        ),
        (
            "信用卡额度被无故降低",
            "管理制度、业务规则与流程",
            "信用卡额度",
            "本人用卡{months}个月，从未逾期，{date}额度突然从五万元降为{amount}元，导致已安排的消费无法支付，客服只说是“系统综合评估”。",
        ),
        (
            "未经同意开通账单自动分期",
            "自主选择权",
            "信用卡分期",
            "本人从未申请分期，{date}发现账单被自动分成{months}期，已产生手续费{amount}元。银行称我在手机银行点过同意，但我没有任何印象。",
        ),
        (
            "信用卡违约金和利息计算有误",
            "定价收费",
            "信用卡利息与违约金",
            "{date}只差几十元未全额还款，银行却按全部账单金额计收利息，另收违约金，合计{amount}元，明显不合理。",
        ),
        (
            "信用卡积分规则单方变更",
            "合同条款",
            "信用卡市场活动",
            "办卡时宣传积分可兑换机票，{date}银行单方面修改规则，已积累的积分大幅贬值，相当于损失{amount}元，变更前没有任何通知。",
        ),
    ],
    "loan": [
        (
            "提前还款被收取高额违约金",
            "定价收费",
            "提前还款",
            "{date}申请提前结清贷款，银行要求支付剩余本金百分之三的违约金，共{amount}元，签合同时工作人员说可以随时还款。",
        ),
        (
            "房贷利率未按约定随LPR下调",
            "合同条款",
            "贷款利率与重定价",
            "本人房贷合同约定利率按LPR加点浮动，LPR已多次下调，{date}查询发现月供仍未变化，多付利息约{amount}元。",
        ),
        (
            "贷款时被捆绑购买保险",
            "自主选择权",
            "捆绑搭售",
            "办理{months}期贷款时，客户经理说必须购买一份意外险才能放款，保费{amount}元从放款金额中直接扣除。",
        ),
        (
            "征信报告出现不实逾期记录",
            "消费者信息安全",
            "",
            "本人贷款每月自动扣款从未逾期，{date}申请新的贷款时发现征信有一笔逾期记录，导致贷款被拒，定金{amount}元无法退还。",
        ),
        (
            "贷款催收人员威胁恐吓",
            "债务催收方式和手段",
            "",
            "因收入下降有一期贷款逾期，金额{amount}元。外包催收人员冒充法院工作人员，发短信称已立案，还把我的照片发到亲友群里。",
        ),
        (
            "放款前被收取“服务费”",
            "定价收费",
            "利息与费用",
            "申请贷款时，中介与银行工作人员一起要求先交“服务费”{amount}元，否则不予审批，交费后也没有开具任何凭证。",
        ),
        (
            "贷款审批进度长期无人答复",
            "服务态度及服务质量",
            "贷款审批与发放",
            "{date}提交贷款申请，材料齐全，已过去{months}个月仍未放款，卖方要收违约金{amount}元，网点经理一直推说“在走流程”。",
        ),
        (
            "未经本人同意办理贷款",
            "消费者信息安全",
            "",
            "{date}收到还款提醒才发现名下有一笔{amount}元的贷款，本人从未申请，怀疑身份信息被他人冒用，银行却要求我先还款。",
        ),
    ],
    "wealth": [
        (
            "理财产品亏损，销售时承诺保本",
            "营销方式和手段",
            "理财产品销售",
            "{date}在网点购买理财产品{amount}元，理财经理反复说“保本保息、比存款划算”，到期亏损近百分之八，才知道是净值型产品。",
        ),
        (
            "风险评估问卷被工作人员代填",
            "信息披露",
            "理财产品销售",
            "本人六十多岁，风险承受能力保守，{date}购买理财时问卷由工作人员代填为“积极型”，买入的是中高风险产品，亏损{amount}元。",
        ),
        (
            "理财产品赎回资金迟迟不到账",
            "服务设施、设备、业务系统",
            "赎回与到期兑付",
            "{date}申请赎回理财产品{amount}元，约定两个工作日到账，已过去{times}周仍未到账，客服只说“系统处理中”。",
        ),
        (
            "理财实际收益远低于宣传",
            "产品收益",
            "理财产品收益",
            "购买时宣传业绩比较基准年化百分之四点五，{months}个月后到期实际年化不到百分之一，少收益约{amount}元。",
        ),
    ],
    "insurance": [
        (
            "理赔申请被拒",
            "合同条款",
            "",
            "{date}因住院申请理赔，保险公司以“既往症未如实告知”为由拒赔，涉及金额{amount}元，但投保时业务员从未询问健康状况。",
        ),
        (
            "销售误导，宣传的收益无法兑现",
            "营销方式和手段",
            "",
            "业务员推销时称这款{business}产品“年收益百分之六、随时可取”，缴费{months}个月后想退保，才知道只能退回{amount}元。",
        ),
        (
            "退保被收取高额费用",
            "定价收费",
            "",
            "{date}申请退保，保险公司扣除各类费用后只退{amount}元，合同中的退保条款投保时没有人解释过。",
        ),
        (
            "理赔拖延，定损金额过低",
            "服务态度及服务质量",
            "",
            "{date}出险后申请理赔，维修和医疗费用共{amount}元，保险公司只认可一半，已过去{times}周仍未赔付。",
        ),
    ],
    "fundraising": [
        (
            "以养老服务为名高息吸收资金",
            "消费者资金安全",
            "",
            "{inst}以预订养老床位、缴纳“会员费”的名义向老年人吸收资金，承诺年息百分之十二、到期还本。本人先后投入{amount}元，{date}起利息停发，公司人员已联系不上。",
        ),
        (
            "承诺保本高息，拉人头发展下线",
            "营销方式和手段",
            "",
            "亲戚介绍加入{inst}推广的投资项目，称“保本保息、稳赚不赔”，介绍他人加入还有返利。本人投入{amount}元，{date}后平台无法提现。",
        ),
        (
            "虚拟币“矿机”项目无法提现",
            "消费者资金安全",
            "",
            "{date}通过微信群加入一个区块链“矿机”项目，对方称日息千分之五，本人累计投入{amount}元，现在App已无法登录。",
        ),
        (
            "售后返租商铺租金停付",
            "合同条款",
            "",
            "购买{inst}推销的产权式商铺，约定售后返租每年返还百分之八，已投入{amount}元，{date}起返租款停付，公司称资金链紧张。",
        ),
    ],
    "other": [
        (
            "网点服务态度差，排队时间过长",
            "服务态度及服务质量",
            "",
            "{date}到网点办理{business}业务，排队两个多小时，工作人员态度冷淡，询问时被不耐烦地打断，耽误工作损失{amount}元。",
        ),
        (
            "{business}收费不合理",
            "定价收费",
            "",
            "办理{business}业务时被收取手续费{amount}元，收费前没有告知收费标准，要求出示收费依据也没有结果。",
        ),
        (
            "个人信息被泄露，频繁接到推销电话",
            "消费者信息安全",
            "",
            "自{date}办理{business}业务后，每天接到多个推销电话，对方能准确说出我的姓名和业务信息，怀疑机构泄露了我的个人信息。",
        ),
        (
            "账户被冻结无法正常使用",
            "管理制度、业务规则与流程",
            "",
            "{date}账户突然被冻结，账户内{amount}元无法取出，机构只说“风控原因”，要求本人多次到网点提交材料，仍未解冻。",
        ),
        (
            "资金未到账",
            "服务设施、设备、业务系统",
            "",
            "{date}办理{business}业务转出{amount}元，扣款成功但对方一直未收到，已过去{times}周，客服让我耐心等待，没有任何进展。",
        ),
        (
            "{business}业务办理流程繁琐",
            "管理制度、业务规则与流程",
            "",
            "为办理{business}业务先后跑了{times}趟，每次都被要求补交不同材料，其中很多是机构已经留存的证件复印件。",
        ),
    ],
}
# The rest of a narrative: how it began, what the complainant tried, what came of it, what they ask.
FRAGMENTS = {
    "default": (
        ("本人是{inst}的客户。", "我于{year}年在{inst}开户，一直正常使用。", "反映{inst}的问题。", ""),
        (
            "先后{times}次拨打客服热线反映，",
            "到网点找大堂经理和网点负责人沟通，",
            "通过手机App在线客服和营业网点反映，",
            "向客服投诉后对方承诺三个工作日内回电，",
        ),
        (
            "对方一直推诿，没有给出解决方案。",
            "至今没有任何答复。",
            "对方称是系统规定，无法处理。",
            "工作人员态度敷衍，问题仍未解决。",
        ),
        (
            "请求退还相关费用并给出书面解释。",
            "请求监管部门督促机构核实情况、依法处理。",
            "要求赔偿损失，并对相关工作人员进行处理。",
            "希望尽快解决，给个说法。",
        ),
    ),
    "fundraising": (
        ("举报{inst}涉嫌非法集资。", "反映{inst}的问题。", ""),
        ("已向当地派出所报案，", "多次到公司办公地点讨要，", "和其他几十名投资人一起反映，"),
        ("至今没有结果。", "公司负责人避而不见。", "公司已人去楼空。"),
        ("请求有关部门尽快查处，追回资金。", "希望政府部门介入，帮助退还本金。"),
    ),
}
AMOUNT_RANGES = {  # 元, (low, high) of a log-uniform draw
    "credit_card": (50, 60_000),
    "loan": (500, 300_000),
    "wealth": (5_000, 1_000_000),
    "insurance": (200, 500_000),
    "fundraising": (10_000, 2_000_000),
    "other": (10, 50_000),
}


class ComplaintGenerator:
    """Complaints as a consumer files them, with the shares, places and rhythm of real ones.

    Each complaint is a dict of the API's create fields (institution by USCC, category and label
    codes, the complainant's region) plus `received_at` (24 months ending on `end`, with weekly and
    seasonal rhythm) for benchmarks that write rows directly.
    """

    def __init__(self, reference: dict[str, Any], *, seed: int = SEED, end: date = date(2025, 12, 31)) -> None:
        self.rng = random.Random(seed)
        cats = [c for c in reference["categories"] if c["leaf"]]
        self.channels = [c for c in cats if c["dimension"] == "channel"]
        self.causes = [c for c in cats if c["dimension"] == "cause"]
        business = [c for c in cats if c["dimension"] == "business"]
        by_code = {c["code"]: c for c in reference["categories"]}
        self._by_code = by_code
        self._by_word: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.institutions = reference["institutions"]
        if not self.institutions or not business:
            raise ValueError("the reference data holds no institutions with a supervisor, or no business categories")

        self.groups: dict[str, list[dict[str, Any]]] = {}
        taken: set[str] = set()
        self._tree_weights = _tree_weights(self.institutions)
        self._eligible: dict[tuple[str, str], tuple[list[dict[str, Any]], list[float]]] = {}
        for group, alternatives in GROUP_KEYWORDS.items():
            for words in alternatives:
                matched = [
                    c for c in business if c["code"] not in taken and any(_in_path(c, w, by_code) for w in words)
                ]
                matched = [c for c in matched if self._pool(group, c["sectors"])[0]]
                if matched:
                    self.groups[group] = matched
                    taken.update(c["code"] for c in matched)
                    break
        # Categories no supervised institution could be complained about under (none of its sector) are left out.
        self.groups["other"] = [c for c in business if c["code"] not in taken and self._pool("other", c["sectors"])[0]]
        present = {g: s for g, s in GROUP_SHARES.items() if self.groups.get(g)}
        total = sum(present.values())
        # A group the taxonomy lacks gives its share to the others in proportion.
        self.shares = {g: s / total for g, s in present.items()}
        self._group_names = list(self.shares)
        self._group_cum = _cumulative(self.shares.values())

        self.regions = self._regions(reference["regions"])
        self._region_cum = _cumulative(w for _c, w in self.regions)
        self.days = [end - timedelta(days=i) for i in range(730, -1, -1)]
        # A gentle upward trend over the two years, as complaint volumes grew 2020–22.
        self._day_cum = _cumulative(
            WEEKDAY_WEIGHTS[d.weekday()] * MONTH_WEIGHTS[d.month - 1] * (0.9 + 0.2 * i / len(self.days))
            for i, d in enumerate(self.days)
        )
        labels = reference.get("labels", [])
        self.rights = [label["code"] for label in labels if label["kind"] == "right"]
        self.demands = [label["code"] for label in labels if label["kind"] == "demand"]
        self.counter = 0

    def __iter__(self) -> Iterator[dict[str, Any]]:
        while True:
            yield self.complaint()

    def complaint(self) -> dict[str, Any]:
        rng = self.rng
        self.counter += 1
        group = self._group_names[bisect.bisect(self._group_cum, rng.random() * self._group_cum[-1])]
        if group == "other":
            business = rng.choice(self.groups[group])
            kind = _issue_kind(business["sectors"])
            summary, cause_word, _word, body = rng.choice(ISSUES[kind])
        else:
            kind = group
            summary, cause_word, word, body = rng.choice(ISSUES[group])
            business = rng.choice(self._matching(group, word))
        pool, cum = self._pool(group, business["sectors"])
        institution = pool[bisect.bisect(cum, rng.random() * cum[-1])]
        day = self.days[bisect.bisect(self._day_cum, rng.random() * self._day_cum[-1])]
        low, high = AMOUNT_RANGES[kind]
        amount = round(low * (high / low) ** rng.random(), -1 if kind != "credit_card" else 0)
        slots = {
            "amount": f"{amount:,.0f}",
            "date": f"{day.year}年{day.month}月{day.day}日",
            "year": day.year - rng.randint(1, 12),
            "inst": institution["short_name"] or institution["name"],
            "months": rng.choice((3, 6, 12, 18, 24, 36)),
            "times": rng.randint(2, 6),
            "business": business["name"],
        }
        openings, actions, outcomes, demands = FRAGMENTS.get(kind, FRAGMENTS["default"])
        narrative = "".join(
            (
                rng.choice(openings).format(**slots),
                body.format(**slots),
                rng.choice(actions).format(**slots),
                rng.choice(outcomes),
                rng.choice(demands),
            )
        )
        region = institution["region"] if rng.random() < 0.8 else self._region()
        received = datetime.combine(day, time(rng.choice(range(7, 23)), rng.randrange(60), rng.randrange(60)))
        return {
            "institution": institution["uscc"],
            "business": business["code"],
            "channel": rng.choice(self.channels)["code"] if self.channels and rng.random() < 0.9 else None,
            "cause": self._cause(cause_word),
            "summary": summary.format(**slots)[:120],
            "narrative": narrative,
            "complainant_name": rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2)))),
            "phone": rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}",
            "id_number": self._id_number() if rng.random() < 0.7 else "",
            "amount": f"{amount:.2f}" if rng.random() < 0.85 else None,
            "consent_publish": rng.random() < 0.4,
            "rights": rng.sample(self.rights, k=min(len(self.rights), rng.choice((0, 1, 1, 2)))),
            "demands": rng.sample(self.demands, k=min(len(self.demands), rng.choice((1, 1, 2)))),
            "region": region,
            "received_at": received,
        }

    def _matching(self, group: str, word: str) -> list[dict[str, Any]]:
        if (group, word) not in self._by_word:
            matched = [c for c in self.groups[group] if _in_path(c, word, self._by_code)]
            self._by_word[group, word] = matched or self.groups[group]
        return self._by_word[group, word]

    def _pool(self, group: str, sectors: str) -> tuple[list[dict[str, Any]], list[float]]:
        """The institutions a complaint of this group and category can be about, with their weights."""
        if (group, sectors) not in self._eligible:
            wanted = {s.strip() for s in sectors.split(",") if s.strip()}
            types = GROUP_TYPES.get(group)
            pool = [
                i
                for i in self.institutions
                if (not wanted or i["sector"] in wanted) and (not types or any(t in i["type"] for t in types))
            ]
            self._eligible[group, sectors] = (pool, _cumulative(self._tree_weights[i["uscc"]] for i in pool))
        return self._eligible[group, sectors]

    def _cause(self, word: str) -> str | None:
        if not self.causes:
            return None
        matches = [c for c in self.causes if word in c["name"]] if self.rng.random() < 0.8 else []
        return self.rng.choice(matches or self.causes)["code"]

    @staticmethod
    def _regions(regions: list[dict[str, Any]]) -> list[tuple[str, float]]:
        counties = [r["code"] for r in regions if r["code"].startswith("22") and not r["code"].endswith("00")]
        return [(c, REGION_WEIGHTS.get(c[:4], 0.5)) for c in counties or JILIN_COUNTIES]

    def _region(self) -> str:
        return self.regions[bisect.bisect(self._region_cum, self.rng.random() * self._region_cum[-1])][0]

    def _id_number(self) -> str:
        rng = self.rng
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(54 * 365))
        first17 = f"{self._region()}{born:%Y%m%d}{rng.randrange(1000):03d}"
        return first17 + id_check_char(first17)


def _in_path(category: dict[str, Any], keyword: str, by_code: dict[str, dict[str, Any]]) -> bool:
    node: dict[str, Any] | None = category
    while node is not None:
        if keyword in node["name"]:
            return True
        node = by_code.get(node["parent"]) if node["parent"] else None
    return False


def _issue_kind(sectors: str) -> str:
    if "unlicensed" in sectors:
        return "fundraising"
    if "insurance" in sectors:
        return "insurance"
    return "other"


def _tree_weights(institutions: list[dict[str, Any]]) -> dict[str, float]:
    """Big retail institutions draw most complaints: each head office weighs the square root of its
    personal customers (100k where unknown), shared evenly by the head office and its branches."""
    by_uscc = {i["uscc"]: i for i in institutions}

    def root(inst: dict[str, Any]) -> dict[str, Any]:
        while inst["parent"] in by_uscc:
            inst = by_uscc[inst["parent"]]
        return inst

    roots = {i["uscc"]: root(i)["uscc"] for i in institutions}
    members: dict[str, int] = {}
    for r in roots.values():
        members[r] = members.get(r, 0) + 1
    return {uscc: (by_uscc[r]["personal_customers"] or 100_000) ** 0.5 / members[r] for uscc, r in roots.items()}


def _cumulative(weights: Any) -> list[float]:
    total = 0.0
    out = []
    for w in weights:
        total += w
        out.append(total)
    return out
