"""Every write of the ratings app: keyword-only `<entity>_<verb>(*, ..., by=actor)`, one transaction each,
the row locked where two people could act at once, an immutable event for each change of an evaluation.

Services check the actor's right again: a view that offers a form is not the authority on who may post it.
"""

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaobao.accounts.models import User
from xiaobao.core.files import attachment_type, attachment_validate
from xiaobao.core.locks import lock
from xiaobao.core.time import now, today
from xiaobao.ratings import access, metrics, scoring, selectors
from xiaobao.ratings.models import (
    Answer,
    Appeal,
    Deduction,
    Dimension,
    Evaluation,
    EvaluationEvent,
    Evidence,
    GradeBand,
    Indicator,
    IndicatorScore,
    Metric,
    Period,
    Question,
    Questionnaire,
    Rectification,
    Response,
    Scheme,
)
from xiaobao.registry.models import Authority, Institution
from xiaobao.registry.selectors import authority_descendant_ids, supervision_line_for

Kind = EvaluationEvent.Kind


def _event(evaluation: Evaluation, kind: str, by: User | None, note: str = "") -> None:
    EvaluationEvent.objects.create(evaluation=evaluation, kind=kind, actor=by, note=note)


def _require_examiner(period: Period, by: User) -> None:
    if not access.is_examiner_of(by, period):
        raise PermissionDenied(_("只有组织本次评估的监管部门工作人员可以这样做。"))


def _require_own(evaluation: Evaluation, by: User) -> None:
    if not access.is_own(by, evaluation):
        raise PermissionDenied(_("只有被评机构的工作人员可以这样做。"))


# ---------------------------------------------------------------------------------------------
# Schemes


@transaction.atomic
def scheme_revise(
    *,
    scheme: Scheme,
    weights: Mapping[str, Decimal],
    by: User,
    deduction_cap: Decimal | None = None,
) -> Scheme:
    """Copy the scheme into a new version with new dimension weights; the old version stays as it was,
    and so do the grades already computed with it. New periods use the new version."""
    if by.role not in (User.Role.REGULATOR, User.Role.ADMIN):
        raise PermissionDenied(_("只有监管部门可以修订评估方案。"))
    dimensions = list(scheme.dimensions.order_by("order", "pk"))
    if set(weights) != {d.code for d in dimensions}:
        raise ValidationError(_("请为每个维度填写权重。"))
    if any(w < 0 for w in weights.values()):
        raise ValidationError(_("权重不能为负数。"))
    if sum(weights.values(), Decimal("0")) != Decimal("100"):
        raise ValidationError(_("各维度权重合计必须为 100。"))
    # Two regulators revising at once must not both take the same next version number.
    list(Scheme.objects.select_for_update().filter(code=scheme.code))
    latest = Scheme.objects.filter(code=scheme.code).aggregate(v=Max("version"))["v"] or 0
    Scheme.objects.filter(code=scheme.code).update(is_current=False)
    new = Scheme.objects.create(
        code=scheme.code,
        version=latest + 1,
        name=scheme.name,
        basis=scheme.basis,
        description=scheme.description,
        missing_data=scheme.missing_data,
        deduction_cap=scheme.deduction_cap if deduction_cap is None else deduction_cap,
        rectification_days=scheme.rectification_days,
        is_current=True,
        created_by=by,
    )
    for dim in dimensions:
        copy = Dimension.objects.create(
            scheme=new, code=dim.code, name=dim.name, weight=weights[dim.code], order=dim.order
        )
        for ind in dim.indicators.all():
            Indicator.objects.create(
                dimension=copy,
                code=ind.code,
                name=ind.name,
                kind=ind.kind,
                metric=ind.metric,
                weight=ind.weight,
                best=ind.best,
                worst=ind.worst,
                guidance=ind.guidance,
                order=ind.order,
            )
    for band in scheme.bands.all():
        GradeBand.objects.create(
            scheme=new, grade=band.grade, min_score=band.min_score, needs_rectification=band.needs_rectification
        )
    return new


# ---------------------------------------------------------------------------------------------
# The evaluation cycle


def default_self_assessment_due(end: date) -> date:
    # Institutions report on the year just ended by 31 January of the next (the national scheme's habit).
    return date(end.year + 1, 1, 31)


def institutions_supervised_by(authority: Authority, on: date) -> list[Institution]:
    """Head institutions (no parent) whose supervision line on that day leads to the authority or below it."""
    mine = set(authority_descendant_ids(authority))
    found = []
    for institution in Institution.objects.filter(parent__isnull=True, is_active=True).select_related("region"):
        line = supervision_line_for(institution=institution, on=on)
        if line is not None and line.authority_id in mine:
            found.append(institution)
    return found


@transaction.atomic
def period_open(
    *,
    scheme: Scheme,
    name: str,
    start: date,
    end: date,
    by: User,
    self_assessment_due: date | None = None,
    visibility: str = Period.Visibility.INTERNAL,
    appeal_days: int = 15,
    institutions: Iterable[Institution] | None = None,
) -> Period:
    if by.role != User.Role.REGULATOR:
        raise PermissionDenied(_("只有监管部门工作人员可以开启评估期。"))
    if end < start:
        raise ValidationError(_("评估期止不能早于评估期起。"))
    if not scheme.is_current:
        raise ValidationError(_("请选择评估方案的现行版本。"))
    period = Period.objects.create(
        name=name,
        scheme=scheme,
        authority=by.own_authority,
        start=start,
        end=end,
        self_assessment_due=self_assessment_due or default_self_assessment_due(end),
        visibility=visibility,
        appeal_days=appeal_days,
    )
    targets = list(institutions) if institutions is not None else institutions_supervised_by(by.own_authority, end)
    if not targets:
        raise ValidationError(_("没有找到本部门监管的机构，无法开启评估期。"))
    indicators = list(Indicator.objects.filter(dimension__scheme=scheme))
    for institution in targets:
        evaluation = Evaluation.objects.create(period=period, institution=institution)
        IndicatorScore.objects.bulk_create(IndicatorScore(evaluation=evaluation, indicator=i) for i in indicators)
    return period


# Read with a locked evaluation; only its own row is locked.
EVALUATION_JOINS = ("period", "period__scheme")


@transaction.atomic
def self_assessment_submit(
    *,
    evaluation: Evaluation,
    text: str,
    self_scores: Mapping[int, tuple[Decimal | None, str]] | None = None,
    by: User,
) -> Evaluation:
    """The institution's self-assessment: a report, and its own score and note per indicator."""
    evaluation = lock(evaluation, related=EVALUATION_JOINS)
    _require_own(evaluation, by)
    if evaluation.period.status != Period.Status.SELF_ASSESSMENT:
        raise ValidationError(_("自评阶段已经结束，不能再修改自评。"))
    if not text.strip():
        raise ValidationError(_("请填写自评报告。"))
    evaluation.self_assessment = text.strip()
    evaluation.self_submitted_at = now()
    evaluation.save(update_fields=["self_assessment", "self_submitted_at"])
    for row in evaluation.scores.all():
        if self_scores and row.indicator_id in self_scores:
            row.self_score, row.self_note = self_scores[row.indicator_id]
            row.save(update_fields=["self_score", "self_note"])
    late = today() > evaluation.period.self_assessment_due
    _event(evaluation, Kind.SELF_SUBMITTED, by, str(_("逾期报送")) if late else "")
    return evaluation


@transaction.atomic
def evidence_add(
    *, evaluation: Evaluation, upload: UploadedFile, by: User, indicator: Indicator | None = None
) -> Evidence:
    evaluation = lock(evaluation, related=EVALUATION_JOINS)
    if not (access.is_own(by, evaluation) or access.is_examiner_of(by, evaluation.period)):
        raise PermissionDenied(_("只有被评机构和评估人员可以上传证明材料。"))
    if evaluation.period.is_published:
        raise ValidationError(_("评级已经发布，不能再上传证明材料。"))
    attachment_validate(upload)
    evidence = Evidence.objects.create(
        evaluation=evaluation,
        indicator=indicator,
        file=upload,
        name=(upload.name or "")[:200],
        content_type=attachment_type(upload) or "application/octet-stream",
        size=upload.size or 0,
        uploaded_by=by,
    )
    _event(evaluation, Kind.EVIDENCE, by, evidence.name)
    return evidence


def reported_on_time(evaluation: Evaluation, today: date) -> metrics.MetricValue:
    due = evaluation.period.self_assessment_due
    if evaluation.self_submitted_at is not None:
        on_time = timezone.localtime(evaluation.self_submitted_at).date() <= due
        return metrics.MetricValue(Decimal(int(on_time)), int(on_time), 1)
    if today > due:
        return metrics.MetricValue(Decimal("0"), 0, 1)
    return metrics.MetricValue(None, missing=str(_("自评报送期限未到")))


def recalculate(evaluation: Evaluation) -> scoring.Result:
    """Total, deductions and grade from the current scores, stored on the evaluation (not yet published)."""
    result = selectors.current_result(evaluation)
    evaluation.total = result.total
    evaluation.grade = result.grade
    evaluation.deducted = result.deducted
    evaluation.save(update_fields=["total", "grade", "deducted"])
    return result


@transaction.atomic
def period_compute(*, period: Period, by: User) -> Period:
    """Compute every automatic indicator from the platform's data; the period moves on to scoring."""
    period = lock(period, related=("scheme",))
    _require_examiner(period, by)
    if period.status not in (Period.Status.SELF_ASSESSMENT, Period.Status.SCORING):
        raise ValidationError(_("评级已提交复核或已发布，不能重新计算。"))
    evaluations = list(period.evaluations.select_related("institution", "period"))
    values = metrics.compute([e.institution for e in evaluations], start=period.start, end=period.end)
    on = today()
    for evaluation in evaluations:
        found = values[evaluation.institution_id]
        found[Metric.REPORTED_ON_TIME] = reported_on_time(evaluation, on)
        for row in evaluation.scores.select_related("indicator").filter(indicator__kind=Indicator.Kind.AUTOMATIC):
            ind = row.indicator
            measured = found.get(ind.metric) or metrics.MetricValue(None, missing=str(_("无此数据")))
            row.value = measured.value
            # Indicator.clean requires both ends of the scale on every automatic indicator.
            best, worst = cast(Decimal, ind.best), cast(Decimal, ind.worst)
            row.score = scoring.linear_score(measured.value, best=best, worst=worst)
            row.data = measured.as_data()
            row.scored_at = now()
            row.save(update_fields=["value", "score", "data", "scored_at"])
        recalculate(evaluation)
        _event(evaluation, Kind.COMPUTED, by)
    period.status = Period.Status.SCORING
    period.computed_at = now()
    period.save(update_fields=["status", "computed_at"])
    return period


def _may_rescore(evaluation: Evaluation) -> bool:
    """Scoring is open during the scoring stage, and again for one evaluation whose appeal was upheld."""
    if evaluation.period.status == Period.Status.SCORING:
        return True
    return evaluation.period.is_published and evaluation.published_at is None


@transaction.atomic
def indicator_score(*, row: IndicatorScore, score: Decimal, note: str, by: User) -> IndicatorScore:
    """An examiner's score (0–100) for a manual indicator, with the reason in words."""
    evaluation = lock(row.evaluation, related=EVALUATION_JOINS)
    _require_examiner(evaluation.period, by)
    row = IndicatorScore.objects.select_related("indicator").get(pk=row.pk, evaluation=evaluation)
    if row.indicator.kind != Indicator.Kind.MANUAL:
        raise ValidationError(_("自动指标由平台数据计算，不能人工评分。"))
    if not _may_rescore(evaluation):
        raise ValidationError(_("当前阶段不能评分。"))
    if not Decimal("0") <= score <= Decimal("100"):
        raise ValidationError(_("得分应在 0 到 100 之间。"))
    if not note.strip():
        raise ValidationError(_("请写明评分理由。"))
    row.score = score
    row.note = note.strip()
    row.scored_by = by
    row.scored_at = now()
    row.save(update_fields=["score", "note", "scored_by", "scored_at"])
    recalculate(evaluation)
    _event(evaluation, Kind.SCORED, by, f"{row.indicator.name}：{score}")
    return row


@transaction.atomic
def deduction_add(*, evaluation: Evaluation, reason: str, points: Decimal, by: User) -> Deduction:
    evaluation = lock(evaluation, related=EVALUATION_JOINS)
    _require_examiner(evaluation.period, by)
    if not _may_rescore(evaluation):
        raise ValidationError(_("当前阶段不能扣分。"))
    if evaluation.period.scheme.deduction_cap <= 0:
        raise ValidationError(_("本评估方案不设检查发现扣分。"))
    if points <= 0 or not reason.strip():
        raise ValidationError(_("请填写检查发现和扣分（大于 0）。"))
    deduction = Deduction.objects.create(evaluation=evaluation, reason=reason.strip(), points=points, by=by)
    recalculate(evaluation)
    _event(evaluation, Kind.DEDUCTED, by, f"-{points} {deduction.reason}")
    return deduction


@transaction.atomic
def period_submit(*, period: Period, by: User) -> Period:
    """Scoring done: the period goes to review and sign-off. Every manual indicator must have its score."""
    period = lock(period)
    _require_examiner(period, by)
    if period.status != Period.Status.SCORING:
        raise ValidationError(_("只有评分阶段的评估期可以提交复核。"))
    missing = IndicatorScore.objects.filter(
        evaluation__period=period, indicator__kind=Indicator.Kind.MANUAL, score__isnull=True
    ).select_related("evaluation__institution", "indicator")
    if missing.exists():
        first = missing.first()
        assert first is not None  # exists() has just found one, inside the period's lock
        raise ValidationError(
            _("还有 %(n)s 项人工指标未评分，例如%(institution)s的“%(indicator)s”。"),
            params={"n": missing.count(), "institution": first.evaluation.institution, "indicator": first.indicator},
        )
    period.status = Period.Status.REVIEW
    period.save(update_fields=["status"])
    for evaluation in period.evaluations.all():
        _event(evaluation, Kind.SUBMITTED, by)
    return period


def _freeze(evaluation: Evaluation) -> None:
    """Store the figures as published: later edits of the scheme or the data never change them."""
    result = recalculate(evaluation)
    dims = []
    for dim in evaluation.period.scheme.dimensions.all():
        dims.append(
            {
                "code": dim.code,
                "name": dim.name,
                "weight": str(dim.weight),
                "score": _s(result.dimension_scores[dim.code]),
            }
        )
    indicators = []
    for row in evaluation.scores.select_related("indicator__dimension"):
        ind = row.indicator
        indicators.append(
            {
                "dimension": ind.dimension.code,
                "name": ind.name,
                "kind": ind.kind,
                "metric": ind.metric,
                "value": _s(row.value),
                "score": _s(row.score),
                "data": row.data,
                "note": row.note,
                "share": str(result.effective_weights.get(str(ind.pk), Decimal("0")).quantize(Decimal("0.0001"))),
            }
        )
    evaluation.breakdown = {
        "scheme": str(evaluation.period.scheme),
        "dimensions": dims,
        "indicators": indicators,
        "before_deductions": _s(result.before_deductions),
        "deducted": _s(result.deducted),
        "deductions": [{"reason": d.reason, "points": str(d.points)} for d in evaluation.deductions.all()],
        "excluded": len(result.excluded),
        # The grade the total reached before a credit-list measure capped it; empty when none did.
        "capped_from": result.capped_from.grade if result.capped_from else "",
    }
    evaluation.published_at = now()
    evaluation.appeal_due = today() + timedelta(days=evaluation.period.appeal_days)
    evaluation.save(update_fields=["breakdown", "published_at", "appeal_due"])
    rectify = []
    if result.band is not None and result.band.needs_rectification:
        rectify.append(str(_("评级为%(grade)s，须整改。") % {"grade": result.grade}))
    rectify += [str(_("检查发现：%(reason)s") % {"reason": d.reason}) for d in evaluation.deductions.all()]
    if rectify and not evaluation.rectifications.filter(status=Rectification.Status.OPEN).exists():
        _rectification_create(evaluation, "\n".join(rectify), None, None)


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


@transaction.atomic
def period_publish(*, period: Period, by: User) -> Period:
    """Review and sign-off: grades are published with the figures behind each indicator, and low grades
    or findings open rectification tasks."""
    period = lock(period, related=("scheme",))
    _require_examiner(period, by)
    if period.status != Period.Status.REVIEW:
        raise ValidationError(_("请先提交复核，再签发发布。"))
    period.status = Period.Status.PUBLISHED
    period.signed_off_by = by
    period.published_at = now()
    period.save(update_fields=["status", "signed_off_by", "published_at"])
    for evaluation in period.evaluations.select_related("period__scheme"):
        _freeze(evaluation)
        _event(evaluation, Kind.PUBLISHED, by, f"{evaluation.total} {evaluation.grade}")
    return period


@transaction.atomic
def evaluation_republish(*, evaluation: Evaluation, by: User) -> Evaluation:
    """After an upheld appeal and the examiner's new scores, publish this one evaluation again."""
    evaluation = lock(evaluation, related=EVALUATION_JOINS)
    _require_examiner(evaluation.period, by)
    if not (evaluation.period.is_published and evaluation.published_at is None):
        raise ValidationError(_("只有申诉成立、重新评分的机构评估可以重新发布。"))
    _freeze(evaluation)
    _event(evaluation, Kind.PUBLISHED, by, f"{evaluation.total} {evaluation.grade}")
    return evaluation


@transaction.atomic
def appeal_file(*, evaluation: Evaluation, reason: str, by: User) -> Appeal:
    evaluation = lock(evaluation, related=EVALUATION_JOINS)
    _require_own(evaluation, by)
    if evaluation.published_at is None:
        raise ValidationError(_("评级发布后才能申诉。"))
    assert evaluation.appeal_due is not None  # set when the evaluation is published
    if today() > evaluation.appeal_due:
        raise ValidationError(_("申诉期限已过（截至 %(day)s）。"), params={"day": evaluation.appeal_due})
    if evaluation.appeals.filter(outcome=Appeal.Outcome.PENDING).exists():
        raise ValidationError(_("已有一项申诉正在处理。"))
    if not reason.strip():
        raise ValidationError(_("请写明申诉理由。"))
    appeal = Appeal.objects.create(evaluation=evaluation, reason=reason.strip(), filed_by=by)
    _event(evaluation, Kind.APPEALED, by, appeal.reason)
    return appeal


@transaction.atomic
def appeal_decide(*, appeal: Appeal, outcome: str, decision: str, by: User) -> Appeal:
    """Upheld: the evaluation is taken back for new scores and published again; rejected: the grade stands."""
    evaluation = lock(appeal.evaluation, related=EVALUATION_JOINS)
    _require_examiner(evaluation.period, by)
    appeal = lock(appeal)
    if appeal.outcome != Appeal.Outcome.PENDING:
        raise ValidationError(_("这项申诉已经处理过了。"))
    if outcome not in (Appeal.Outcome.UPHELD, Appeal.Outcome.REJECTED) or not decision.strip():
        raise ValidationError(_("请选择处理结果并写明处理意见。"))
    appeal.outcome = outcome
    appeal.decision = decision.strip()
    appeal.decided_by = by
    appeal.decided_at = now()
    appeal.save(update_fields=["outcome", "decision", "decided_by", "decided_at"])
    if outcome == Appeal.Outcome.UPHELD:
        evaluation.published_at = None
        evaluation.save(update_fields=["published_at"])
    _event(evaluation, Kind.APPEAL_DECIDED, by, f"{appeal.get_outcome_display()}：{appeal.decision}")
    return appeal


# ---------------------------------------------------------------------------------------------
# Rectification (整改)


def _rectification_create(evaluation: Evaluation, reason: str, due: date | None, by: User | None) -> Rectification:
    due = due or today() + timedelta(days=evaluation.period.scheme.rectification_days)
    rectification = Rectification.objects.create(evaluation=evaluation, reason=reason, due_date=due)
    _event(evaluation, Kind.RECTIFICATION_OPENED, by, f"{reason}（{due}）")
    return rectification


@transaction.atomic
def rectification_open(*, evaluation: Evaluation, reason: str, due_date: date, by: User) -> Rectification:
    evaluation = lock(evaluation, related=EVALUATION_JOINS)
    _require_examiner(evaluation.period, by)
    if not reason.strip():
        raise ValidationError(_("请写明整改事项。"))
    if due_date <= today():
        raise ValidationError(_("整改期限应晚于今天。"))
    return _rectification_create(evaluation, reason.strip(), due_date, by)


@transaction.atomic
def rectification_report(*, rectification: Rectification, report: str, by: User) -> Rectification:
    rectification = lock(rectification, related=("evaluation",))
    _require_own(rectification.evaluation, by)
    if rectification.status != Rectification.Status.OPEN:
        raise ValidationError(_("整改报告已经报送。"))
    if not report.strip():
        raise ValidationError(_("请填写整改报告。"))
    rectification.report = report.strip()
    rectification.reported_at = now()
    rectification.status = Rectification.Status.REPORTED
    rectification.save(update_fields=["report", "reported_at", "status"])
    _event(rectification.evaluation, Kind.RECTIFICATION_REPORTED, by, rectification.report)
    return rectification


@transaction.atomic
def rectification_accept(*, rectification: Rectification, accept: bool, note: str, by: User) -> Rectification:
    """Acceptance closes the task; a refusal sends it back to the institution with the reason."""
    rectification = lock(rectification, related=("evaluation__period",))
    _require_examiner(rectification.evaluation.period, by)
    if rectification.status != Rectification.Status.REPORTED:
        raise ValidationError(_("机构报送整改报告后才能验收。"))
    if not accept and not note.strip():
        raise ValidationError(_("不予验收时请写明原因。"))
    if accept:
        rectification.status = Rectification.Status.ACCEPTED
        rectification.accepted_by = by
        rectification.accepted_at = now()
    else:
        rectification.status = Rectification.Status.OPEN
    rectification.save(update_fields=["status", "accepted_by", "accepted_at"])
    verdict = _("验收通过") if accept else _("不予验收，退回整改")
    _event(rectification.evaluation, Kind.RECTIFICATION_ACCEPTED, by, f"{verdict} {note}".strip())
    return rectification


# ---------------------------------------------------------------------------------------------
# Satisfaction questionnaires


@transaction.atomic
def questionnaire_create(
    *,
    title: str,
    run_by: str,
    intro: str,
    questions: Iterable[str],
    institutions: Iterable[Institution],
    by: User,
) -> Questionnaire:
    if by.role != User.Role.REGULATOR:
        raise PermissionDenied(_("只有监管部门工作人员可以新建满意度测评。"))
    texts = [q.strip() for q in questions if q.strip()]
    institutions = list(institutions)
    if not texts:
        raise ValidationError(_("请至少写一道题目。"))
    if not institutions:
        raise ValidationError(_("请至少选择一家参评机构。"))
    questionnaire = Questionnaire.objects.create(
        title=title, run_by=run_by, intro=intro, authority=by.own_authority, created_by=by
    )
    questionnaire.institutions.set(institutions)
    Question.objects.bulk_create(Question(questionnaire=questionnaire, text=t, order=i) for i, t in enumerate(texts))
    return questionnaire


NEXT_STATUS: dict[str, Questionnaire.Status] = {
    Questionnaire.Status.DRAFT: Questionnaire.Status.OPEN,
    Questionnaire.Status.OPEN: Questionnaire.Status.CLOSED,
    Questionnaire.Status.CLOSED: Questionnaire.Status.PUBLISHED,
}


@transaction.atomic
def questionnaire_advance(*, questionnaire: Questionnaire, by: User) -> Questionnaire:
    """Draft → open for answers → closed → results published."""
    questionnaire = lock(questionnaire)
    if not access.manages_questionnaire(by, questionnaire):
        raise PermissionDenied(_("只有组织本次测评的监管部门工作人员可以这样做。"))
    if questionnaire.status not in NEXT_STATUS:
        raise ValidationError(_("测评结果已经发布。"))
    questionnaire.status = NEXT_STATUS[questionnaire.status]
    if questionnaire.status == Questionnaire.Status.PUBLISHED:
        questionnaire.published_at = now()
    questionnaire.save(update_fields=["status", "published_at"])
    return questionnaire


def respondent_hash(questionnaire: Questionnaire, token: str) -> str:
    """One answer sheet per person per survey, without knowing who: the browser keeps a random token in a
    signed cookie, and only an HMAC of (survey, token) under a key derived from SECRET_KEY is stored.
    The stored value cannot be turned back into the token, matched across surveys, or tied to a user,
    an IP address or a time of day. Clearing the cookie allows a second sheet; the public form's rate
    limit bounds that, a trade-off accepted so that nothing identifying is ever kept."""
    key = hashlib.sha256(f"ratings-respondent:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, f"{questionnaire.pk}:{token}".encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def response_submit(
    *,
    questionnaire: Questionnaire,
    institution: Institution,
    values: Mapping[int, int],
    comment: str,
    token: str,
) -> Response:
    if questionnaire.status != Questionnaire.Status.OPEN:
        raise ValidationError(_("这项测评目前不在收集答卷。"))
    if not questionnaire.institutions.filter(pk=institution.pk).exists():
        raise ValidationError(_("请选择参评机构。"))
    questions = list(questionnaire.questions.all())
    if {q.pk for q in questions} != set(values) or any(v not in range(1, 6) for v in values.values()):
        raise ValidationError(_("请回答每一道题（1 到 5 分）。"))
    if not token:
        raise ValidationError(_("请允许本网站保存 Cookie 后再提交答卷。"))
    token_hash = respondent_hash(questionnaire, token)
    if Response.objects.filter(questionnaire=questionnaire, token_hash=token_hash).exists():
        raise ValidationError(_("您已经提交过这份问卷，感谢参与。"))
    try:
        with transaction.atomic():
            response = Response.objects.create(
                questionnaire=questionnaire, institution=institution, token_hash=token_hash, comment=comment.strip()
            )
    except IntegrityError:  # the same browser posting twice at once
        raise ValidationError(_("您已经提交过这份问卷，感谢参与。")) from None
    Answer.objects.bulk_create(Answer(response=response, question_id=q, value=v) for q, v in values.items())
    return response
