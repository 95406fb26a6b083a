"""Evaluation schemes as versioned data, the yearly evaluation cycle, rectification, satisfaction surveys.

A scheme version is frozen once a period uses it: changing weights makes a new version
(services.scheme_revise), so a grade already published keeps the scheme it was computed with, and its
figures are stored on the evaluation itself.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xiaobao.core.records import WrittenOnce
from xiaobao.registry.models import Authority, Institution

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class Scheme(models.Model):
    """One version of an evaluation scheme: dimensions with weights, indicators, deductions, grade bands."""

    class MissingData(models.TextChoices):
        # An indicator without data says nothing about the institution, so it is left out and the
        # remaining weights are scaled up to 100% (renormalised); "zero" treats silence as failure.
        RENORMALISE = "renormalise", _("剔除该指标，其余权重按比例放大")
        ZERO = "zero", _("按零分计")

    code = models.SlugField(_("方案代码"), max_length=40)
    version = models.PositiveIntegerField(_("版本"), default=1)
    name = models.CharField(_("名称"), max_length=100)
    basis = models.CharField(_("依据"), max_length=200, blank=True)
    description = models.TextField(_("说明"), blank=True)
    missing_data = models.CharField(
        _("缺少数据时"), max_length=12, choices=MissingData.choices, default=MissingData.RENORMALISE
    )
    deduction_cap = models.DecimalField(
        _("检查发现扣分上限（分）"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("25"),
        validators=PERCENT,
        help_text=_("监督检查发现问题的扣分合计不超过此数；为 0 时不扣分。"),
    )
    rectification_days = models.PositiveIntegerField(
        _("整改期限（自然日）"), default=60, help_text=_("评级较低或有检查发现时，整改任务的完成期限。")
    )
    is_current = models.BooleanField(_("现行版本"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("创建人")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评估方案")
        verbose_name_plural = _("评估方案")
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="ratings_scheme_code_version")]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"

    def is_in_use(self) -> bool:
        return self.periods.exists()


class Dimension(models.Model):
    scheme = models.ForeignKey(Scheme, models.CASCADE, related_name="dimensions", verbose_name=_("评估方案"))
    code = models.SlugField(_("代码"), max_length=40)
    name = models.CharField(_("维度"), max_length=50)
    weight = models.DecimalField(
        _("权重（%）"),
        max_digits=5,
        decimal_places=2,
        validators=PERCENT,
        help_text=_("建议默认值，由监管部门确定；各维度权重合计应为 100。"),
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评估维度")
        verbose_name_plural = _("评估维度")
        ordering = ["scheme", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="ratings_dimension_code")]

    def __str__(self) -> str:
        return f"{self.name} {self.weight}%"


class Metric(models.TextChoices):
    """What the platform computes by itself; each has a formula shown next to its value (metrics.py)."""

    ON_TIME_RATE = "on_time_rate", _("按时答复率")
    UPHELD_RATE = "upheld_rate", _("诉求支持率")
    COMPLAINTS_PER_10K = "complaints_per_10k", _("万名客户投诉量")
    REVIEW_RATE = "review_rate", _("申请核查率")
    MEDIATION_ACCEPTANCE = "mediation_acceptance", _("调解受理率")
    MEDIATION_SUCCESS = "mediation_success", _("调解成功率")
    CLOSURE_SATISFACTION = "closure_satisfaction", _("办结满意度")
    SURVEY_SATISFACTION = "survey_satisfaction", _("满意度测评得分")
    SUPERVISION_NOTICES = "supervision_notices", _("百件投诉督办数")
    REPORTED_ON_TIME = "reported_on_time", _("按时报送自评")


class Indicator(models.Model):
    class Kind(models.TextChoices):
        AUTOMATIC = "automatic", _("自动计算")
        MANUAL = "manual", _("评估人员评分")

    dimension = models.ForeignKey(Dimension, models.CASCADE, related_name="indicators", verbose_name=_("评估维度"))
    code = models.SlugField(_("代码"), max_length=40)
    name = models.CharField(_("指标"), max_length=80)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    metric = models.CharField(_("计算口径"), max_length=30, choices=Metric.choices, blank=True)
    weight = models.DecimalField(
        _("维度内权重"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1"),
        help_text=_("同一维度内各指标的相对权重。"),
    )
    # Automatic indicators score linearly between two values of the metric: "best" earns 100, "worst"
    # earns 0, and values beyond either end are held there. best < worst means lower is better.
    best = models.DecimalField(_("满分值"), max_digits=12, decimal_places=4, null=True, blank=True)
    worst = models.DecimalField(_("零分值"), max_digits=12, decimal_places=4, null=True, blank=True)
    guidance = models.TextField(_("评分要点"), blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评估指标")
        verbose_name_plural = _("评估指标")
        ordering = ["dimension", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["dimension", "code"], name="ratings_indicator_code")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == self.Kind.AUTOMATIC:
            if not self.metric or self.best is None or self.worst is None:
                raise ValidationError(_("自动指标须选择计算口径，并填写满分值和零分值。"))
            if self.best == self.worst:
                raise ValidationError({"worst": _("零分值不能等于满分值。")})
        elif self.metric:
            raise ValidationError({"metric": _("人工评分指标不选计算口径。")})


class GradeBand(models.Model):
    scheme = models.ForeignKey(Scheme, models.CASCADE, related_name="bands", verbose_name=_("评估方案"))
    grade = models.CharField(_("等级"), max_length=20)
    min_score = models.DecimalField(
        _("最低分（含）"), max_digits=5, decimal_places=2, validators=PERCENT, help_text=_("总分不低于此分即为该等级。")
    )
    needs_rectification = models.BooleanField(_("须整改"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评级区间")
        verbose_name_plural = _("评级区间")
        ordering = ["scheme", "-min_score"]

    def __str__(self) -> str:
        return f"{self.grade} ≥ {self.min_score}"


class Period(models.Model):
    """One evaluation round (usually a calendar year) run by one regulator with one scheme version."""

    class Status(models.TextChoices):
        SELF_ASSESSMENT = "self_assessment", _("机构自评")
        SCORING = "scoring", _("评估人员评分")
        REVIEW = "review", _("复核待签发")
        PUBLISHED = "published", _("已发布")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("向社会公开")
        INTERNAL = "internal", _("仅监管部门和被评机构可见")

    name = models.CharField(_("名称"), max_length=100)
    scheme = models.ForeignKey(Scheme, models.PROTECT, related_name="periods", verbose_name=_("评估方案"))
    authority = models.ForeignKey(Authority, models.PROTECT, related_name="+", verbose_name=_("组织评估的监管部门"))
    start = models.DateField(_("评估期起"))
    end = models.DateField(_("评估期止"))
    self_assessment_due = models.DateField(_("自评报送截止日"))
    appeal_days = models.PositiveIntegerField(_("申诉期限（自然日）"), default=15)
    visibility = models.CharField(_("发布范围"), max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.SELF_ASSESSMENT)
    computed_at = models.DateTimeField(_("自动指标计算时间"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("签发人")
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("评估期")
        verbose_name_plural = _("评估期")
        ordering = ["-end", "-pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Evaluation(models.Model):
    """One institution in one period: its self-assessment, indicator scores, deductions and grade."""

    period = models.ForeignKey(Period, models.CASCADE, related_name="evaluations", verbose_name=_("评估期"))
    institution = models.ForeignKey(Institution, models.PROTECT, related_name="+", verbose_name=_("被评机构"))
    self_assessment = models.TextField(_("自评报告"), blank=True)
    self_submitted_at = models.DateTimeField(_("自评报送时间"), null=True, blank=True)
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("等级"), max_length=20, blank=True)
    deducted = models.DecimalField(_("扣分"), max_digits=5, decimal_places=2, default=Decimal("0"))
    # The figures as published: dimension scores, each indicator's value, score and explanation. A later
    # change to the scheme or the data never rewrites them.
    breakdown = models.JSONField(_("得分明细"), default=dict, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    appeal_due = models.DateField(_("申诉截止日"), null=True, blank=True)

    class Meta:
        verbose_name = _("机构评估")
        verbose_name_plural = _("机构评估")
        ordering = ["period", "institution__name"]
        constraints = [models.UniqueConstraint(fields=["period", "institution"], name="ratings_evaluation_once")]

    def __str__(self) -> str:
        return f"{self.period} · {self.institution}"


class IndicatorScore(models.Model):
    evaluation = models.ForeignKey(Evaluation, models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, models.PROTECT, related_name="+")
    value = models.DecimalField(_("指标值"), max_digits=14, decimal_places=4, null=True, blank=True)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT)
    data = models.JSONField(_("计算依据"), default=dict, blank=True)
    self_score = models.DecimalField(
        _("自评分"), max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT
    )
    self_note = models.TextField(_("自评说明"), blank=True)
    note = models.TextField(_("评分说明"), blank=True)
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    scored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["indicator__dimension__order", "indicator__order", "pk"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "indicator"], name="ratings_score_once")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.score}"


def _evidence_path(instance: "Evidence", filename: str) -> str:
    from django.utils.crypto import get_random_string

    return f"ratings/{instance.evaluation_id}/{get_random_string(24)}"


class Evidence(models.Model):
    """A file behind a self-assessment or an examiner's score."""

    evaluation = models.ForeignKey(Evaluation, models.CASCADE, related_name="evidence")
    indicator = models.ForeignKey(Indicator, models.PROTECT, null=True, blank=True, related_name="+")
    file = models.FileField(upload_to=_evidence_path)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class Deduction(models.Model):
    """A finding of supervision or inspection (监督检查) that takes points off the total, within the cap."""

    evaluation = models.ForeignKey(Evaluation, models.CASCADE, related_name="deductions")
    reason = models.CharField(_("检查发现"), max_length=300)
    points = models.DecimalField(
        _("扣分"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"-{self.points} {self.reason}"


class Appeal(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", _("待处理")
        UPHELD = "upheld", _("申诉成立，重新评分")
        REJECTED = "rejected", _("维持原评级")

    evaluation = models.ForeignKey(Evaluation, models.CASCADE, related_name="appeals")
    reason = models.TextField(_("申诉理由"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(_("处理结果"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    decision = models.TextField(_("处理意见"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-filed_at"]

    def __str__(self) -> str:
        return f"{self.evaluation} {self.get_outcome_display()}"


class Rectification(models.Model):
    """整改: what the institution must put right by a date, its report, and the regulator's acceptance."""

    class Status(models.TextChoices):
        OPEN = "open", _("整改中")
        REPORTED = "reported", _("已报送整改报告")
        ACCEPTED = "accepted", _("已验收")

    evaluation = models.ForeignKey(Evaluation, models.CASCADE, related_name="rectifications")
    reason = models.TextField(_("整改事项"))
    due_date = models.DateField(_("整改期限"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    report = models.TextField(_("整改报告"), blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return f"{self.evaluation} {self.get_status_display()}"

    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and timezone.localdate() > self.due_date


class EvaluationEvent(WrittenOnce):
    """The audit trail of an evaluation. Written in the transaction of the change it records; never edited."""

    class Kind(models.TextChoices):
        SELF_SUBMITTED = "self_submitted", _("报送自评")
        EVIDENCE = "evidence", _("上传证明材料")
        COMPUTED = "computed", _("计算自动指标")
        SCORED = "scored", _("评分")
        DEDUCTED = "deducted", _("检查发现扣分")
        SUBMITTED = "submitted", _("提交复核")
        PUBLISHED = "published", _("发布评级")
        APPEALED = "appealed", _("提出申诉")
        APPEAL_DECIDED = "appeal_decided", _("申诉处理")
        RECTIFICATION_OPENED = "rectification_opened", _("下达整改")
        RECTIFICATION_REPORTED = "rectification_reported", _("报送整改报告")
        RECTIFICATION_ACCEPTED = "rectification_accepted", _("整改验收")

    evaluation = models.ForeignKey(Evaluation, models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.evaluation_id} {self.kind}"


# ---------------------------------------------------------------------------------------------
# Satisfaction measurement (§6): questionnaires run by an association or a regulator


class Questionnaire(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        OPEN = "open", _("收集中")
        CLOSED = "closed", _("已截止")
        PUBLISHED = "published", _("结果已发布")

    title = models.CharField(_("标题"), max_length=100)
    run_by = models.CharField(_("组织单位"), max_length=100, help_text=_("例如：吉林省银行业协会"))
    authority = models.ForeignKey(Authority, models.PROTECT, related_name="+", verbose_name=_("主管监管部门"))
    intro = models.TextField(_("说明"), blank=True)
    institutions = models.ManyToManyField(Institution, related_name="+", verbose_name=_("参评机构"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("满意度测评")
        verbose_name_plural = _("满意度测评")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, models.CASCADE, related_name="questions")
    text = models.CharField(_("题目"), max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["questionnaire", "order", "pk"]

    def __str__(self) -> str:
        return self.text


class Response(models.Model):
    """One anonymous answer sheet. Who answered is not stored: only a keyed hash of a random token held in
    the respondent's signed cookie, which lets the survey refuse a second sheet from the same browser
    (see services.response_submit). No user, IP address or user agent is kept."""

    questionnaire = models.ForeignKey(Questionnaire, models.CASCADE, related_name="responses")
    institution = models.ForeignKey(Institution, models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64)
    comment = models.TextField(blank=True)
    # The day only: a timestamp to the second could be matched against server logs.
    day = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "token_hash"], name="ratings_one_response_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire_id} {self.institution_id}"


class Answer(models.Model):
    response = models.ForeignKey(Response, models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, models.CASCADE, related_name="answers")
    value = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="ratings_answer_once")]

    def __str__(self) -> str:
        return f"{self.question_id}={self.value}"
