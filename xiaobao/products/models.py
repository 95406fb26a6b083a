"""Financial products on the institutions' shelves, the risk-tolerance questionnaire, the consumers'
assessments, every suitability check, and the grading workflow (分级动态管理).

Grades R1–R5 and levels C1–C5 are stored as the integers 1–5 and shown as "R3", "C3".
"""

import uuid
from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xiaobao.core.records import WrittenOnce
from xiaobao.products import matching
from xiaobao.registry.models import Category, Institution


class RiskGrade(models.IntegerChoices):
    # NFRA/CSRC practice and domain.md §9: 低, 中低, 中, 中高, 高.
    R1 = 1, _("R1 低风险")
    R2 = 2, _("R2 中低风险")
    R3 = 3, _("R3 中风险")
    R4 = 4, _("R4 中高风险")
    R5 = 5, _("R5 高风险")


class CustomerLevel(models.IntegerChoices):
    C1 = 1, _("C1 保守型")
    C2 = 2, _("C2 谨慎型")
    C3 = 3, _("C3 稳健型")
    C4 = 4, _("C4 积极型")
    C5 = 5, _("C5 激进型")


def grade_code(grade: int) -> str:
    return f"R{grade}"


def level_code(level: int) -> str:
    return f"C{level}"


GRADE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]

# Effective date of the first rule row: the platform's start; the rules cited below are older.
RULES_FROM = date(2020, 1, 1)


class SuitabilityRules(models.Model):
    """The matching rules and the re-grading signals, as a dated row: a new row takes effect on its date."""

    valid_from = models.DateField(_("生效日期"), unique=True)
    elderly_age = models.PositiveSmallIntegerField(
        _("老年客户年龄（岁，含）"),
        default=65,
        help_text=_("达到此年龄的客户购买任何产品须双录并额外提示风险。"),
    )
    recording_from_grade = models.PositiveSmallIntegerField(
        _("须双录的最低产品风险等级"),
        default=4,
        validators=GRADE_VALIDATORS,
        help_text=_("4 即 R4 及以上须同步录音录像（双录）并额外提示风险。"),
    )
    no_exception_businesses = models.CharField(
        _("不得向上突破的业务类别代码"),
        max_length=200,
        default="B05",
        help_text=_("逗号分隔，含下级类别；默认 B05 银行自营理财：客户主动要求也不得购买高于其等级的产品。"),
    )
    mis_selling_causes = models.CharField(
        _("视为误导销售信号的投诉原因代码"),
        max_length=200,
        default="C04,C05,C06",
        help_text=_(
            "逗号分隔：C04 营销方式和手段（误导销售）、C05 信息披露（未充分揭示风险）、C06 自主选择权（适当性）。"
        ),
    )
    signal_min_complaints = models.PositiveIntegerField(
        _("提出重新评级的最少投诉量（近 90 天）"), default=5, validators=[MinValueValidator(1)]
    )
    signal_rise_ratio = models.DecimalField(
        _("投诉量上升倍数"),
        max_digits=5,
        decimal_places=2,
        default=2,
        help_text=_("近 90 天投诉量不少于前 90 天的这一倍数时视为上升。"),
    )
    signal_mis_selling = models.PositiveIntegerField(_("误导销售类投诉达到此数即提出"), default=3)
    signal_refused_checks = models.PositiveIntegerField(_("近 90 天被拒的适当性校验达到此数即提出"), default=20)
    basis = models.TextField(_("依据"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("适当性匹配规则")
        verbose_name_plural = _("适当性匹配规则")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.valid_from}"

    def codes(self, field: str) -> list[str]:
        return [c.strip() for c in str(getattr(self, field)).split(",") if c.strip()]


class Questionnaire(models.Model):
    """One version of the risk-tolerance questionnaire: its questions, options, scores and bands."""

    version = models.CharField(_("版本"), max_length=20, unique=True)
    title = models.CharField(_("名称"), max_length=100)
    validity_months = models.PositiveSmallIntegerField(
        _("评估有效期（月）"), default=12, validators=[MinValueValidator(1)]
    )
    is_active = models.BooleanField(_("现行版本"), default=False, help_text=_("新评估使用现行版本中最新的一版。"))
    basis = models.TextField(_("依据"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("风险承受能力问卷")
        verbose_name_plural = _("风险承受能力问卷")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.title}（{self.version}）"


class Question(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, models.CASCADE, related_name="questions", verbose_name=_("问卷"))
    text = models.CharField(_("题目"), max_length=200)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("问卷题目")
        verbose_name_plural = _("问卷题目")
        ordering = ["questionnaire", "sort", "pk"]

    def __str__(self) -> str:
        return self.text


class Option(models.Model):
    question = models.ForeignKey(Question, models.CASCADE, related_name="options", verbose_name=_("题目"))
    text = models.CharField(_("选项"), max_length=200)
    score = models.PositiveSmallIntegerField(_("分值"))
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("选项")
        verbose_name_plural = _("选项")
        ordering = ["question", "sort", "pk"]

    def __str__(self) -> str:
        return self.text


class Band(models.Model):
    """From this total score up (to the next band) the customer is in this level."""

    questionnaire = models.ForeignKey(Questionnaire, models.CASCADE, related_name="bands", verbose_name=_("问卷"))
    min_score = models.PositiveSmallIntegerField(_("最低分（含）"))
    level = models.PositiveSmallIntegerField(_("风险承受能力等级"), choices=CustomerLevel.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("分数段")
        verbose_name_plural = _("分数段")
        ordering = ["questionnaire", "min_score"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "min_score"], name="band_questionnaire_min_unique")
        ]

    def __str__(self) -> str:
        return f"≥{self.min_score} → {level_code(self.level)}"


class Product(models.Model):
    """One product on an institution's shelf. The grade changes only through a confirmed re-grading."""

    class Complexity(models.TextChoices):
        SIMPLE = "simple", _("非复杂产品")
        COMPLEX = "complex", _("复杂产品")

    class YieldBasis(models.TextChoices):
        FIXED = "fixed", _("固定收益（约定利率）")
        BENCHMARK = "benchmark", _("业绩比较基准")
        FLOATING = "floating", _("浮动收益")
        NONE = "none", _("无收益（费用或借贷类）")

    class Status(models.TextChoices):
        ON_SALE = "on_sale", _("在售")
        STOPPED = "stopped", _("停售")
        MATURED = "matured", _("已到期")

    institution = models.ForeignKey(Institution, models.PROTECT, related_name="products", verbose_name=_("销售机构"))
    code = models.CharField(_("产品代码"), max_length=40, help_text=_("机构内部产品代码，在本机构内唯一。"))
    registration_code = models.CharField(
        _("登记编码"),
        max_length=40,
        blank=True,
        help_text=_("全国统一登记编码，如理财产品登记编码（Z 开头 14 位）、保险条款注册号；没有则留空。"),
    )
    name = models.CharField(_("产品名称"), max_length=120)
    business = models.ForeignKey(
        Category,
        models.PROTECT,
        related_name="products",
        verbose_name=_("产品类别"),
        limit_choices_to={"dimension": Category.Dimension.BUSINESS},
        help_text=_("JR/T 0169 业务类别。"),
    )
    issuer = models.CharField(
        _("发行机构"), max_length=100, blank=True, help_text=_("代销产品填写发行机构；自营产品留空。")
    )
    risk_grade = models.PositiveSmallIntegerField(_("风险等级"), choices=RiskGrade.choices)
    complexity = models.CharField(_("复杂程度"), max_length=10, choices=Complexity.choices, default=Complexity.SIMPLE)
    term_days = models.PositiveIntegerField(
        _("期限（天）"), null=True, blank=True, help_text=_("开放式或无固定期限留空。")
    )
    fees = models.TextField(_("费用"), blank=True)
    yield_basis = models.CharField(_("收益类型"), max_length=10, choices=YieldBasis.choices, default=YieldBasis.NONE)
    yield_rate = models.DecimalField(_("收益率或基准（年化 %）"), max_digits=6, decimal_places=3, null=True, blank=True)
    yield_note = models.CharField(_("收益说明"), max_length=200, blank=True)
    redemption = models.TextField(_("赎回与提前支取"), blank=True)
    risk_disclosure = models.TextField(_("风险揭示书"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ON_SALE)
    on_sale_from = models.DateField(_("起售日期"))
    off_sale_on = models.DateField(_("停售或到期日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("金融产品")
        verbose_name_plural = _("金融产品")
        ordering = ["institution", "code"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "code"], name="product_institution_code_unique"),
            models.CheckConstraint(
                condition=models.Q(risk_grade__gte=1, risk_grade__lte=5), name="product_grade_r1_r5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def grade_code(self) -> str:
        return grade_code(self.risk_grade)

    @property
    def seller(self) -> str:
        return self.institution.name

    @property
    def is_on_sale(self) -> bool:
        return self.status == self.Status.ON_SALE


class Assessment(models.Model):
    """One answered questionnaire: online by the consumer, or recorded at the counter by the institution."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("网上自评")
        COUNTER = "counter", _("柜面评估")

    questionnaire = models.ForeignKey(Questionnaire, models.PROTECT, verbose_name=_("问卷"))
    consumer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="risk_assessments",
        verbose_name=_("消费者账户"),
    )
    institution = models.ForeignKey(
        Institution, models.PROTECT, null=True, blank=True, related_name="assessments", verbose_name=_("评估机构")
    )
    customer_name = models.CharField(_("客户姓名"), max_length=50, blank=True)
    customer_ref = models.CharField(
        _("客户号"), max_length=40, blank=True, help_text=_("机构自己的客户号，用于与销售系统对应。")
    )
    channel = models.CharField(_("评估方式"), max_length=10, choices=Channel.choices)
    answers = models.JSONField(_("作答"), default=dict)
    score = models.PositiveSmallIntegerField(_("总分"))
    level = models.PositiveSmallIntegerField(_("风险承受能力等级"), choices=CustomerLevel.choices)
    assessed_on = models.DateField(_("评估日期"))
    expires_on = models.DateField(_("有效期至"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("记录人"))
    created_at = models.DateTimeField(_("记录时间"))

    class Meta:
        verbose_name = _("风险承受能力评估")
        verbose_name_plural = _("风险承受能力评估")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.customer_name or self.consumer} {level_code(self.level)} {self.assessed_on}"

    @property
    def level_code(self) -> str:
        return level_code(self.level)


class SuitabilityCheck(WrittenOnce):
    """One question from a sales system or the counter, and the answer it got: kept as it was."""

    check_id = models.UUIDField(_("校验编号"), default=uuid.uuid4, unique=True, editable=False)
    product = models.ForeignKey(Product, models.PROTECT, related_name="checks", verbose_name=_("产品"))
    institution = models.ForeignKey(Institution, models.PROTECT, related_name="+", verbose_name=_("机构"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("调用人"))
    grade = models.PositiveSmallIntegerField(_("当时的产品风险等级"), choices=RiskGrade.choices)
    customer_level = models.PositiveSmallIntegerField(_("客户等级"), choices=CustomerLevel.choices)
    assessed_on = models.DateField(_("评估日期"))
    customer_age = models.PositiveSmallIntegerField(_("客户年龄"), null=True, blank=True)
    channel = models.CharField(_("销售渠道"), max_length=20, blank=True)
    recording_ref = models.CharField(_("双录编号"), max_length=100, blank=True)
    customer_insists = models.BooleanField(_("客户主动要求"), default=False)
    allowed = models.BooleanField(_("允许销售"))
    reasons = models.JSONField(_("理由"), default=list)
    at = models.DateTimeField(_("时间"), db_index=True)

    class Meta:
        verbose_name = _("适当性校验记录")
        verbose_name_plural = _("适当性校验记录")
        ordering = ["-at"]

    def __str__(self) -> str:
        return str(self.check_id)

    @property
    def reason_list(self) -> list[dict[str, str]]:
        return [{"code": code, "message": str(matching.MESSAGES.get(code, code))} for code in self.reasons]


class Regrading(models.Model):
    """A proposal to change a product's grade, raised by signals: the institution answers, the regulator
    confirms (the grade changes and a public warning may follow) or rejects."""

    class Status(models.TextChoices):
        OPEN = "open", _("待机构说明")
        ANSWERED = "answered", _("待监管确认")
        CONFIRMED = "confirmed", _("已确认")
        REJECTED = "rejected", _("未采纳")

    product = models.ForeignKey(Product, models.PROTECT, related_name="regradings", verbose_name=_("产品"))
    from_grade = models.PositiveSmallIntegerField(_("原等级"), choices=RiskGrade.choices)
    to_grade = models.PositiveSmallIntegerField(_("建议等级"), choices=RiskGrade.choices)
    reasons = models.JSONField(_("理由"), default=list)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    raised_at = models.DateTimeField(_("提出时间"))
    answer = models.TextField(_("机构说明"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("说明人")
    )
    answered_at = models.DateTimeField(_("说明时间"), null=True, blank=True)
    decision_note = models.TextField(_("监管意见"), blank=True)
    public_warning = models.TextField(_("公开风险提示"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("决定人")
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("重新评级")
        verbose_name_plural = _("重新评级")
        ordering = ["-raised_at"]
        constraints = [
            # At most one proposal in progress per product: signals seen again add nothing new.
            models.UniqueConstraint(
                fields=["product"],
                condition=models.Q(status__in=["open", "answered"]),
                name="regrading_one_open_per_product",
            )
        ]

    def __str__(self) -> str:
        return f"{self.product} {grade_code(self.from_grade)}→{grade_code(self.to_grade)}"

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.ANSWERED)


class GradeChange(WrittenOnce):
    """The public grade history: the first grade, then every confirmed re-grading."""

    product = models.ForeignKey(Product, models.PROTECT, related_name="grade_changes", verbose_name=_("产品"))
    from_grade = models.PositiveSmallIntegerField(_("原等级"), choices=RiskGrade.choices, null=True, blank=True)
    to_grade = models.PositiveSmallIntegerField(_("新等级"), choices=RiskGrade.choices)
    regrading = models.ForeignKey(
        Regrading, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("重新评级")
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("风险等级变更")
        verbose_name_plural = _("风险等级变更")
        ordering = ["product", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.product} → {grade_code(self.to_grade)}"
