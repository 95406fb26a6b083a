"""The risk pre-score of a report: licence, promised returns, keywords and scale, with the reasons.

Reads reference data (licensed institutions, keywords, rules) and writes nothing."""

from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaobao.core import time as core_time
from xiaobao.core.language import on_the_record
from xiaobao.registry.models import Institution, InstitutionType
from xiaobao.tipoffs.models import (
    Report,
    RiskKeyword,
)
from xiaobao.tipoffs.rules import benchmark_rate_for, name_words, triage_settings_for
from xiaobao.tipoffs.services.matching import plain

# The risk pre-score


def _num(value: Decimal | int) -> str:
    """4.0 as 4 and 12.40 as 12.4: numbers as a person writes them."""
    return format(Decimal(value).normalize(), "f")


def amount_text(value: Decimal | int) -> str:
    """1,200,000 and 1,234.5: amounts in 元 with thousands separators and no trailing zeros."""
    text = f"{Decimal(value):,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def is_licensed(*, name: str, uscc: str = "") -> bool:
    """Whether a company is itself a licensed institution in the register, by name or credit code."""
    match = Q(name=name.strip())
    if uscc:
        match |= Q(uscc=uscc.strip().upper())
    return Institution.objects.filter(match).exclude(type__sector=InstitutionType.Sector.UNLICENSED).exists()


def keyword_hits(text: str) -> tuple[list[str], int]:
    """The active scheme words found in the text, and the sum of their weights (uncapped).

    Keywords are found by plain substring search over the text with spaces and full-width forms
    normalised away. Word segmentation (jieba) is not needed and would do harm: the scheme words are
    fixed phrases, and a segmenter may cut 稳赚不赔 or 保本保息 differently from the word list and
    miss them; a substring search cannot miss one. Longer words are matched first and their text is
    used up, so 保本保息 counts once rather than also as 保本 and 保息.
    """
    text = plain(text)
    hits: list[str] = []
    points = 0
    for keyword in sorted(RiskKeyword.objects.filter(is_active=True), key=lambda k: (-len(k.word), k.word)):
        word = plain(keyword.word)
        if word and word in text:
            hits.append(keyword.word)
            points += keyword.weight
            text = text.replace(word, "\x00")
    return hits, points


@on_the_record
def risk_score_for(report: Report) -> tuple[int, list[str]]:
    """0–100 with its reasons in plain Chinese, from the rules in force on the day of the report."""
    on = timezone.localdate(report.received_at) if report.received_at else core_time.today()
    rules = triage_settings_for(on)
    score = 0
    reasons: list[str] = []

    hits, points = keyword_hits(
        " ".join([report.subject_name, report.scheme, report.promoted_where, report.apps, report.social_accounts])
    )
    if hits:
        points = min(points, rules.keyword_cap)
        score += points
        reasons.append(
            _("命中特征词“%(words)s”，加 %(points)s 分（特征词最多计 %(cap)s 分）。")
            % {"words": "、".join(hits), "points": points, "cap": rules.keyword_cap}
        )

    if report.subject_kind == Report.SubjectKind.COMPANY and not is_licensed(
        name=report.subject_name, uscc=report.subject_uscc
    ):
        name = plain(report.subject_name)
        found = [w for w in name_words(rules) if plain(w) in name]
        if found:
            score += rules.name_word_weight
            reasons.append(
                _("不是持牌金融机构，名称却含“%(words)s”字样（条例第9条禁止），加 %(points)s 分。")
                % {"words": "、".join(found), "points": rules.name_word_weight}
            )

    if report.promised_return is not None:
        benchmark = benchmark_rate_for(on)
        if benchmark is not None:
            limit = benchmark.rate * rules.yield_multiple
            if report.promised_return > limit:
                score += rules.yield_weight
                reasons.append(
                    _(
                        "承诺年化收益率 %(promised)s%% 超过%(name)s（%(rate)s%%）的 %(multiple)s 倍"
                        "（%(limit)s%%），加 %(points)s 分。"
                    )
                    % {
                        "promised": _num(report.promised_return),
                        "name": benchmark.name,
                        "rate": _num(benchmark.rate),
                        "multiple": _num(rules.yield_multiple),
                        "limit": _num(limit),
                        "points": rules.yield_weight,
                    }
                )

    met = []
    if report.amount is not None and report.amount >= rules.prosecution_amount:
        met.append(
            _("涉及金额 %(amount)s 元，达到 %(threshold)s 元")
            % {"amount": amount_text(report.amount), "threshold": amount_text(rules.prosecution_amount)}
        )
    if report.people is not None and report.people >= rules.prosecution_people:
        met.append(
            _("涉及 %(people)s 人，达到 %(threshold)s 人")
            % {"people": report.people, "threshold": rules.prosecution_people}
        )
    if met:
        score += rules.scale_weight
        reasons.append(
            _("%(met)s的追诉标准（法释〔2022〕5号），加 %(points)s 分。")
            % {"met": "；".join(met), "points": rules.scale_weight}
        )
    return min(score, 100), reasons
