"""Demo evaluations and a satisfaction survey, through the real services: two published years of the national
scheme (rankings, radar charts, year on year), the current year being scored, and one published survey with
answers. Needs the demo accounts; a second run does nothing."""

import random
import secrets
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from django.db import transaction
from django.utils import timezone

from xiaobao.accounts.models import User
from xiaobao.demo.accounts import DEMO_REGULATOR
from xiaobao.ratings import services
from xiaobao.ratings.models import Indicator, IndicatorScore, Period, Scheme
from xiaobao.registry.models import Institution

SHANGHAI = ZoneInfo("Asia/Shanghai")
MARKER = "（演示）"
QUESTIONS = [
    "营业网点和线上渠道的服务态度",
    "产品收费和风险提示是否清楚",
    "投诉渠道是否方便、处理是否及时",
    "总体满意程度",
]
MANUAL_NOTES = ["制度健全，执行记录完整", "制度齐全，部分分支机构执行不到位", "材料不全，考核问责未落实"]


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=SHANGHAI)


def ratings_seed(*, seed: int = 2026) -> str | None:
    """Two published years, a survey, the current year being scored; None when the demo periods are there."""
    if Period.objects.filter(name__endswith=MARKER).exists():
        return None
    regulator = User.objects.get(username=DEMO_REGULATOR)
    assert regulator.authority is not None  # demo_accounts_write gives the demo regulator its authority
    rng = random.Random(seed)
    scheme = Scheme.objects.get(code="cbirc-2021", is_current=True)
    today = timezone.localdate()
    with transaction.atomic():
        institutions = services.institutions_supervised_by(regulator.authority, today)
        # Each institution keeps a character from year to year, so the comparison means something.
        quality = {i.pk: rng.uniform(55, 95) for i in institutions}
        banks = User.objects.filter(username__in=["demo-bank", "demo-bank2"], institution__isnull=False)
        staff = {u.institution_id: u for u in banks if u.institution_id is not None}
        for year in (today.year - 2, today.year - 1):
            _published_year(year, scheme, regulator, institutions, quality, staff, rng)
        _survey(regulator, rng)
        _scoring_year(today.year, scheme, regulator, institutions)
    return f"ratings: {len(institutions)} institutions, 3 periods, 1 survey"


def _published_year(
    year: int,
    scheme: Scheme,
    regulator: User,
    institutions: list[Institution],
    quality: dict[int, float],
    staff: dict[int, User],
    rng: random.Random,
) -> None:
    with time_machine.travel(_at(date(year, 12, 1)), tick=False):
        period = _open(year, scheme, regulator, institutions)
    with time_machine.travel(_at(date(year + 1, 1, 20)), tick=False):
        for evaluation in period.evaluations.all():
            if evaluation.institution_id in staff:
                services.self_assessment_submit(
                    evaluation=evaluation,
                    text="本机构设立消费者权益保护委员会，全年开展宣传教育活动，投诉按时办结。",
                    by=staff[evaluation.institution_id],
                )
    with time_machine.travel(_at(date(year + 1, 2, 20)), tick=False):
        services.period_compute(period=period, by=regulator)
        rows = IndicatorScore.objects.filter(evaluation__period=period, indicator__kind=Indicator.Kind.MANUAL)
        for row in rows.select_related("evaluation"):
            base = quality[row.evaluation.institution_id] + rng.uniform(-8, 8)
            score = Decimal(str(round(min(max(base, 30), 100))))
            note = MANUAL_NOTES[0 if score >= 85 else 1 if score >= 65 else 2]
            services.indicator_score(row=row, score=score, note=note, by=regulator)
        for evaluation in period.evaluations.all():
            if quality[evaluation.institution_id] < 62:
                services.deduction_add(
                    evaluation=evaluation,
                    reason="现场检查发现营销宣传未充分提示风险",
                    points=Decimal("8"),
                    by=regulator,
                )
        services.period_submit(period=period, by=regulator)
    with time_machine.travel(_at(date(year + 1, 3, 15)), tick=False):
        services.period_publish(period=period, by=regulator)


def _scoring_year(year: int, scheme: Scheme, regulator: User, institutions: list[Institution]) -> None:
    """The current year: open, its automatic indicators computed so far, manual scores still to give."""
    period = _open(year, scheme, regulator, institutions)
    services.period_compute(period=period, by=regulator)


def _open(year: int, scheme: Scheme, regulator: User, institutions: list[Institution]) -> Period:
    """A public evaluation of `year` over the demo regulator's institutions."""
    return services.period_open(
        scheme=scheme,
        name=f"{year}年度消费者权益保护评估{MARKER}",
        start=date(year, 1, 1),
        end=date(year, 12, 31),
        visibility=Period.Visibility.PUBLIC,
        institutions=institutions,
        by=regulator,
    )


def _survey(regulator: User, rng: random.Random) -> None:
    banks = list(
        Institution.objects.filter(
            parent__isnull=True, type__code__in=["state-bank", "joint-stock-bank", "city-bank", "rural-bank"]
        ).order_by("name")[:12]
    )
    questionnaire = services.questionnaire_create(
        title=f"{timezone.localdate().year}年吉林省银行业金融消费者满意度测评{MARKER}",
        run_by="吉林省银行业协会",
        intro="请根据您最近一年在该银行办理业务的感受作答，匿名填写，约需2分钟。",
        questions=QUESTIONS,
        institutions=banks,
        by=regulator,
    )
    questionnaire = services.questionnaire_advance(questionnaire=questionnaire, by=regulator)
    questions = list(questionnaire.questions.all())
    centres = {bank.pk: rng.uniform(3.2, 4.6) for bank in banks}
    for _n in range(240):
        bank = rng.choice(banks)
        values = {q.pk: max(1, min(5, round(rng.gauss(centres[bank.pk], 0.9)))) for q in questions}
        services.response_submit(
            questionnaire=questionnaire,
            institution=bank,
            values=values,
            comment="",
            token=secrets.token_urlsafe(16),
        )
    questionnaire = services.questionnaire_advance(questionnaire=questionnaire, by=regulator)
    questionnaire = services.questionnaire_advance(questionnaire=questionnaire, by=regulator)
