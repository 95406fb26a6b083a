"""The automatic indicators: what the platform knows about each institution in a period, with its formula.

Everything here only reads other apps (complaints, and the disputes app's mediation figures) and
counts an institution together with all its branches. A metric without data answers value None, and
the scheme's missing-data rule decides what that means for the score (scoring.py).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from xiaobao.complaints.models import Complaint, Deadline, SupervisionNotice, Survey
from xiaobao.ratings.models import Answer, Metric, Questionnaire
from xiaobao.registry.models import Institution
from xiaobao.registry.selectors import institution_descendant_ids, size_figures_for

FOUR = Decimal("0.0001")

# The formula shown next to each automatic indicator's value, in the words of its data.
FORMULAS: dict[str, StrOrPromise] = {
    Metric.ON_TIME_RATE: _("期内到期的机构答复时限中，在到期日（含）前答复的比例 × 100"),
    Metric.UPHELD_RATE: _("期内答复的投诉中，支持或部分支持投诉人诉求的比例 × 100"),
    Metric.COMPLAINTS_PER_10K: _("期内转办机构的投诉件数 ÷ 个人客户数 × 10,000"),
    Metric.REVIEW_RATE: _("期内答复的投诉中，投诉人申请核查的比例 × 100"),
    Metric.MEDIATION_ACCEPTANCE: _("期内调解申请中被受理的比例 × 100"),
    Metric.MEDIATION_SUCCESS: _("期内受理的调解中达成调解协议的比例 × 100"),
    Metric.CLOSURE_SATISFACTION: _("期内办结评价的平均分（非常满意 5 分 … 非常不满意 1 分）"),
    Metric.SURVEY_SATISFACTION: _("期内满意度测评中对本机构各题评分的平均分（1–5 分）"),
    Metric.SUPERVISION_NOTICES: _("期内督办通知件数 ÷ 期内转办机构的投诉件数 × 100"),
    Metric.REPORTED_ON_TIME: _("自评报告在截止日（含）前报送为 1，逾期或未报送为 0"),
}


@dataclass(frozen=True)
class MetricValue:
    value: Decimal | None
    numerator: Decimal | int | None = None
    denominator: Decimal | int | None = None
    # Why there is no value, in words, when value is None.
    missing: str = ""

    def as_data(self) -> dict[str, Any]:
        return {
            "numerator": None if self.numerator is None else str(self.numerator),
            "denominator": None if self.denominator is None else str(self.denominator),
            "missing": str(self.missing),
        }


NO_COMPLAINTS = _("期内没有相关投诉")


def ratio(numerator: int | Decimal, denominator: int | Decimal, *, scale: int = 100, missing: str = "") -> MetricValue:
    if not denominator:
        return MetricValue(None, numerator, denominator, missing or str(NO_COMPLAINTS))
    value = (Decimal(numerator) * scale / Decimal(denominator)).quantize(FOUR)
    return MetricValue(value, numerator, denominator)


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (
        timezone.make_aware(datetime.combine(start, time.min)),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min)),
    )


def institution_trees(institutions: Iterable[Institution]) -> dict[int, int]:
    """Every branch id → the id of the evaluated institution above it (itself included)."""
    owner: dict[int, int] = {}
    for institution in institutions:
        for pk in institution_descendant_ids(institution):
            owner.setdefault(pk, institution.pk)
    return owner


def _grouped(rows: Iterable[tuple[Any, ...]], owner: dict[int, int]) -> dict[int, list[tuple[Any, ...]]]:
    grouped: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        if row[0] in owner:
            grouped[owner[row[0]]].append(row[1:])
    return grouped


def mediation_stats(*, start: date, end: date) -> dict[int, dict[str, int]]:
    """Mediation requests the institution answered, accepted and settled by agreement, per head office id,
    from the disputes app's figures (which roll branches up to their head office)."""
    from xiaobao.disputes.selectors import mediation_stats as disputes_mediation_stats

    rows = disputes_mediation_stats(start=start, end=end, by="institution")
    ids = dict(Institution.objects.filter(uscc__in=[r.key for r in rows]).values_list("uscc", "pk"))
    # A request still waiting for the institution's answer is neither accepted nor declined yet.
    return {
        ids[r.key]: {"applications": r.answered, "accepted": r.accepted, "succeeded": r.agreed}
        for r in rows
        if r.key in ids
    }


def compute(institutions: list[Institution], *, start: date, end: date) -> dict[int, dict[str, MetricValue]]:
    """Every complaint-based metric for every institution, in a handful of grouped queries."""
    owner = institution_trees(institutions)
    lo, hi = _bounds(start, end)
    today = timezone.localdate()
    in_scope = Q(complaint__institution_id__in=list(owner))
    out: dict[int, dict[str, MetricValue]] = {i.pk: {} for i in institutions}

    # On time: answer deadlines falling due in the period, up to today (a clock still running is not late yet).
    due_rows = Deadline.objects.filter(
        in_scope, kind=Deadline.Kind.ANSWER, due_date__gte=start, due_date__lte=min(end, today)
    ).values_list("complaint__institution_id", "due_date", "closed_at")
    for pk, rows in _grouped(due_rows, owner).items():
        met = sum(1 for due, closed in rows if closed is not None and timezone.localtime(closed).date() <= due)
        out[pk][Metric.ON_TIME_RATE] = ratio(met, len(rows))

    answered = (
        Complaint.objects.filter(institution_id__in=list(owner), answered_at__gte=lo, answered_at__lt=hi)
        .values("institution_id")
        .annotate(
            n=Count("pk"),
            upheld=Count("pk", filter=Q(outcome__in=[Complaint.Outcome.UPHELD, Complaint.Outcome.PARTLY])),
            review=Count("pk", filter=Q(feedback=Complaint.Feedback.REVIEW)),
        )
    )
    totals: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in answered:
        for key in ("n", "upheld", "review"):
            totals[owner[row["institution_id"]]][key] += row[key]

    received = (
        Complaint.objects.filter(institution_id__in=list(owner), received_at__gte=lo, received_at__lt=hi)
        .filter(sent_at__isnull=False)
        .values("institution_id")
        .annotate(n=Count("pk"))
    )
    sent: dict[int, int] = defaultdict(int)
    for sent_row in received:
        sent[owner[sent_row["institution_id"]]] += sent_row["n"]

    notices: dict[int, int] = defaultdict(int)
    notice_rows = (
        SupervisionNotice.objects.filter(in_scope, issued_at__gte=lo, issued_at__lt=hi)
        .values("complaint__institution_id")
        .annotate(n=Count("pk"))
    )
    for notice in notice_rows:
        notices[owner[notice["complaint__institution_id"]]] += notice["n"]

    surveys: dict[int, list[tuple[Decimal, int]]] = defaultdict(list)
    survey_rows = (
        Survey.objects.filter(in_scope, at__gte=lo, at__lt=hi)
        .values("complaint__institution_id")
        .annotate(n=Count("pk"), mean=Avg("score"))
    )
    for survey in survey_rows:
        surveys[owner[survey["complaint__institution_id"]]].append((Decimal(str(survey["mean"])), survey["n"]))

    answers: dict[int, list[tuple[Decimal, int]]] = defaultdict(list)
    answer_rows = (
        Answer.objects.filter(
            response__institution_id__in=[i.pk for i in institutions],
            response__day__gte=start,
            response__day__lte=end,
            response__questionnaire__status__in=[Questionnaire.Status.CLOSED, Questionnaire.Status.PUBLISHED],
        )
        .values("response__institution_id")
        .annotate(n=Count("pk"), mean=Avg("value"))
    )
    for answer in answer_rows:
        answers[answer["response__institution_id"]].append((Decimal(str(answer["mean"])), answer["n"]))

    # Customer counts are recorded on whichever levels the registry has them; a tree's are summed.
    customers_by_owner: dict[int, int] = defaultdict(int)
    for branch, figure in size_figures_for(list(owner), end.year).items():
        customers_by_owner[owner[branch]] += figure.personal_customers or 0

    mediation = mediation_stats(start=start, end=end)

    for institution in institutions:
        pk = institution.pk
        metrics = out[pk]
        metrics.setdefault(Metric.ON_TIME_RATE, MetricValue(None, 0, 0, str(NO_COMPLAINTS)))
        t = totals.get(pk, {})
        metrics[Metric.UPHELD_RATE] = ratio(t.get("upheld", 0), t.get("n", 0))
        metrics[Metric.REVIEW_RATE] = ratio(t.get("review", 0), t.get("n", 0))
        customers = customers_by_owner.get(pk, 0)
        metrics[Metric.COMPLAINTS_PER_10K] = ratio(
            sent.get(pk, 0), customers, scale=10_000, missing=str(_("未登记个人客户数"))
        )
        metrics[Metric.SUPERVISION_NOTICES] = ratio(notices.get(pk, 0), sent.get(pk, 0))
        metrics[Metric.CLOSURE_SATISFACTION] = _mean(surveys.get(pk, []), _("期内没有办结评价"))
        metrics[Metric.SURVEY_SATISFACTION] = _mean(answers.get(pk, []), _("期内没有满意度测评答卷"))
        stats = {"applications": 0, "accepted": 0, "succeeded": 0}
        for branch, o in owner.items():
            if o == pk:
                for key in stats:
                    stats[key] += int((mediation.get(branch) or {}).get(key, 0))
        no_cases = str(_("期内没有调解申请"))
        metrics[Metric.MEDIATION_ACCEPTANCE] = ratio(stats["accepted"], stats["applications"], missing=no_cases)
        metrics[Metric.MEDIATION_SUCCESS] = ratio(stats["succeeded"], stats["accepted"], missing=no_cases)
    return out


def _mean(parts: list[tuple[Decimal, int]], missing: Any) -> MetricValue:
    n = sum(count for _mean, count in parts)
    if not n:
        return MetricValue(None, 0, 0, str(missing))
    total = sum((mean * count for mean, count in parts), Decimal("0"))
    return MetricValue((total / n).quantize(FOUR), total.quantize(FOUR), n)
