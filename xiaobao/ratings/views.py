"""The ratings pages: evaluation periods and rankings, one institution's evaluation, schemes, and the
satisfaction surveys with their public answer sheet and published results.

parse → access → service → render: a service's ValidationError is shown beside the form it came from,
PermissionDenied becomes a 403 page in words, and what the viewer may not see is a 404.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit
from django_stubs_ext import StrOrPromise

from xiaobao.accounts.access import signed_in, user_of
from xiaobao.accounts.models import User
from xiaobao.audit import trail
from xiaobao.core.actions import Action, Actions, perform
from xiaobao.core.pages import add_service_error, forbidden, too_many
from xiaobao.lib import export
from xiaobao.lib.pdf import Table, pdf_document
from xiaobao.ratings import access, selectors, services
from xiaobao.ratings.forms import (
    AppealDecisionForm,
    AppealForm,
    DeductionForm,
    EvidenceForm,
    PeriodOpenForm,
    QuestionnaireForm,
    RectificationAcceptForm,
    RectificationOpenForm,
    RectificationReportForm,
    ResponseForm,
    SchemeReviseForm,
    ScoreForm,
    SelfAssessmentForm,
)
from xiaobao.ratings.models import (
    Appeal,
    Evaluation,
    Evidence,
    IndicatorScore,
    Period,
    Questionnaire,
    Rectification,
    Scheme,
)

PAGE_SIZE = 25
# The respondent's random token lives in this signed cookie for a year (see services.respondent_hash).
SURVEY_COOKIE = "xb_survey"
SURVEY_COOKIE_SALT = "ratings.survey-token"
ONE_YEAR = 365 * 24 * 60 * 60


def _is_regulator(user: User | AnonymousUser | None) -> bool:
    return isinstance(user, User) and user.role == User.Role.REGULATOR


def _fmt(value: Any) -> str:
    return "" if value is None else str(value)


# ---------------------------------------------------------------------------------------------
# Index, periods and rankings


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    periods = Paginator(access.periods_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": periods,
        "periods": periods.object_list,
        "questionnaires": access.questionnaires_for(request.user)[:20],
        "regulator": _is_regulator(request.user),
        "schemes": Scheme.objects.filter(is_current=True) if request.user.is_authenticated else [],
    }
    return render(request, "ratings/index.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def period_new(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if not _is_regulator(user):
        return forbidden(request, _("只有监管部门工作人员可以开启评估期。"))
    form = PeriodOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            period = services.period_open(by=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("评估期已开启，被评机构现在可以报送自评。"))
            return redirect("ratings:period", pk=period.pk)
    return render(request, "ratings/period_new.html", {"form": form})


def _period_rows(request: HttpRequest, period: Period) -> list[selectors.RankRow]:
    working = access.oversees(request.user, period)
    rows = selectors.ranking(access.evaluations_for(request.user, period), working=working)
    if not working:
        # The institution's own unpublished figures are for its own page, not for a ranking.
        rows = [r for r in rows if r.evaluation.published_at is not None] + [
            selectors.RankRow(None, r.evaluation, None) for r in rows if r.evaluation.published_at is None
        ]
    _previous, before = selectors.previous_totals(period)
    return selectors.with_previous(rows, before)


@require_GET
def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    period = access.get_period_for(request.user, pk)
    rows = _period_rows(request, period)
    examiner = access.is_examiner_of(request.user, period)
    dimensions = list(period.scheme.dimensions.all())
    ranked = [r for r in rows if r.rank is not None]
    previous, _before = selectors.previous_totals(period)
    context = {
        "period": period,
        "previous": previous,
        "rows": rows,
        "dimensions": dimensions,
        "examiner": examiner,
        "chart": selectors.ranking_option(rows) if ranked else None,
        "chart_label": _("%(name)s 各机构总分排名") % {"name": period.name},
    }
    return render(request, "ratings/period_detail.html", context)


# A period's steps are buttons without a form; the period page says when each is shown.
PERIOD_ACTIONS: Actions[Period, User] = Actions(
    Action(
        "compute",
        gettext_lazy("计算自动指标"),
        None,
        lambda p, u, d: services.period_compute(period=p, by=u),
        gettext_lazy("自动指标已根据平台数据计算。"),
    ),
    Action(
        "submit",
        gettext_lazy("提交复核"),
        None,
        lambda p, u, d: services.period_submit(period=p, by=u),
        gettext_lazy("评分已提交复核。"),
    ),
    Action(
        "publish",
        gettext_lazy("签发发布"),
        None,
        lambda p, u, d: services.period_publish(period=p, by=u),
        gettext_lazy("评级已签发发布。"),
    ),
)


@login_required
@require_POST
def period_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = user_of(request)
    period = access.get_period_for(user, pk)
    back = reverse("ratings:period", kwargs={"pk": period.pk})
    spec = PERIOD_ACTIONS[action]
    return perform(request, period, spec, by=user, form=None, again=lambda _form: redirect(back), then=back)


def _cell(index: int) -> Callable[[list[Any]], Any]:
    return lambda row: row[index]


def _ranking_table(period: Period, rows: list[selectors.RankRow]) -> tuple[list[export.Column], list[list[Any]]]:
    """The ranking as spreadsheet columns: figures stay numbers (Decimal), so Excel can sort and sum them."""
    dims = list(period.scheme.dimensions.all())
    number: dict[str, Any] = {"kind": export.MONEY, "width": 12}  # MONEY writes two decimals, as scores are kept
    columns = [
        export.Column(_("名次"), lambda row: row[0], width=8, kind=export.INTEGER),
        export.Column(_("机构"), lambda row: row[1], width=36),
        export.Column(_("机构类型"), lambda row: row[2], width=16),
        *[export.Column(f"{d.name}（{d.weight}%）", _cell(3 + i), **number) for i, d in enumerate(dims)],
    ]
    tail = [_("扣分"), _("总分"), _("等级"), _("上期总分"), _("比上期")]
    for offset, header in enumerate(tail):
        index = 3 + len(dims) + offset
        kind = {"kind": export.TEXT, "width": 10} if header == _("等级") else number
        columns.append(export.Column(header, _cell(index), **kind))
    body = []
    for r in rows:
        f = r.figures
        scores = {d.code: d.score for d in f.dimensions} if f else {}
        body.append(
            [
                r.rank,
                r.evaluation.institution.name,
                r.evaluation.institution.type.name,
                *[scores.get(d.code) for d in dims],
                f.deducted if f else None,
                f.total if f else None,
                f.grade if f else _("未发布"),
                r.previous_total,
                r.change,
            ]
        )
    return columns, body


@require_GET
def period_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    period = access.get_period_for(request.user, pk)
    rows = _period_rows(request, period)
    columns, body = _ranking_table(period, rows)
    filename = f"rating-{period.pk}-{timezone.localdate():%Y%m%d}"
    trail.record_export(request, filename=f"{filename}.{'xlsx' if fmt == 'xlsx' else 'pdf'}", obj=period)
    if fmt == "xlsx":
        return export.export_response(rows=body, columns=columns, fmt="xlsx", filename=filename, title=period.name)
    change = len(columns) - 1
    text = [[(f"{v:+}" if i == change and v is not None else _fmt(v)) for i, v in enumerate(row)] for row in body]
    blocks: list[tuple[str, Any]] = [
        ("title", period.name),
        ("p", _("评估方案：%(scheme)s") % {"scheme": period.scheme}),
        (
            "p",
            _("评估期：%(start)s 至 %(end)s；状态：%(status)s")
            % {"start": period.start, "end": period.end, "status": period.get_status_display()},
        ),
        ("table", Table([c.header for c in columns], text)),
    ]
    if not period.is_published:
        blocks.append(("p", _("本表为评分中的暂定结果，尚未签发发布。")))
    response = HttpResponse(pdf_document(blocks), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response


# ---------------------------------------------------------------------------------------------
# One institution's evaluation


@dataclass
class Forms:
    self_assessment: Any = None
    evidence: Any = None
    score: Any = None
    deduct: Any = None
    appeal: Any = None
    decide: Any = None
    rectify_open: Any = None
    rectify_report: Any = None
    rectify_accept: Any = None


def _evaluation_context(
    request: HttpRequest, evaluation: Evaluation, bound: dict[str, Any] | None = None
) -> dict[str, Any]:
    user = request.user
    period = evaluation.period
    examiner = access.is_examiner_of(user, period)
    own = access.is_own(user, evaluation)
    figures = selectors.figures_for(evaluation, working=access.sees_working_scores(user, evaluation))
    peers = selectors.ranking(access.evaluations_for(user, period).filter(published_at__isnull=False), working=False)
    average = selectors.dimension_averages(peers) if len(peers) > 1 else None
    bound = bound or {}
    stage_scoring = period.status == Period.Status.SCORING or (period.is_published and evaluation.published_at is None)
    forms = Forms(
        self_assessment=bound.get("self_assessment")
        or (
            SelfAssessmentForm(evaluation=evaluation)
            if own and period.status == Period.Status.SELF_ASSESSMENT
            else None
        ),
        evidence=bound.get("evidence")
        or (EvidenceForm(evaluation=evaluation) if (own or examiner) and not period.is_published else None),
        deduct=bound.get("deduct")
        or (DeductionForm() if examiner and stage_scoring and period.scheme.deduction_cap > 0 else None),
        appeal=bound.get("appeal")
        or (
            AppealForm()
            if own
            and evaluation.published_at
            and evaluation.appeal_due
            and timezone.localdate() <= evaluation.appeal_due
            and not evaluation.appeals.filter(outcome=Appeal.Outcome.PENDING).exists()
            else None
        ),
        rectify_open=bound.get("rectify_open")
        or (RectificationOpenForm() if examiner and period.is_published else None),
    )
    previous = selectors.previous_evaluation(evaluation)
    context = {
        "evaluation": evaluation,
        "period": period,
        "figures": figures,
        "examiner": examiner,
        "own": own,
        "forms": forms,
        "stage_scoring": stage_scoring and examiner,
        "bound_score": bound.get("score"),
        "appeals": evaluation.appeals.all(),
        "rectifications": evaluation.rectifications.all(),
        "evidence": evaluation.evidence.select_related("indicator") if (own or examiner) else [],
        "events": evaluation.events.select_related("actor") if (own or examiner) else [],
        "previous": previous,
        "change": (figures.total - previous.total)
        if previous and figures and figures.total is not None and previous.total is not None
        else None,
        "radar": selectors.radar_option(
            figures, name=evaluation.institution.short_name or evaluation.institution.name, average=average
        )
        if figures and figures.total is not None
        else None,
        "radar_label": _("%(name)s 各维度得分雷达图") % {"name": evaluation.institution.name},
        "average": average,
        "bound": bound,
    }
    return context


@require_GET
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = access.get_evaluation_for(request.user, pk)
    return render(request, "ratings/evaluation_detail.html", _evaluation_context(request, evaluation))


def _row_for(evaluation: Evaluation, row_id: int) -> IndicatorScore:
    return get_object_or_404(IndicatorScore, pk=row_id, evaluation=evaluation)


def _self_assessment(form: SelfAssessmentForm) -> dict[str, Any]:
    return {**form.cleaned_data, "self_scores": form.self_scores()}


# The evaluation page draws its own forms (each beside the scores it concerns), so the order here is
# only the order of the URLs.
EVALUATION_ACTIONS: Actions[Evaluation, User] = Actions(
    Action(
        "self_assessment",
        gettext_lazy("自评"),
        SelfAssessmentForm,
        lambda e, by, d: services.self_assessment_submit(
            evaluation=e, text=d["text"], self_scores=d["self_scores"], by=by
        ),
        gettext_lazy("自评已报送。"),
        data=_self_assessment,
    ),
    Action(
        "evidence",
        gettext_lazy("证明材料"),
        EvidenceForm,
        lambda e, by, d: services.evidence_add(evaluation=e, upload=d["file"], indicator=d["indicator"], by=by),
        gettext_lazy("证明材料已上传。"),
    ),
    Action(
        "score",
        gettext_lazy("评分"),
        ScoreForm,
        lambda e, by, d: services.indicator_score(row=_row_for(e, d["row"]), score=d["score"], note=d["note"], by=by),
        gettext_lazy("评分已保存。"),
    ),
    Action(
        "deduct",
        gettext_lazy("扣分"),
        DeductionForm,
        lambda e, by, d: services.deduction_add(evaluation=e, by=by, **d),
        gettext_lazy("扣分已记录。"),
    ),
    Action(
        "appeal",
        gettext_lazy("申诉"),
        AppealForm,
        lambda e, by, d: services.appeal_file(evaluation=e, reason=d["reason"], by=by),
        gettext_lazy("申诉已提交，监管部门会尽快处理。"),
    ),
    Action(
        "decide",
        gettext_lazy("处理申诉"),
        AppealDecisionForm,
        lambda e, by, d: services.appeal_decide(
            appeal=get_object_or_404(Appeal, pk=d["appeal"], evaluation=e),
            outcome=d["outcome"],
            decision=d["decision"],
            by=by,
        ),
        gettext_lazy("申诉已处理。"),
    ),
    Action(
        "republish",
        gettext_lazy("重新发布评级"),
        None,
        lambda e, by, d: services.evaluation_republish(evaluation=e, by=by),
        gettext_lazy("评级已重新发布。"),
    ),
    Action(
        "rectify_open",
        gettext_lazy("下达整改任务"),
        RectificationOpenForm,
        lambda e, by, d: services.rectification_open(evaluation=e, by=by, **d),
        gettext_lazy("整改任务已下达。"),
    ),
    Action(
        "rectify_report",
        gettext_lazy("报送整改报告"),
        RectificationReportForm,
        lambda e, by, d: services.rectification_report(
            rectification=get_object_or_404(Rectification, pk=d["rectification"], evaluation=e),
            report=d["report"],
            by=by,
        ),
        gettext_lazy("整改报告已报送。"),
    ),
    Action(
        "rectify_accept",
        gettext_lazy("整改验收"),
        RectificationAcceptForm,
        lambda e, by, d: services.rectification_accept(
            rectification=get_object_or_404(Rectification, pk=d["rectification"], evaluation=e),
            accept=d["accept"],
            note=d["note"],
            by=by,
        ),
        gettext_lazy("验收意见已记录。"),
    ),
)
# Forms that list the evaluation's own indicators.
ABOUT_EVALUATION = ("self_assessment", "evidence")


def _evaluation_form(action: Action[Evaluation, User], evaluation: Evaluation, request: HttpRequest) -> Any:
    if action.form is None:
        return None
    if action.name in ABOUT_EVALUATION:
        return action.form(request.POST, request.FILES, evaluation=evaluation)  # type: ignore[call-arg]
    return action.form(request.POST)


@login_required
@require_POST
def evaluation_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = user_of(request)
    evaluation = access.get_evaluation_for(user, pk)
    spec = EVALUATION_ACTIONS[action]

    def again(form: BaseForm | None) -> HttpResponse:
        if form is None:  # a button alone: its error is a message over the page
            return redirect("ratings:evaluation", pk=evaluation.pk)
        evaluation.refresh_from_db()
        context = _evaluation_context(request, evaluation, bound={action: form})
        return render(request, "ratings/evaluation_detail.html", context, status=400)

    def then(_result: object) -> HttpResponse:
        anchor = "#scores" if action == "score" else ""
        return redirect(reverse("ratings:evaluation", kwargs={"pk": evaluation.pk}) + anchor)

    form = _evaluation_form(spec, evaluation, request)
    return perform(request, evaluation, spec, by=user, form=form, again=again, then=then)


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    user = user_of(request)
    evaluation = access.get_evaluation_for(user, pk)
    if not (access.is_own(user, evaluation) or access.is_examiner_of(user, evaluation.period)):
        raise Http404
    evidence = get_object_or_404(Evidence, pk=evidence_pk, evaluation=evaluation)
    return FileResponse(
        evidence.file.open("rb"), as_attachment=True, filename=evidence.name, content_type=evidence.content_type
    )


@require_GET
def evaluation_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = access.get_evaluation_for(request.user, pk)
    figures = selectors.figures_for(evaluation, working=access.sees_working_scores(request.user, evaluation))
    if figures is None:
        raise Http404
    blocks: list[tuple[str, Any]] = [
        (
            "title",
            f"{evaluation.institution.name} · {evaluation.period.name}",
        ),
        (
            "p",
            _("总分：%(total)s；等级：%(grade)s；扣分：%(deducted)s")
            % {"total": _fmt(figures.total), "grade": figures.grade or "—", "deducted": figures.deducted},
        ),
    ]
    if not figures.published:
        blocks.append(("p", _("评分中的暂定结果，尚未发布。")))
    for dim in figures.dimensions:
        blocks.append(
            (
                "h2",
                _("%(name)s（权重 %(weight)s%%）：%(score)s")
                % {"name": dim.name, "weight": dim.weight, "score": _fmt(dim.score) or _("无数据")},
            )
        )
        rows = [
            [
                i.name,
                _fmt(i.value),
                _fmt(i.score) or _("无数据"),
                i.formula or i.note,
                i.data.get("missing", "") if i.data else "",
            ]
            for i in dim.indicators
        ]
        blocks.append(
            (
                "table",
                Table(
                    [_("指标"), _("指标值"), _("得分"), _("计算方法或评分理由"), _("说明")],
                    rows,
                    [0.2, 0.12, 0.1, 0.4, 0.18],
                ),
            )
        )
    for d in figures.deductions:
        blocks.append(("bullet", _("检查发现扣 %(points)s 分：%(reason)s") % d))
    tips = figures.tips()
    if tips:
        blocks.append(("h2", _("提升建议")))
        blocks += [
            ("bullet", _("%(name)s：满分可使总分提高 %(gain)s 分") % {"name": t.name, "gain": t.gain}) for t in tips
        ]
    response = HttpResponse(pdf_document(blocks), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="evaluation-{evaluation.pk}.pdf"'
    return response


# ---------------------------------------------------------------------------------------------
# Schemes


@require_http_methods(["GET", "POST"])
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = get_object_or_404(Scheme, pk=pk)
    user = signed_in(request)
    editor = user if _is_regulator(user) and scheme.is_current else None
    form = SchemeReviseForm(request.POST or None, scheme=scheme) if editor else None
    if request.method == "POST":
        if form is None or editor is None:
            return forbidden(request, _("只有监管部门工作人员可以修订现行评估方案。"))
        if form.is_valid():
            try:
                new = services.scheme_revise(
                    scheme=scheme,
                    weights=form.weights(),
                    deduction_cap=form.cleaned_data["deduction_cap"],
                    by=editor,
                )
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("已生成第 %(v)s 版；已发布的评级不受影响。") % {"v": new.version})
                return redirect("ratings:scheme", pk=new.pk)
    context = {
        "scheme": scheme,
        "dimensions": scheme.dimensions.prefetch_related("indicators"),
        "bands": scheme.bands.all(),
        "versions": Scheme.objects.filter(code=scheme.code).order_by("-version"),
        "form": form,
        "formulas": selectors.metrics.FORMULAS,
    }
    return render(
        request, "ratings/scheme_detail.html", context, status=400 if form is not None and form.errors else 200
    )


# ---------------------------------------------------------------------------------------------
# Satisfaction surveys


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_new(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if not _is_regulator(user):
        return forbidden(request, _("只有监管部门工作人员可以新建满意度测评。"))
    form = QuestionnaireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            questionnaire = services.questionnaire_create(
                title=d["title"],
                run_by=d["run_by"],
                intro=d["intro"],
                questions=form.question_lines(),
                institutions=d["institutions"],
                by=user,
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("测评已创建（草稿）。开始收集后，公众即可匿名作答。"))
            return redirect("ratings:questionnaire", pk=questionnaire.pk)
    return render(request, "ratings/questionnaire_new.html", {"form": form})


# The button that moves a survey on, by where it stands.
NEXT_STEP: dict[str, StrOrPromise] = {
    Questionnaire.Status.DRAFT: gettext_lazy("开始收集答卷"),
    Questionnaire.Status.OPEN: gettext_lazy("截止收集"),
    Questionnaire.Status.CLOSED: gettext_lazy("发布结果"),
}


@require_GET
def questionnaire_detail(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = access.get_questionnaire_for(request.user, pk)
    results = (
        selectors.questionnaire_results(questionnaire) if access.sees_results(request.user, questionnaire) else None
    )
    context = {
        "questionnaire": questionnaire,
        "manager": access.manages_questionnaire(request.user, questionnaire),
        "results": results,
        "responses": questionnaire.responses.count(),
        "chart": selectors.stats_option(results["institutions"], title=_("平均分"))
        if results and results["institutions"]
        else None,
        "chart_label": _("%(title)s：各机构平均分及95%%置信区间") % {"title": questionnaire.title},
        "next_label": NEXT_STEP.get(questionnaire.status),
    }
    return render(request, "ratings/questionnaire_detail.html", context)


ADVANCE = Action[Questionnaire, User](
    "advance",
    gettext_lazy("满意度测评"),
    None,
    lambda q, u, d: services.questionnaire_advance(questionnaire=q, by=u),
    gettext_lazy("测评状态已更新。"),
)


@login_required
@require_POST
def questionnaire_advance(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    questionnaire = access.get_questionnaire_for(user, pk)
    back = reverse("ratings:questionnaire", kwargs={"pk": questionnaire.pk})
    return perform(request, questionnaire, ADVANCE, by=user, form=None, again=lambda _form: redirect(back), then=back)


@require_GET
def questionnaire_export(request: HttpRequest, pk: int) -> FileResponse:
    questionnaire = access.get_questionnaire_for(request.user, pk)
    if not access.sees_results(request.user, questionnaire):
        raise Http404
    results = selectors.questionnaire_results(questionnaire)
    rows = (
        [(_("机构"), r) for r in results["institutions"]]
        + [(_("机构类别"), r) for r in results["classes"]]
        + [(_("题目"), r) for r in results["questions"]]
    )
    columns = [
        export.Column(_("分组"), lambda x: x[0], width=10),
        export.Column(_("名称"), lambda x: x[1].label, width=36),
        export.Column(_("答卷数"), lambda x: x[1].stat.n, kind=export.INTEGER, width=10),
        export.Column(_("平均分"), lambda x: x[1].stat.mean, width=10),
        export.Column(_("95%置信区间下限"), lambda x: x[1].stat.low, width=14),
        export.Column(_("95%置信区间上限"), lambda x: x[1].stat.high, width=14),
    ]
    filename = f"satisfaction-{questionnaire.pk}.xlsx"
    trail.record_export(request, filename=filename, obj=questionnaire)
    return export.xlsx_response(rows=rows, columns=columns, filename=filename, title=questionnaire.title)


def _survey_token(request: HttpRequest) -> str:
    return request.get_signed_cookie(SURVEY_COOKIE, default="", salt=SURVEY_COOKIE_SALT) or ""


@ratelimit(key="ip", rate="20/h", method="POST", block=False)
@require_http_methods(["GET", "POST"])
def survey_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The public answer sheet. No account, no name; see services.respondent_hash for "one per person"."""
    questionnaire = get_object_or_404(Questionnaire, pk=pk, status=Questionnaire.Status.OPEN)
    token = _survey_token(request)
    form = ResponseForm(request.POST or None, questionnaire=questionnaire)
    status = 200
    if request.method == "POST":
        if getattr(request, "limited", False):
            return too_many(request)
        if form.is_valid():
            try:
                services.response_submit(
                    questionnaire=questionnaire,
                    institution=form.cleaned_data["institution"],
                    values=form.values(),
                    comment=form.cleaned_data["comment"],
                    token=token,
                )
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                return render(request, "ratings/survey_thanks.html", {"questionnaire": questionnaire})
        status = 400
    response = render(
        request, "ratings/survey_answer.html", {"questionnaire": questionnaire, "form": form}, status=status
    )
    if not token:
        response.set_signed_cookie(
            SURVEY_COOKIE,
            secrets.token_urlsafe(24),
            salt=SURVEY_COOKIE_SALT,
            max_age=ONE_YEAR,
            httponly=True,
            samesite="Lax",
            secure=settings.SECURE_COOKIES,
        )
    return response


@require_GET
def satisfaction_index(request: HttpRequest) -> HttpResponse:
    """Open surveys to answer, published results, and the closure survey of the last twelve months."""
    closure = selectors.closure_satisfaction()
    context = {
        "questionnaires": access.questionnaires_for(request.user),
        "closure": closure,
        "chart": selectors.stats_option(closure[:20], title=_("平均分")) if closure else None,
        "chart_label": _("近12个月投诉办结满意度：各机构平均分及95%置信区间"),
    }
    return render(request, "ratings/satisfaction_index.html", context)
