"""The rules of triage as shipped: scheme words and their weights, the benchmark rate, the reward tiers.

All of it is editable data (admin, with history); what is here only seeds an empty table, so an
administrator's edit is never overwritten by a later run. The data migration and a fresh test
database call the same loader.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.apps import apps as global_apps
from django.apps.registry import Apps

from xiaobao.tipoffs.models import BenchmarkRate, TriageSettings

# Scheme words of domain.md §7 (条例 Art. 19 forms and the words found in schemes' own material), with
# the points a hit adds to the pre-score. A promise of principal and returns is the legal core of illegal
# fundraising (条例 Art. 2), so the words that promise it weigh most; words that also describe lawful
# business (区块链, 会员卡, 互助) weigh least. The sum of hits is capped by TriageSettings.keyword_cap.
RISK_KEYWORDS: tuple[tuple[str, int], ...] = (
    ("稳赚不赔", 15),
    ("保本保息", 15),
    ("零风险", 15),
    ("保本", 10),
    ("保息", 10),
    ("高息", 10),
    ("日息", 10),
    ("拉人头", 12),
    ("发展下线", 12),
    ("原始股", 10),
    ("股权众筹", 10),
    ("售后包租", 10),
    ("固定收益", 8),
    ("返利", 8),
    ("返租", 8),
    ("以房养老", 8),
    ("代种植", 8),
    ("代养殖", 8),
    ("虚拟币", 6),
    ("矿机", 6),
    ("回购", 6),
    ("养老公寓", 6),
    ("返现", 5),
    ("区块链", 4),
    ("元宇宙", 4),
    ("会员卡", 4),
    ("储值卡", 4),
    ("扶贫", 4),
    ("互助", 4),
)

# The one-year rate promised returns are compared with (editable; add a row when the rate changes).
# Until 2019-08-20 the reference was the PBoC one-year loan base rate (4.35% since 2015-10-24); from
# then on the one-year Loan Prime Rate published on the 20th (or the next working day) of each month,
# listed here only on the months it changed. The Supreme People's Court ties its ceiling on private
# lending interest to 4 × the one-year LPR (法释〔2020〕17号), which is where yield_multiple's 4 comes from.
BENCHMARK_RATES: tuple[tuple[date, str, Decimal], ...] = (
    (date(2015, 10, 24), "一年期贷款基准利率", Decimal("4.35")),
    (date(2019, 8, 20), "一年期LPR", Decimal("4.25")),
    (date(2019, 9, 20), "一年期LPR", Decimal("4.20")),
    (date(2019, 11, 20), "一年期LPR", Decimal("4.15")),
    (date(2020, 2, 20), "一年期LPR", Decimal("4.05")),
    (date(2020, 4, 20), "一年期LPR", Decimal("3.85")),
    (date(2021, 12, 20), "一年期LPR", Decimal("3.80")),
    (date(2022, 1, 20), "一年期LPR", Decimal("3.70")),
    (date(2022, 8, 22), "一年期LPR", Decimal("3.65")),
    (date(2023, 6, 20), "一年期LPR", Decimal("3.55")),
    (date(2023, 8, 21), "一年期LPR", Decimal("3.45")),
    (date(2024, 7, 22), "一年期LPR", Decimal("3.35")),
    (date(2024, 10, 21), "一年期LPR", Decimal("3.10")),
    (date(2025, 5, 20), "一年期LPR", Decimal("3.00")),
)

# Reward tiers are set by local rules; Jilin's are not published, so Tianjin's serve as the example
# (domain.md §7): 500–1,000 元 when a clue is opened, 2,000–10,000 on disposal, up to 50,000 for major cases.
REWARD_TIERS: tuple[dict[str, Any], ...] = (
    {
        "name": "立案奖励",
        "min_amount": Decimal("500"),
        "max_amount": Decimal("1000"),
        "condition": "实名首报，线索经核查属实并立为线索核查",
        "sort": 10,
    },
    {
        "name": "处置奖励",
        "min_amount": Decimal("2000"),
        "max_amount": Decimal("10000"),
        "condition": "实名首报，案件移送公安机关或处置完毕",
        "sort": 20,
    },
    {
        "name": "重大案件奖励",
        "min_amount": Decimal("10000"),
        "max_amount": Decimal("50000"),
        "condition": "实名首报，重大案件经领导小组审定",
        "sort": 30,
    },
)

# The first TriageSettings row takes effect with the regulation (国务院令第737号, in force 2021-05-01);
# its values are the model's defaults.
TRIAGE_SETTINGS_FROM = date(2021, 5, 1)


def rules_load(*, apps: Apps | None = None) -> dict[str, int]:
    """Create the shipped rules that are missing, matched by word, date and tier name; rows already
    there, edited or not, are left alone, and a deleted one comes back only when this runs again.

    apps is the historical registry when called from a data migration. Returns rows created per kind.
    """
    registry = apps or global_apps
    keyword_model = registry.get_model("tipoffs", "RiskKeyword")
    rate_model = registry.get_model("tipoffs", "BenchmarkRate")
    tier_model = registry.get_model("tipoffs", "RewardTier")
    settings_model = registry.get_model("tipoffs", "TriageSettings")
    created = {"keywords": 0, "benchmark_rates": 0, "reward_tiers": 0, "triage_settings": 0}
    for word, weight in RISK_KEYWORDS:
        _keyword, made = keyword_model.objects.get_or_create(word=word, defaults={"weight": weight})
        created["keywords"] += made
    for valid_from, name, rate in BENCHMARK_RATES:
        _rate, made = rate_model.objects.get_or_create(valid_from=valid_from, defaults={"name": name, "rate": rate})
        created["benchmark_rates"] += made
    for tier in REWARD_TIERS:
        _tier, made = tier_model.objects.get_or_create(name=tier["name"], defaults=tier)
        created["reward_tiers"] += made
    if not settings_model.objects.exists():
        settings_model.objects.create(valid_from=TRIAGE_SETTINGS_FROM)
        created["triage_settings"] += 1
    return created


def triage_settings_for(on: date) -> TriageSettings:
    """The settings in force on that day; the model's defaults when an administrator has none in force."""
    found = TriageSettings.objects.filter(valid_from__lte=on).order_by("-valid_from").first()
    return found or TriageSettings(valid_from=TRIAGE_SETTINGS_FROM)


def benchmark_rate_for(on: date) -> BenchmarkRate | None:
    """The benchmark rate in force on that day: the latest one that started on or before it."""
    return BenchmarkRate.objects.filter(valid_from__lte=on).order_by("-valid_from").first()


def name_words(settings: TriageSettings) -> list[str]:
    """条例 Art. 9 words as the administrator wrote them, separated by ASCII or full-width commas."""
    return [w.strip() for w in settings.name_words.replace("，", ",").replace("、", ",").split(",") if w.strip()]
