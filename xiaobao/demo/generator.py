"""The synthetic complaint generator: complaints as complainants would file them, from a seed.

Who, about which institution, in which category, when, in what words: pure Python over a snapshot of
the reference data (`DemoReference`), so the demo data set (`xiaobao.demo.complaints`) and the
benchmarks in `bench/` draw the same complaints, at any size. `payload()` gives a complaint as the
API's create fields, by code, for benchmarks that file or insert rows themselves.

Every person in it is invented: names are drawn from common characters; mobile numbers and GB 11643
identity numbers are random (a valid check character, no real person behind them).
"""

import bisect
import random
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any

from django.utils import timezone

from xiaobao.complaints.models import Complaint
from xiaobao.demo.topics import CLOSINGS, CONTACTS, EXTRAS, PHONE_IN_NARRATIVE, TOPICS, Topic
from xiaobao.lib.codes import id_check_char
from xiaobao.lib.workdays import is_workday
from xiaobao.registry.models import Authority, Category, DeadlineRuleSet, Institution, Label, Region, SizeFigure
from xiaobao.registry.selectors import calendar_exceptions, rule_set_for, size_figures_for, supervision_line_for

DEFAULT_COMPLAINTS = 5200
DEFAULT_SEED = 2026
HISTORY_DAYS = 730  # 24 months of history before today

# ---------------------------------------------------------------------------------------------
# Where complaints come from and when.

# Complaint weight of each prefecture: resident population in 万人 from the Seventh National Census
# (吉林省第七次全国人口普查公报, 2020), raised by 25% for 长春 and 延边, whose urban, banked
# populations complain more per head; 松原 and 白城, mostly rural, lowered by 10%.
PREFECTURE_WEIGHTS = {
    "220100": 906.7 * 1.25,  # 长春市
    "220200": 362.4,  # 吉林市
    "220300": 181.5,  # 四平市
    "220400": 99.7,  # 辽源市
    "220500": 181.2,  # 通化市
    "220600": 95.1,  # 白山市
    "220700": 225.3 * 0.9,  # 松原市
    "220800": 155.1 * 0.9,  # 白城市
    "222400": 194.2 * 1.25,  # 延边朝鲜族自治州
}

# 春节 (first day of the lunar year): complaints peak in the weeks after it, when the holiday's
# spending shows on card statements and collection calls resume.
SPRING_FESTIVAL = {
    2023: date(2023, 1, 22),
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    2030: date(2030, 2, 3),
}
# Monday to Sunday: people write after the weekend and far less on it.
WEEKDAY_FACTORS = (1.18, 1.08, 1.05, 1.02, 0.97, 0.46, 0.38)
# Hour of day of web submissions (0–23).
WEB_HOURS = (1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 4, 6, 7, 6, 4, 5, 6, 6, 5, 4, 3, 4, 5, 5, 4, 2)
# Office hours for what staff enter from the phone, letters and visits.
OFFICE_HOURS = (0, 0, 0, 0, 0, 0, 0, 0, 3, 6, 6, 5, 1, 3, 5, 5, 4, 0, 0, 0, 0, 0, 0, 0)

VIA_WEIGHTS: tuple[tuple[str, int], ...] = (
    (Complaint.Via.WEB, 64),
    (Complaint.Via.PHONE, 22),
    (Complaint.Via.WALK_IN, 7),
    (Complaint.Via.LETTER, 5),
    (Complaint.Via.API, 2),
)
VIA_PREFIX: dict[str, str] = {
    Complaint.Via.PHONE: "来电反映：",
    Complaint.Via.WALK_IN: "来访反映：",
    Complaint.Via.LETTER: "来信反映：",
    Complaint.Via.API: "12378热线工单转入。来电人反映：",
}

# ---------------------------------------------------------------------------------------------
# Invented people.

SURNAMES = (
    ("王", 7.1), ("李", 7.0), ("张", 6.8), ("刘", 5.4), ("陈", 3.5), ("杨", 3.1), ("赵", 2.6), ("孙", 2.2),
    ("于", 1.6), ("周", 1.5), ("吴", 1.4), ("徐", 1.3), ("高", 1.3), ("马", 1.2), ("姜", 1.2), ("黄", 1.1),
    ("朱", 1.0), ("郭", 1.0), ("胡", 0.9), ("韩", 0.9), ("宋", 0.8), ("曲", 0.6), ("董", 0.7), ("冯", 0.6),
    ("崔", 0.6), ("金", 0.6), ("付", 0.6), ("曹", 0.5), ("许", 0.5), ("吕", 0.5), ("魏", 0.5), ("田", 0.5),
    ("邢", 0.4), ("梁", 0.4), ("白", 0.4), ("任", 0.4), ("尹", 0.4), ("丁", 0.4), ("姚", 0.3), ("隋", 0.3),
    ("谷", 0.3), ("关", 0.3), ("佟", 0.3), ("鲁", 0.3), ("苏", 0.3), ("贾", 0.3), ("邹", 0.2), ("薛", 0.2),
)  # fmt: skip
# Common surnames of Korean Chinese, for complainants in 延边 and 长白.
KOREAN_SURNAMES = ("金", "朴", "崔", "李", "郑", "姜", "张", "全", "韩", "南", "玄", "申")
MALE_CHARS = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林洋志国建海东春峰成立文振德永庆利"
FEMALE_CHARS = "丽娟敏静秀艳芳娜霞玲燕红梅婷雪慧颖琳洁欣悦佳莉萍兰凤春月丹晶璐倩妍淑彤萌桂荣"
# Mobile number prefixes in use by the three carriers.
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151",
    "152", "155", "156", "157", "158", "159", "166", "173", "175", "176", "177", "178",
    "180", "181", "182", "183", "185", "186", "187", "188", "189", "191", "193", "195",
    "198", "199",
)  # fmt: skip
STREETS = (
    "人民大街", "解放大路", "自由大路", "亚泰大街", "重庆路", "南湖大路", "卫星路", "普阳街", "西安大路",
    "延安大街", "吉林大路", "东盛大街", "长春大街", "临河街", "硅谷大街", "前进大街", "北京大街", "光明路",
    "建设街", "新华街", "和平路", "友谊路", "中华路", "胜利路", "青年路", "民主街", "繁荣路", "富民街",
)  # fmt: skip
RELATIVES = ("我母亲", "我父亲", "我爱人", "我单位领导", "我的同事", "我女儿", "我姐姐", "我的朋友")
COLLECTION_AGENTS = ("某资产管理公司", "一家自称律师事务所的机构", "外包催收公司", "某信息咨询公司")
WM_NAMES = ("稳享", "安鑫", "惠利", "盈丰", "月月享", "季季红", "添利", "恒盈")

# ---------------------------------------------------------------------------------------------
# A snapshot of the reference data the generator draws from.


def prefecture_of(code: str) -> str:
    return code[:4] + "00"


def _brand(head: Institution) -> str:
    """The name people use for an institution: 工商银行, not 中国工商银行股份有限公司吉林省分行."""
    name = head.short_name or head.name
    for suffix in ("吉林省分行", "吉林省分公司", "吉林分公司", "吉林分行", "长春分行", "长春分公司"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


@dataclass
class DemoReference:
    """Everything the generator needs from the database, read once."""

    now: datetime
    today: date
    exceptions: dict[date, bool]
    rule_set: DeadlineRuleSet
    regions: dict[str, Region]
    counties: dict[str, tuple[list[str], list[float]]]  # prefecture code -> county codes and weights
    institutions: dict[int, Institution]
    heads: dict[int, int]  # institution id -> its head office's id
    trees: dict[int, list[int]]  # head office id -> every node of its tree
    leaves: set[int]
    topics: list[Topic]
    business: dict[str, Category]  # topic key -> category
    groups: dict[str, tuple[list[int], list[float]]]  # topic key -> head offices and their weights
    causes: dict[str, Category]
    channels: dict[str, Category]
    labels: dict[tuple[str, str], Label]
    authorities: dict[str, Authority]
    insurers: list[str]

    @classmethod
    def load(cls, now: datetime | None = None, *, supervised_only: bool = False) -> "DemoReference":
        """The reference data as of `now`; `supervised_only` leaves out institutions no authority
        supervises on that day (a benchmark measures accepted work, and intake refuses the others)."""
        now = now or timezone.now()
        today = timezone.localdate(now)
        regions = {r.code: r for r in Region.objects.all()}
        counties: dict[str, tuple[list[str], list[float]]] = {}
        for code, region in sorted(regions.items()):
            if region.level == Region.Level.COUNTY and prefecture_of(code) in PREFECTURE_WEIGHTS:
                codes, weights = counties.setdefault(prefecture_of(code), ([], []))
                codes.append(code)
                # Urban districts hold most of a prefecture's people; county-level cities more than counties.
                weights.append(3.0 if region.name.endswith("区") else 1.5 if region.name.endswith("市") else 1.0)
        institutions = {i.pk: i for i in Institution.objects.filter(is_active=True).select_related("type", "region")}
        if supervised_only:
            institutions = {
                pk: i for pk, i in institutions.items() if supervision_line_for(institution=i, on=today) is not None
            }
        heads: dict[int, int] = {}
        for pk in institutions:
            node = pk
            while (parent := institutions[node].parent_id) is not None and parent in institutions:
                node = parent
            heads[pk] = node
        trees: dict[int, list[int]] = {}
        for pk in sorted(institutions):
            trees.setdefault(heads[pk], []).append(pk)
        parents = {i.parent_id for i in institutions.values() if i.parent_id}
        leaves = {pk for pk in institutions if pk not in parents}

        categories = list(Category.objects.filter(is_active=True))
        by_id = {c.pk: c for c in categories}
        business_nodes = [c for c in categories if c.dimension == Category.Dimension.BUSINESS]

        def chain(c: Category) -> list[str]:
            names = [c.name]
            while c.parent_id in by_id:
                c = by_id[c.parent_id]
                names.append(c.name)
            return list(reversed(names))

        def resolve(path: tuple[str, ...]) -> Category | None:
            while path:
                for node in business_nodes:
                    names = chain(node)
                    if names[-1] == path[-1] and _is_subsequence(path[:-1], names[:-1]):
                        return node
                path = path[:-1]
            return None

        topics: list[Topic] = []
        business: dict[str, Category] = {}
        groups: dict[str, tuple[list[int], list[float]]] = {}
        for topic in TOPICS:
            category = resolve(topic.category)
            multipliers = dict(topic.types)
            heads_ = [h for h in sorted(trees) if institutions[h].type.code in multipliers]
            if category is None or not heads_:
                continue  # the reference data lacks this kind of complaint or institution: leave it out
            sizes = size_figures_for(heads_, today.year)
            weights = [float(_size_weight(sizes.get(h))) * multipliers[institutions[h].type.code] for h in heads_]
            topics.append(topic)
            business[topic.key] = category
            groups[topic.key] = (heads_, weights)

        return cls(
            now=now,
            today=today,
            exceptions=calendar_exceptions(),
            rule_set=rule_set_for(today),
            regions=regions,
            counties=counties,
            institutions=institutions,
            heads=heads,
            trees=trees,
            leaves=leaves,
            topics=topics,
            business=business,
            groups=groups,
            causes={c.name: c for c in categories if c.dimension == Category.Dimension.CAUSE},
            channels={c.name: c for c in categories if c.dimension == Category.Dimension.CHANNEL},
            labels={(label.kind, label.code): label for label in Label.objects.filter(is_active=True)},
            authorities={a.code: a for a in Authority.objects.all()},
            insurers=sorted({_brand(institutions[h]) for h in trees if institutions[h].type.code == "life-insurer"}),
        )

    def brand(self, institution_id: int) -> str:
        return _brand(self.institutions[self.heads[institution_id]])

    def display(self, institution_id: int) -> str:
        institution = self.institutions[institution_id]
        return institution.short_name or institution.name

    def label(self, kind: str, code: str) -> Label | None:
        return self.labels.get((kind, code))

    @cached_property
    def category_codes(self) -> dict[int, str]:
        nodes = (*self.business.values(), *self.causes.values(), *self.channels.values())
        return {c.pk: c.code for c in nodes}

    @cached_property
    def label_codes(self) -> dict[int, str]:
        return {label.pk: label.code for label in self.labels.values()}


def _size_weight(figure: SizeFigure | None) -> int:
    """How much of the province's complaints a head office draws: its customers, or 5,000 per outlet."""
    if figure is None:
        return 5000
    return figure.personal_customers or (figure.outlets or 1) * 5000


def _is_subsequence(needle: Sequence[str], haystack: Sequence[str]) -> bool:
    it = iter(haystack)
    return all(any(name == hay for hay in it) for name in needle)


# ---------------------------------------------------------------------------------------------
# Complaints as filed.


@dataclass(frozen=True)
class Person:
    name: str
    gender: str  # "m" or "f"
    birth: date
    region_code: str
    phone: str
    id_number: str
    address: str


@dataclass
class ComplaintSpec:
    """One complaint as its complainant files it; ids refer to the reference snapshot."""

    index: int
    topic: str
    received_at: datetime
    via: str
    person: Person
    institution_id: int
    business_id: int
    cause_id: int | None
    channel_id: int | None
    right_ids: list[int]
    demand_ids: list[int]
    tag_ids: list[int]
    amount: Decimal | None
    summary: str
    narrative: str
    consent_publish: bool
    repeat_of: int | None = None
    slots: dict[str, str] = field(default_factory=dict, repr=False)


def money_text(value: Decimal | float) -> str:
    text = f"{Decimal(value):.2f}"
    return text[:-3] if text.endswith(".00") else text


def local_time(moment: datetime) -> datetime:
    return timezone.localtime(moment)


def moment_at(day: date, minutes: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time()) + timedelta(minutes=minutes))


def _date_text(day: date, received: date) -> str:
    return f"{day.month}月{day.day}日" if day.year == received.year else f"{day.year}年{day.month}月{day.day}日"


class SpecGenerator:
    """Draws complaints from one seeded random stream: the same seed and day give the same complaints."""

    def __init__(self, reference: DemoReference, seed: int = DEFAULT_SEED) -> None:
        self.ref = reference
        # Demo data, not secrets: a seeded, reproducible stream is the point.
        self.rng = random.Random(seed)
        self.topics = {t.key: t for t in reference.topics}
        self.topic_keys = [t.key for t in reference.topics]
        self.topic_weights = [t.share for t in reference.topics]
        self.recent: deque[ComplaintSpec] = deque()

    # -- when -----------------------------------------------------------------------------------

    def day_weight(self, day: date) -> float:
        weight = WEEKDAY_FACTORS[day.weekday()]
        official = self.ref.exceptions.get(day)
        if official is False:
            weight = 0.4  # a public holiday
        elif official is True:
            weight = 0.95  # a make-up working weekend (调休)
        festival = SPRING_FESTIVAL.get(day.year)
        if festival is not None and 8 <= (day - festival).days <= 30:
            weight *= 1.45
        if day.month == 3 and 8 <= day.day <= 22:  # around 3·15 金融消费者权益日
            weight *= 2.0 if day.day == 15 else 1.45
        if day.month == 11 and 11 <= day.day <= 30:  # after 双十一 shopping
            weight *= 1.3
        years_back = (self.ref.today - day).days / 365
        return weight * (1 - 0.1 * years_back)  # complaint volumes grow about 10% a year

    def _receipt_time(self, day: date, via: str) -> datetime:
        hours = WEB_HOURS if via == Complaint.Via.WEB else OFFICE_HOURS
        hour = self.rng.choices(range(24), hours)[0]
        moment = moment_at(day, hour * 60 + self.rng.randint(0, 59))
        latest = self.ref.now - timedelta(minutes=2)
        if moment > latest:
            midnight = moment_at(day, 0)
            span = max(0, int((latest - midnight).total_seconds()))
            moment = midnight + timedelta(seconds=self.rng.randint(0, span))
        return moment

    # -- who ------------------------------------------------------------------------------------

    def person(self, prefecture: str, county: str | None = None) -> Person:
        rng = self.rng
        if county is None:
            codes, weights = self.ref.counties.get(prefecture) or ([prefecture], [1.0])
            county = rng.choices(codes, weights)[0]
        gender = rng.choice("mf")
        korean = (prefecture == "222400" or county == "220623") and rng.random() < 0.35
        surname = rng.choice(KOREAN_SURNAMES) if korean else rng.choices(*zip(*SURNAMES, strict=True))[0]
        chars = MALE_CHARS if gender == "m" else FEMALE_CHARS
        given = "".join(rng.choice(chars) for _ in range(1 if rng.random() < 0.3 else 2))
        age = int(rng.triangular(20, 82, 42))
        birth = self.ref.today - timedelta(days=age * 365 + rng.randint(0, 364))
        sequence = rng.randrange(0, 999, 2) + (1 if gender == "m" else 0)  # GB 11643: odd for men
        first17 = f"{county}{birth:%Y%m%d}{sequence:03d}"
        phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"
        address = ""
        if rng.random() < 0.6:
            pref = self.ref.regions.get(prefecture)
            cty = self.ref.regions.get(county)
            address = (
                f"吉林省{pref.name if pref else ''}{cty.name if cty and cty.code != prefecture else ''}"
                f"{rng.choice(STREETS)}{rng.randint(1, 3999)}号{rng.randint(1, 30)}栋"
                f"{rng.randint(1, 6)}单元{rng.randint(1, 28)}0{rng.randint(1, 4)}室"
            )
        return Person(surname + given, gender, birth, county, phone, first17 + id_check_char(first17), address)

    def institution(self, topic: Topic) -> tuple[int, str, str | None]:
        """(institution, complainant's prefecture, complainant's county or None)."""
        rng = self.rng
        heads, weights = self.ref.groups[topic.key]
        head = rng.choices(heads, weights)[0]
        home = prefecture_of(self.ref.institutions[head].region_id)
        if self.ref.institutions[head].type.sector in ("local", "unlicensed") and rng.random() < 0.85:
            prefecture = home  # small local firms serve their own city
        else:
            prefecture = rng.choices(list(PREFECTURE_WEIGHTS), list(PREFECTURE_WEIGHTS.values()))[0]
        nodes = [n for n in self.ref.trees[head] if prefecture_of(self.ref.institutions[n].region_id) == prefecture]
        if not nodes:
            return head, prefecture, None  # no branch there: the complaint goes to the provincial office
        node = rng.choices(nodes, [2.0 if n in self.ref.leaves else 1.0 for n in nodes])[0]
        region = self.ref.institutions[node].region
        county = region.code if region.level == Region.Level.COUNTY and rng.random() < 0.75 else None
        return node, prefecture, county

    # -- what -----------------------------------------------------------------------------------

    def _amount(self, topic: Topic) -> Decimal:
        low, high = topic.amount or (100, 1000)
        value = low * (high / low) ** self.rng.random()
        if value < 1000 or self.rng.random() < 0.6:
            step = 1 if value < 1000 else 10 if value < 20000 else 100
            return Decimal(int(value / step) * step or step)
        return Decimal(value).quantize(Decimal("0.01"), ROUND_HALF_UP)

    def _slots(self, topic: Topic, institution_id: int, person: Person, received: datetime, amount: Decimal) -> dict:
        rng = self.rng
        day = timezone.localdate(received)
        d1 = day - timedelta(days=rng.randint(5, 90))
        d0 = day - timedelta(days=rng.randint(200, 1800))
        bank = self.ref.brand(institution_id)
        rate = rng.choice(("0.60", "0.66", "0.70", "0.75", "0.80"))
        prefecture = self.ref.regions.get(prefecture_of(person.region_code))
        city = prefecture.name.removesuffix("市").removesuffix("朝鲜族自治州") if prefecture else "长春"
        sector = self.ref.institutions[institution_id].type.sector
        slots = {
            "bank": bank,
            "branch": self.ref.display(institution_id),
            "org": "我行" if sector == "banking" else "我公司",
            "d0": f"{d0.year}年{d0.month}月",
            "d1": _date_text(d1, day),
            "amount": money_text(amount),
            "tail": f"{rng.randint(0, 9999):04d}",
            "months": str(rng.choice((3, 6, 12, 24, 36))),
            "overdue": str(rng.randint(2, 8)),
            "rate": rate,
            "apr": f"{float(rate) * 12 * 1.8:.1f}",
            "apr2": rng.choice(("24", "30", "35")),
            "times": str(rng.randint(3, 30)),
            "days": str(rng.randint(3, 15)),
            "relative": rng.choice(RELATIVES),
            "agent": rng.choice(COLLECTION_AGENTS),
            "city": city,
            "app": f"{bank}App",
            "principal": str(rng.randint(5, 60)),
            "principal2": str(rng.randint(3, 50) * 1000),
            "loan_kind": rng.choice(("个人消费贷款", "个人经营贷款", "个人汽车贷款")),
            "wm_product": f"“{rng.choice(WM_NAMES)}”{rng.randint(1, 30)}号净值型理财产品",
            "risk": rng.choice(("中风险（R3）", "中高风险（R4）")),
            "yield_": f"{rng.uniform(3.2, 4.8):.2f}",
            "lpr_rate": rng.choice(("4.90", "5.15", "5.39", "5.88")),
            "new_rate": rng.choice(("3.05", "3.10", "3.15")),
            "years": str(rng.choice((5, 10, 20))),
            "age": str(max(0, (day - person.birth).days // 365)),
            "insurer": rng.choice(self.ref.insurers) if self.ref.insurers else "某保险公司",
            "staff": rng.choice([s for s, _w in SURNAMES[:20]]) + "经理",
            "refund": topic.refund,
        }
        slots["product"] = rng.choice(topic.products).format(**slots)
        return slots

    def spec(
        self,
        index: int,
        topic: Topic,
        received_at: datetime,
        via: str,
        person: Person,
        institution_id: int,
    ) -> ComplaintSpec:
        rng = self.rng
        ref = self.ref
        amount = self._amount(topic)
        slots = self._slots(topic, institution_id, person, received_at, amount)
        tags = []
        story = rng.randrange(len(topic.stories))
        parts = [VIA_PREFIX.get(via, ""), topic.stories[story].format(**slots)]
        if rng.random() < 0.8:
            parts.append(rng.choice(CONTACTS).format(**slots) + rng.choice(topic.staff).format(**slots))
        for sentence, tag, chance in EXTRAS:
            if rng.random() < chance:
                parts.append(sentence)
                tags.append(tag)
        demands = [topic.demands[0]] + [d for d in topic.demands[1:] if rng.random() < 0.5]
        parts.extend(rng.choice(CLOSINGS[d]).format(**slots) for d in demands)
        if rng.random() < PHONE_IN_NARRATIVE:
            parts.append(f"我的联系电话是{person.phone}。")
        age = int(slots["age"])
        if age >= 65 and rng.random() < 0.6:
            tags.append("vulnerable")
        if via == Complaint.Via.LETTER and rng.random() < 0.3:
            tags.append("petition")
        if topic.fundraising and rng.random() < 0.4:
            tags.append("collective")
        rights = [topic.rights[0]] + [r for r in topic.rights[1:] if rng.random() < 0.4]
        causes = [(ref.causes[name], w) for name, w in topic.causes if name in ref.causes]
        channels = [ref.channels[name] for name in topic.channels if name in ref.channels]
        return ComplaintSpec(
            index=index,
            topic=topic.key,
            received_at=received_at,
            via=via,
            person=person,
            institution_id=institution_id,
            business_id=ref.business[topic.key].pk,
            cause_id=rng.choices(*zip(*causes, strict=True))[0].pk if causes else None,
            channel_id=rng.choice(channels).pk if channels else None,
            right_ids=[label.pk for code in rights if (label := ref.label(Label.Kind.RIGHT, code))],
            demand_ids=[label.pk for code in demands if (label := ref.label(Label.Kind.DEMAND, code))],
            tag_ids=[label.pk for code in dict.fromkeys(tags) if (label := ref.label(Label.Kind.SENSITIVITY, code))],
            amount=None if rng.random() < topic.amount_optional else amount,
            summary=topic.summaries[story % len(topic.summaries)].format(**slots)[:120],
            narrative="".join(parts),
            consent_publish=rng.random() < 0.35,
            slots=slots,
        )

    def _repeat(self, index: int, received_at: datetime) -> ComplaintSpec | None:
        """The same person about the same thing again, a few days to weeks later: flagged as a duplicate."""
        while self.recent and (received_at - self.recent[0].received_at).days > 25:
            self.recent.popleft()
        # `recent` holds first complaints only, in order of receipt: those 3 days old or more are a prefix.
        earlier = bisect.bisect_right(self.recent, received_at - timedelta(days=3), key=lambda s: s.received_at)
        if not earlier:
            return None
        original = self.recent[self.rng.randrange(earlier)]
        prefix = VIA_PREFIX.get(original.via, "")
        return replace(
            original,
            index=index,
            received_at=received_at,
            narrative=prefix + "此前已就此事投诉，至今未得到解决，再次投诉。" + original.narrative[len(prefix) :],
            repeat_of=original.index,
            slots=dict(original.slots),
        )

    def iter_specs(self, n: int, *, start: int = 0) -> Iterator[ComplaintSpec]:
        """n complaints over the HISTORY_DAYS days up to now, in order of receipt."""
        if not self.topic_keys:
            raise ValueError(
                "The reference data has no institutions or categories to complain about; run load_reference."
            )
        rng = self.rng
        days = [self.ref.today - timedelta(days=k) for k in range(HISTORY_DAYS - 1, -1, -1)]
        counts = Counter(rng.choices(range(len(days)), [self.day_weight(d) for d in days], k=n))
        vias, via_weights = [via for via, _w in VIA_WEIGHTS], [w for _v, w in VIA_WEIGHTS]
        index = start
        for position, day in enumerate(days):
            receipts = []
            for _i in range(counts.get(position, 0)):
                via = rng.choices(vias, via_weights)[0]
                if via != Complaint.Via.WEB and not is_workday(day, self.ref.exceptions):
                    via = Complaint.Via.WEB  # staff enter calls and letters on working days
                receipts.append((self._receipt_time(day, via), via))
            for received_at, via in sorted(receipts):
                spec = self._repeat(index, received_at) if rng.random() < 0.02 else None
                if spec is None:
                    topic = self.topics[rng.choices(self.topic_keys, self.topic_weights)[0]]
                    institution_id, prefecture, county = self.institution(topic)
                    spec = self.spec(index, topic, received_at, via, self.person(prefecture, county), institution_id)
                    self.recent.append(spec)
                index += 1
                yield spec


def payload(reference: DemoReference, spec: ComplaintSpec) -> dict[str, Any]:
    """A complaint as the API's create fields (institution by credit code, categories and labels by code),
    plus `received_at` in local time without a zone, for benchmarks that write rows themselves."""
    categories, labels = reference.category_codes, reference.label_codes
    return {
        "institution": reference.institutions[spec.institution_id].uscc,
        "business": categories[spec.business_id],
        "channel": categories[spec.channel_id] if spec.channel_id else None,
        "cause": categories[spec.cause_id] if spec.cause_id else None,
        "summary": spec.summary,
        "narrative": spec.narrative,
        "complainant_name": spec.person.name,
        "phone": spec.person.phone,
        "id_number": spec.person.id_number,
        "amount": f"{spec.amount:.2f}" if spec.amount is not None else None,
        "consent_publish": spec.consent_publish,
        "rights": [labels[pk] for pk in spec.right_ids],
        "demands": [labels[pk] for pk in spec.demand_ids],
        "region": spec.person.region_code,
        "received_at": timezone.localtime(spec.received_at).replace(tzinfo=None),
    }


def generate_specs(n: int, *, seed: int = DEFAULT_SEED, reference: DemoReference | None = None) -> list[ComplaintSpec]:
    """n realistic complaints over the last 24 months, without writing anything (for benchmarks too)."""
    return list(SpecGenerator(reference or DemoReference.load(), seed).iter_specs(n))
