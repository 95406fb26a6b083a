"""Reads shared by the ratings pages, exports and reports: one evaluation's figures, rankings, charts,
advice on where to improve, year-on-year comparison, and satisfaction statistics with confidence intervals.

Published evaluations are read from the figures frozen at publication (Evaluation.breakdown); only
unpublished ones, seen by their examiners and the institution itself, are computed from the live scores.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaobao.complaints.models import Survey
from xiaobao.credit import selectors as credit_selectors
from xiaobao.ratings import metrics, scoring
from xiaobao.ratings.models import (
    Answer,
    Dimension,
    Evaluation,
    Indicator,
    IndicatorScore,
    Metric,
    Period,
    Questionnaire,
    Response,
)
from xiaobao.registry.models import Institution

# How each automatic metric's value is written; rates are percentages.
UNITS: dict[str, str] = {
    Metric.ON_TIME_RATE: "%",
    Metric.UPHELD_RATE: "%",
    Metric.REVIEW_RATE: "%",
    Metric.MEDIATION_ACCEPTANCE: "%",
    Metric.MEDIATION_SUCCESS: "%",
    Metric.COMPLAINTS_PER_10K: "",
    Metric.CLOSURE_SATISFACTION: "",
    Metric.SURVEY_SATISFACTION: "",
    Metric.SUPERVISION_NOTICES: "",
    Metric.REPORTED_ON_TIME: "",
}


@dataclass
class IndicatorFigure:
    name: str
    kind: str
    metric: str
    value: Decimal | None
    score: Decimal | None
    data: dict[str, Any]
    note: str
    share: Decimal  # of the total, after renormalisation
    row_id: int | None = None
    self_score: Decimal | None = None
    self_note: str = ""
    guidance: str = ""
    best: Decimal | None = None

    @property
    def formula(self) -> str:
        return str(metrics.FORMULAS.get(self.metric, "")) if self.metric else ""

    @property
    def unit(self) -> str:
        return UNITS.get(self.metric, "")

    @property
    def gain(self) -> Decimal:
        """Points of the total this indicator would add at full marks."""
        if self.score is None:
            return Decimal("0")
        return ((Decimal("100") - self.score) * self.share).quantize(Decimal("0.01"))

    @property
    def is_automatic(self) -> bool:
        return self.kind == Indicator.Kind.AUTOMATIC


@dataclass
class DimensionFigure:
    code: str
    name: str
    weight: Decimal
    score: Decimal | None
    indicators: list[IndicatorFigure] = field(default_factory=list)


@dataclass
class Figures:
    dimensions: list[DimensionFigure]
    total: Decimal | None
    grade: str
    before_deductions: Decimal | None
    deducted: Decimal
    deductions: list[dict[str, str]]
    published: bool

    def tips(self, limit: int = 3) -> list[IndicatorFigure]:
        """The indicators where full marks would add most to the total: where to improve first."""
        found = [i for d in self.dimensions for i in d.indicators if i.gain > 0]
        return sorted(found, key=lambda i: i.gain, reverse=True)[:limit]


def _d(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _required(value: Any) -> Decimal:
    """A figure the breakdown always records (weights and shares)."""
    return Decimal(str(value))


def current_result(
    evaluation: Evaluation, *, rows: list[IndicatorScore] | None = None, dimensions: list[Dimension] | None = None
) -> scoring.Result:
    """The evaluation scored now, from its current indicator scores and deductions under its scheme version."""
    scheme = evaluation.period.scheme
    rows = rows if rows is not None else list(evaluation.scores.select_related("indicator__dimension"))
    dimensions = dimensions if dimensions is not None else list(scheme.dimensions.all())
    bands = [scoring.BandInput(b.grade, b.min_score, b.needs_rectification) for b in scheme.bands.all()]
    result = scoring.evaluate(
        dimensions=[scoring.DimensionInput(d.code, d.weight) for d in dimensions],
        indicators=[
            scoring.IndicatorInput(str(r.indicator_id), r.indicator.dimension.code, r.indicator.weight, r.score)
            for r in rows
        ],
        deductions=[d.points for d in evaluation.deductions.all()],
        deduction_cap=scheme.deduction_cap,
        missing=scheme.missing_data,
        bands=bands,
    )
    # A black-listed institution cannot be graded above the cap its measures set (credit lists, §13).
    return scoring.cap_band(result, bands, credit_selectors.best_grade_for(evaluation.institution))


def figures_for(evaluation: Evaluation, *, working: bool) -> Figures | None:
    """The published figures; or, for those allowed to see them (working=True), the current working ones."""
    if evaluation.published_at is not None and evaluation.breakdown:
        b = evaluation.breakdown
        dims = [DimensionFigure(d["code"], d["name"], _required(d["weight"]), _d(d["score"])) for d in b["dimensions"]]
        by_code = {d.code: d for d in dims}
        for i in b["indicators"]:
            by_code[i["dimension"]].indicators.append(
                IndicatorFigure(
                    i["name"],
                    i["kind"],
                    i["metric"],
                    _d(i["value"]),
                    _d(i["score"]),
                    i["data"],
                    i["note"],
                    _required(i["share"]),
                )
            )
        return Figures(
            dims,
            evaluation.total,
            evaluation.grade,
            _d(b["before_deductions"]),
            _d(b["deducted"]) or Decimal("0"),
            b["deductions"],
            True,
        )
    if not working:
        return None
    rows = list(evaluation.scores.select_related("indicator__dimension"))
    dimensions = list(evaluation.period.scheme.dimensions.all())
    result = current_result(evaluation, rows=rows, dimensions=dimensions)
    dims = [DimensionFigure(d.code, d.name, d.weight, result.dimension_scores[d.code]) for d in dimensions]
    by_code = {d.code: d for d in dims}
    for r in rows:
        ind = r.indicator
        by_code[ind.dimension.code].indicators.append(
            IndicatorFigure(
                ind.name,
                ind.kind,
                ind.metric,
                r.value,
                r.score,
                r.data,
                r.note,
                result.effective_weights.get(str(ind.pk), Decimal("0")),
                r.pk,
                r.self_score,
                r.self_note,
                ind.guidance,
                ind.best,
            )
        )
    deductions = [{"reason": d.reason, "points": str(d.points)} for d in evaluation.deductions.all()]
    return Figures(dims, result.total, result.grade, result.before_deductions, result.deducted, deductions, False)


@dataclass
class RankRow:
    rank: int | None
    evaluation: Evaluation
    figures: Figures | None
    previous_total: Decimal | None = None
    change: Decimal | None = None


def ranking(evaluations: QuerySet[Evaluation], *, working: bool) -> list[RankRow]:
    """Highest total first; equal totals share a rank; institutions without a total come last."""
    rows = [RankRow(None, e, figures_for(e, working=working)) for e in evaluations]
    rows.sort(
        key=lambda r: (
            r.figures is None or r.figures.total is None,
            -(r.figures.total or 0) if r.figures else 0,
            r.evaluation.institution.name,
        )
    )
    previous, rank = None, 0
    for position, row in enumerate(rows, start=1):
        total = row.figures.total if row.figures else None
        if total is None:
            continue
        if total != previous:
            rank, previous = position, total
        row.rank = rank
    return rows


def radar_option(figures: Figures, *, name: str, average: dict[str, Decimal] | None = None) -> dict[str, Any]:
    """ECharts radar: one axis per dimension, 0–100, the institution against the period's average."""
    series = [{"name": name, "value": [float(d.score or 0) for d in figures.dimensions]}]
    if average:
        series.append({"name": _("参评机构平均"), "value": [float(average.get(d.code, 0)) for d in figures.dimensions]})
    return {
        "tooltip": {},
        "legend": {"data": [s["name"] for s in series], "bottom": 0},
        "radar": {"indicator": [{"name": d.name, "max": 100} for d in figures.dimensions]},
        "series": [{"type": "radar", "data": series, "areaStyle": {"opacity": 0.15}}],
    }


def dimension_averages(rows: list[RankRow]) -> dict[str, Decimal]:
    sums: dict[str, list[Decimal]] = defaultdict(list)
    for row in rows:
        for d in row.figures.dimensions if row.figures else []:
            if d.score is not None:
                sums[d.code].append(d.score)
    return {code: scoring.round2(sum(v, Decimal("0")) / len(v)) for code, v in sums.items() if v}


def ranking_option(rows: list[RankRow]) -> dict[str, Any]:
    """ECharts horizontal bars: total score per institution, best at the top."""
    ranked = [r for r in rows if r.rank is not None][:30]
    names = [r.evaluation.institution.short_name or r.evaluation.institution.name for r in reversed(ranked)]
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 160, "right": 30, "top": 10, "bottom": 30},
        "xAxis": {"type": "value", "max": 100},
        "yAxis": {"type": "category", "data": names},
        "series": [
            {
                "type": "bar",
                "name": _("总分"),
                "data": [
                    float(total) for r in reversed(ranked) if r.figures and (total := r.figures.total) is not None
                ],
            }
        ],
    }


def previous_evaluation(evaluation: Evaluation) -> Evaluation | None:
    """The same institution's published evaluation in the latest earlier period of the same scheme (year on year)."""
    return (
        Evaluation.objects.filter(
            institution=evaluation.institution,
            period__scheme__code=evaluation.period.scheme.code,
            period__end__lt=evaluation.period.start,
            published_at__isnull=False,
        )
        .select_related("period")
        .order_by("-period__end")
        .first()
    )


def previous_totals(period: Period) -> tuple[Period | None, dict[int, Evaluation]]:
    """Year on year: the latest earlier published period of the same scheme and authority, and its
    published evaluations by institution."""
    previous = (
        Period.objects.filter(
            scheme__code=period.scheme.code,
            authority=period.authority,
            status=Period.Status.PUBLISHED,
            end__lt=period.start,
        )
        .order_by("-end")
        .first()
    )
    if previous is None:
        return None, {}
    rows = previous.evaluations.filter(published_at__isnull=False)
    return previous, {e.institution_id: e for e in rows}


def with_previous(rows: list[RankRow], previous: dict[int, Evaluation]) -> list[RankRow]:
    """Attach last period's total and the change to each ranked row."""
    for row in rows:
        before = previous.get(row.evaluation.institution_id)
        row.previous_total = before.total if before else None
        total = row.figures.total if row.figures else None
        row.change = total - before.total if before and total is not None and before.total is not None else None
    return rows


# ---------------------------------------------------------------------------------------------
# Satisfaction statistics


@dataclass(frozen=True)
class MeanCI:
    n: int
    mean: float | None
    low: float | None
    high: float | None

    @property
    def half_width(self) -> float | None:
        return None if self.low is None or self.mean is None else self.mean - self.low


def mean_ci(n: int, mean: float | None, mean_sq: float | None, confidence: float = 0.95) -> MeanCI:
    """Mean with a Student-t confidence interval, from the count, the mean and the mean of squares.

    One answer gives a mean but no interval; the sample variance uses n − 1.
    """
    if not n or mean is None:
        return MeanCI(0, None, None, None)
    if n < 2 or mean_sq is None:
        return MeanCI(n, round(mean, 2), None, None)
    from scipy.stats import t

    variance = max((mean_sq - mean * mean) * n / (n - 1), 0.0)
    half = float(t.ppf((1 + confidence) / 2, n - 1)) * math.sqrt(variance / n)
    return MeanCI(n, round(mean, 2), round(mean - half, 2), round(mean + half, 2))


@dataclass
class StatRow:
    label: str
    stat: MeanCI
    group: str = ""


def questionnaire_results(questionnaire: Questionnaire) -> dict[str, list[StatRow]]:
    """Per institution, per class of institution and per question. A respondent's sheet is the unit for
    institutions and classes (the mean of their answers), each answer for questions."""
    sheets = list(
        Response.objects.filter(questionnaire=questionnaire)
        .annotate(mean=Avg("answers__value"))
        .values_list("institution_id", "institution__name", "institution__type__name", "mean")
    )
    by_inst: dict[tuple[str, str], list[float]] = defaultdict(list)
    by_type: dict[str, list[float]] = defaultdict(list)
    for _pk, name, type_name, mean in sheets:
        if mean is not None:
            by_inst[(name, type_name)].append(float(mean))
            by_type[type_name].append(float(mean))

    def stat(values: list[float]) -> MeanCI:
        n = len(values)
        return mean_ci(n, sum(values) / n if n else None, sum(v * v for v in values) / n if n else None)

    institutions = sorted(
        (StatRow(name, stat(v), type_name) for (name, type_name), v in by_inst.items()),
        key=lambda r: (-(r.stat.mean or 0), r.label),
    )
    classes = sorted(
        (StatRow(name, stat(v)) for name, v in by_type.items()), key=lambda r: (-(r.stat.mean or 0), r.label)
    )
    questions = []
    rows = (
        Answer.objects.filter(response__questionnaire=questionnaire)
        .values("question_id", "question__text", "question__order")
        .annotate(n=Count("pk"), mean=Avg("value"), mean_sq=Avg(F("value") * F("value")))
        .order_by("question__order", "question_id")
    )
    for row in rows:
        questions.append(StatRow(row["question__text"], mean_ci(row["n"], float(row["mean"]), float(row["mean_sq"]))))
    return {"institutions": institutions, "classes": classes, "questions": questions}


def closure_satisfaction(*, days: int = 365, today: date | None = None) -> list[StatRow]:
    """The closure survey (complaints.Survey) of the last `days` days, per head institution."""
    today = today or timezone.localdate()
    heads = list(Institution.objects.filter(parent__isnull=True).select_related("type"))
    owner = metrics.institution_trees(heads)
    names = {i.pk: (i.name, i.type.name) for i in heads}
    since = timezone.now() - timedelta(days=days)
    rows = (
        Survey.objects.filter(at__gte=since)
        .values("complaint__institution_id")
        .annotate(n=Count("pk"), s=Avg("score"), sq=Avg(F("score") * F("score")))
    )
    pooled: dict[int, list[tuple[int, float, float]]] = defaultdict(list)
    for row in rows:
        head = owner.get(row["complaint__institution_id"])
        if head is not None:
            pooled[head].append((row["n"], float(row["s"]), float(row["sq"])))
    out = []
    for head, parts in pooled.items():
        n = sum(p[0] for p in parts)
        mean = sum(p[0] * p[1] for p in parts) / n
        mean_sq = sum(p[0] * p[2] for p in parts) / n
        out.append(StatRow(names[head][0], mean_ci(n, mean, mean_sq), names[head][1]))
    return sorted(out, key=lambda r: (-(r.stat.mean or 0), r.label))


def stats_option(rows: list[StatRow], *, title: str) -> dict[str, Any]:
    """ECharts bars of the means with their 95% intervals drawn as error bars (a custom series)."""
    labels = [r.label for r in rows]
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 50, "right": 20, "top": 30, "bottom": 90},
        "xAxis": {"type": "category", "data": labels, "axisLabel": {"rotate": 30, "interval": 0}},
        "yAxis": {"type": "value", "min": 1, "max": 5, "name": title},
        "series": [
            {"type": "bar", "name": _("平均分"), "data": [r.stat.mean for r in rows]},
            {
                "type": "line",
                "name": _("95% 置信区间下限"),
                "data": [r.stat.low for r in rows],
                "lineStyle": {"opacity": 0},
                "symbol": "triangle",
            },
            {
                "type": "line",
                "name": _("95% 置信区间上限"),
                "data": [r.stat.high for r in rows],
                "lineStyle": {"opacity": 0},
                "symbol": "triangle",
            },
        ],
    }
