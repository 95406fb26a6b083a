"""The illegal-fundraising risk index of one watched entity: five dimensions, as Shenzhen's 海豚指数.

Each dimension scores 0–100 from the rules in force (RiskIndexSettings) and the triage rules the
reporting channel already keeps (tipoffs: scheme words and their weights, the 条例 Art. 9 name words,
the benchmark rate and its multiple, the prosecution thresholds); the index is their weighted mean.
Every point comes with its reason in words, so an officer can check the figure by hand.
"""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaobao.complaints.models import Complaint
from xiaobao.registry.models import Institution, InstitutionType
from xiaobao.tipoffs.models import Report, TriageSettings
from xiaobao.tipoffs.rules import benchmark_rate_for, name_words, triage_settings_for
from xiaobao.tipoffs.services.matching import entity_keys, normalise_name
from xiaobao.tipoffs.services.scoring import is_licensed, keyword_hits
from xiaobao.warning.models import RiskIndexSettings, WatchEntity
from xiaobao.warning.selectors import local_midnight

DIMENSIONS = ("compliance", "yield", "reports", "spread", "keywords")

# A promised rate in advertising or a report's story: "年化18%", "月息2%", "日息0.5%".
_RATE = re.compile(
    r"(年化|年收益|年息|月息|月收益|日息|日收益|收益率|回报率|利息)[^0-9%％]{0,6}(\d{1,3}(?:\.\d{1,3})?)\s*[%％]"
)
# Rates per month or day are annualised by simple interest, as schemes quote them.
_PER_YEAR = {"月": 12, "日": 365}

# Channels by which a scheme spreads (条例 Art. 19: media and instant messaging).
_CHANNEL_WORDS = {
    "social": ("微信", "公众号", "群", "抖音", "快手", "直播", "朋友圈", "QQ"),
    "website": ("http", "www.", "网站", "网址"),
    "app": ("App", "APP", "app", "小程序", "客户端"),
    "offline": ("讲座", "会议", "门店", "传单", "推介会", "旅游", "体检"),
}


@dataclass
class Dimension:
    code: str
    score: int
    weight: int
    reasons: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "score": self.score, "weight": self.weight, "reasons": self.reasons}


@dataclass
class Result:
    score: Decimal
    level: str
    dimensions: list[Dimension]


def entity_keys_for(*, name: str, uscc: str) -> list[str]:
    """The keys reports about this company carry (tipoffs' own grouping keys)."""
    return entity_keys(subject_kind=Report.SubjectKind.COMPANY, subject_name=name, subject_uscc=uscc)


def reports_about(entity: WatchEntity, *, until: date) -> list[Report]:
    keys = set(entity.keys)
    if not keys:
        return []
    found = (
        Report.objects.filter(received_at__lt=local_midnight(until + timedelta(days=1)))
        .select_related("subject_region")
        .order_by("received_at")
    )
    return [r for r in found if keys.intersection(r.keys)]


def complaints_about(entity: WatchEntity) -> Any:
    match = Q(name=entity.name.strip())
    if entity.uscc:
        match |= Q(uscc=entity.uscc)
    if entity.institution_id:
        match |= Q(pk=entity.institution_id)
    ids = list(Institution.objects.filter(match).values_list("pk", flat=True))
    ids += list(Institution.objects.filter(parent_id__in=ids).values_list("pk", flat=True))
    return Complaint.objects.filter(institution_id__in=ids)


def promised_rates(texts: list[str]) -> list[tuple[Decimal, str]]:
    """Annual rates found in the texts, each with the words it was found in."""
    found = []
    for text in texts:
        for m in _RATE.finditer(text or ""):
            rate = Decimal(m.group(2)) * _PER_YEAR.get(m.group(1)[0], 1)
            found.append((rate, m.group(0)))
    return found


def _pct(value: Decimal | float) -> str:
    return format(Decimal(str(value)).quantize(Decimal("0.01")).normalize(), "f")


def risk_index(entity: WatchEntity, *, as_of: date, rules: RiskIndexSettings) -> Result:
    triage = triage_settings_for(as_of)
    reports = reports_about(entity, until=as_of)
    complaints = complaints_about(entity).filter(received_at__lt=local_midnight(as_of + timedelta(days=1)))
    dims = [
        _compliance(entity, rules, triage),
        _yield(entity, reports, rules, triage, as_of),
        _reports(reports, complaints, rules, as_of),
        _spread(entity, reports, complaints, rules, triage),
        _keywords(entity, reports, rules, triage),
    ]
    total_weight = sum(d.weight for d in dims) or 1
    score = (Decimal(sum(d.score * d.weight for d in dims)) / total_weight).quantize(Decimal("0.1"))
    return Result(score=score, level=rules.level_for(float(score)), dimensions=dims)


def _compliance(entity: WatchEntity, rules: RiskIndexSettings, triage: TriageSettings) -> Dimension:
    dim = Dimension("compliance", 0, rules.weight_compliance)
    licensed = (
        entity.institution is not None and entity.institution.type.sector != InstitutionType.Sector.UNLICENSED
    ) or is_licensed(name=entity.name, uscc=entity.uscc)
    if licensed:
        dim.reasons.append(_("持牌金融机构，合规性不计分。"))
        return dim
    dim.score = rules.unlicensed_points
    dim.reasons.append(_("不是登记在册的持牌金融机构，计 %(points)s 分。") % {"points": rules.unlicensed_points})
    text = normalise_name(entity.name) + entity.business_scope
    found = [w for w in name_words(triage) if w in text]
    if found:
        dim.score = min(100, dim.score + rules.name_word_points)
        dim.reasons.append(
            _("名称或经营范围含“%(words)s”字样（条例第9条禁止无牌主体使用），加 %(points)s 分。")
            % {"words": "、".join(found), "points": rules.name_word_points}
        )
    return dim


def _yield(
    entity: WatchEntity, reports: list[Report], rules: RiskIndexSettings, triage: TriageSettings, as_of: date
) -> Dimension:
    dim = Dimension("yield", 0, rules.weight_yield)
    rates: list[tuple[Decimal, str]] = [
        (r.promised_return, _("举报 %(number)s") % {"number": r.number})
        for r in reports
        if r.promised_return is not None
    ]
    rates += promised_rates([entity.ad_texts, *(r.scheme for r in reports)])
    benchmark = benchmark_rate_for(as_of)
    if not rates or benchmark is None or benchmark.rate <= 0:
        dim.reasons.append(_("未发现承诺收益率。"))
        return dim
    rate, where = max(rates, key=lambda x: x[0])
    ratio = rate / benchmark.rate
    multiple = triage.yield_multiple
    if ratio <= 1:
        points = 0
    elif multiple <= 1 or ratio >= multiple:
        points = 100
    else:
        points = int((100 * (ratio - 1) / (multiple - 1)).to_integral_value())
    dim.score = points
    dim.reasons.append(
        _(
            "最高承诺年化收益率 %(rate)s%%（%(where)s），是%(name)s %(bench)s%% 的 %(ratio)s 倍；"
            "达到 %(multiple)s 倍计满分，计 %(points)s 分。"
        )
        % {
            "rate": _pct(rate),
            "where": where,
            "name": benchmark.name,
            "bench": _pct(benchmark.rate),
            "ratio": _pct(ratio),
            "multiple": _pct(multiple),
            "points": points,
        }
    )
    return dim


def _reports(reports: list[Report], complaints: Any, rules: RiskIndexSettings, as_of: date) -> Dimension:
    dim = Dimension("reports", 0, rules.weight_reports)
    days = rules.growth_days
    recent_from = as_of - timedelta(days=days - 1)
    previous_from = recent_from - timedelta(days=days)
    dates = [timezone.localdate(r.received_at) for r in reports]
    dates += [timezone.localdate(at) for at in complaints.values_list("received_at", flat=True)]
    n = len(dates)
    if not n:
        dim.reasons.append(_("没有举报或投诉。"))
        return dim
    volume = min(rules.report_cap, rules.report_points * n)
    dim.reasons.append(
        _("举报 %(reports)s 件、投诉 %(complaints)s 件，每件 %(each)s 分，计 %(points)s 分（上限 %(cap)s 分）。")
        % {
            "reports": len(reports),
            "complaints": n - len(reports),
            "each": rules.report_points,
            "points": volume,
            "cap": rules.report_cap,
        }
    )
    recent = sum(1 for d in dates if d >= recent_from)
    previous = sum(1 for d in dates if previous_from <= d < recent_from)
    growth = 0
    if recent >= 2 and recent >= rules.growth_ratio * max(previous, 1):
        growth = rules.growth_points
        dim.reasons.append(
            _("近 %(days)s 天 %(recent)s 件，此前 %(days)s 天 %(previous)s 件，增长达 %(ratio)s 倍，加 %(points)s 分。")
            % {
                "days": days,
                "recent": recent,
                "previous": previous,
                "ratio": _pct(rules.growth_ratio),
                "points": growth,
            }
        )
    dim.score = min(100, volume + growth)
    return dim


def _spread(
    entity: WatchEntity, reports: list[Report], complaints: Any, rules: RiskIndexSettings, triage: TriageSettings
) -> Dimension:
    dim = Dimension("spread", 0, rules.weight_spread)
    people = max((r.people or 0 for r in reports), default=0)
    people_points = 0
    if people:
        share = min(Decimal(1), Decimal(people) / max(triage.prosecution_people, 1))
        people_points = int((rules.people_points * share).to_integral_value())
        dim.reasons.append(
            _("举报称涉及 %(people)s 人（追诉标准 %(threshold)s 人），计 %(points)s 分。")
            % {"people": people, "threshold": triage.prosecution_people, "points": people_points}
        )
    channels: set[str] = set()
    for r in reports:
        if r.websites.strip():
            channels.add("website")
        if r.apps.strip():
            channels.add("app")
        if r.social_accounts.strip():
            channels.add("social")
        if r.promoted_where.strip():
            channels.add("offline")
    texts = " ".join([entity.ad_texts, *(r.promoted_where for r in reports)])
    for kind, words in _CHANNEL_WORDS.items():
        if any(w in texts for w in words):
            channels.add(kind)
    names = {"website": _("网站"), "app": _("App 或小程序"), "social": _("社交媒体或聊天群"), "offline": _("线下推介")}
    channel_points = min(rules.channel_cap, rules.channel_points * len(channels))
    if channels:
        dim.reasons.append(
            _("通过%(channels)s传播，计 %(points)s 分。")
            % {"channels": "、".join(str(names[c]) for c in sorted(channels)), "points": channel_points}
        )
    prefectures = {entity.region.prefecture_code}
    prefectures |= {r.subject_region.prefecture_code for r in reports}
    prefectures |= {code[:4] + "00" for code in complaints.exclude(region=None).values_list("region_id", flat=True)}
    region_points = min(rules.region_cap, rules.region_points * (len(prefectures) - 1))
    if region_points:
        dim.reasons.append(
            _("涉及 %(n)s 个市（州），计 %(points)s 分。") % {"n": len(prefectures), "points": region_points}
        )
    dim.score = min(100, people_points + channel_points + region_points)
    if not dim.reasons:
        dim.reasons.append(_("未发现涉众传播迹象。"))
    return dim


def _keywords(
    entity: WatchEntity, reports: list[Report], rules: RiskIndexSettings, triage: TriageSettings
) -> Dimension:
    dim = Dimension("keywords", 0, rules.weight_keywords)
    hits, points = keyword_hits(
        " ".join([entity.name, entity.business_scope, entity.ad_texts, *(r.scheme for r in reports)])
    )
    if not hits:
        dim.reasons.append(_("未命中特征词。"))
        return dim
    cap = max(triage.keyword_cap, 1)
    dim.score = min(100, round(100 * min(points, cap) / cap))
    dim.reasons.append(
        _("命中特征词“%(words)s”，权重合计 %(points)s（满分 %(cap)s），计 %(score)s 分。")
        % {"words": "、".join(hits), "points": points, "cap": cap, "score": dim.score}
    )
    return dim
