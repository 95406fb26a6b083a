"""Red and black lists (守信激励 / 严重失信): entries about an institution, a company or a person, the
measures a list triggers, objections (异议) and credit repair (信用修复).

Whether an entry is on the public list is derived from its status and dates, never a stored flag: an
entry whose validity has ended drops off on the day after its last valid day and keeps its history.
`updated_at` moves on every change, so an outbound feed can read the entries incrementally by cursor.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xiaobao.core.clocks import Clock
from xiaobao.core.fields import EncryptedTextField
from xiaobao.core.records import WrittenOnce
from xiaobao.lib.codes import is_valid_id_number, is_valid_uscc
from xiaobao.lib.masking import mask_id_number, mask_name
from xiaobao.registry.models import Authority, Institution, Penalty

# The rules take effect with the platform (the demo data reaches back to 2020).
CREDIT_RULES_FROM = date(2020, 1, 1)


class CreditList(models.TextChoices):
    RED = "red", _("红名单（守信激励）")
    BLACK = "black", _("黑名单（严重失信）")


class CreditRules(models.Model):
    """The periods of the credit lists, as a dated rule row: a new row takes effect on its date.

    Defaults follow 失信行为纠正后的信用信息修复管理办法（试行）(国家发展改革委令2023年第58号): serious
    untrustworthiness is published at least one year before repair and at most three years."""

    valid_from = models.DateField(_("生效日期"), unique=True)
    objection_workdays = models.PositiveSmallIntegerField(
        _("异议期（工作日，自公示之日起）"), default=15, validators=[MinValueValidator(1)]
    )
    objection_answer_workdays = models.PositiveSmallIntegerField(
        _("异议答复时限（工作日）"), default=10, validators=[MinValueValidator(1)]
    )
    repair_min_days = models.PositiveIntegerField(
        _("信用修复前最短公示期（自然日）"), default=365, help_text=_("黑名单自公示之日起满此期限方可申请信用修复。")
    )
    repair_answer_workdays = models.PositiveSmallIntegerField(
        _("信用修复决定时限（工作日）"), default=10, validators=[MinValueValidator(1)]
    )
    default_validity_days = models.PositiveIntegerField(
        _("默认有效期（自然日）"), default=3 * 365, validators=[MinValueValidator(1)]
    )
    page_size_max = models.PositiveSmallIntegerField(
        _("公开接口每页最多条数"), default=100, validators=[MinValueValidator(1)]
    )
    basis = models.TextField(_("依据"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("红黑名单期限规则")
        verbose_name_plural = _("红黑名单期限规则")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.valid_from}"


class Measure(models.Model):
    """What being on a list triggers, as data: the ratings app reads the grade cap through
    credit.selectors; the other measures are shown with the entry for the departments that apply them."""

    class Kind(models.TextChoices):
        RATING_CAP = "rating_cap", _("评级上限")
        NO_DEMONSTRATION = "no_demonstration", _("不得设立示范点")
        SIMPLIFIED_CHECKS = "simplified_checks", _("简化检查")
        OTHER = "other", _("其他")

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    list = models.CharField(_("名单"), max_length=10, choices=CreditList.choices)
    kind = models.CharField(_("类别"), max_length=30, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    best_grade = models.PositiveSmallIntegerField(
        _("最高可评等级（第几级）"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("评级上限类措施：3 表示最高只能评为三级。"),
    )
    is_active = models.BooleanField(_("有效"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("惩戒与激励措施")
        verbose_name_plural = _("惩戒与激励措施")
        ordering = ["list", "code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == self.Kind.RATING_CAP and self.best_grade is None:
            raise ValidationError({"best_grade": _("评级上限类措施须填写最高可评等级。")})


class CreditEntry(models.Model):
    class Subject(models.TextChoices):
        INSTITUTION = "institution", _("金融机构")
        COMPANY = "company", _("企业")
        PERSON = "person", _("自然人")

    class Source(models.TextChoices):
        PENALTY = "penalty", _("行政处罚决定")
        RATING = "rating", _("评估评级结果")
        FUNDRAISING = "fundraising", _("非法集资处置决定或判决")
        DECISION = "decision", _("其他决定")

    class Status(models.TextChoices):
        DRAFT = "draft", _("待复核")
        PUBLISHED = "published", _("已公示")
        REJECTED = "rejected", _("复核未通过")
        REMOVED = "removed", _("异议成立已撤销")
        REPAIRED = "repaired", _("已信用修复")

    number = models.CharField(_("编号"), max_length=30, unique=True)
    list = models.CharField(_("名单"), max_length=10, choices=CreditList.choices, db_index=True)
    subject = models.CharField(_("主体类别"), max_length=12, choices=Subject.choices)
    institution = models.ForeignKey(
        Institution,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_entries",
        verbose_name=_("金融机构"),
    )
    # A company's or an institution's name and code as at the decision; a person's name is encrypted below.
    name = models.CharField(_("主体名称"), max_length=100, blank=True, db_index=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, db_index=True)
    person_name = EncryptedTextField(_("自然人姓名"), blank=True)
    person_id_number = EncryptedTextField(_("身份证号码"), blank=True)
    basis = models.CharField(_("法律依据（条款）"), max_length=300)
    facts = models.TextField(_("事实与理由"), blank=True)
    source = models.CharField(_("认定来源"), max_length=12, choices=Source.choices)
    penalty = models.ForeignKey(
        Penalty, models.PROTECT, null=True, blank=True, related_name="credit_entries", verbose_name=_("行政处罚决定")
    )
    document = models.CharField(_("决定书或判决书文号"), max_length=100)
    decided_on = models.DateField(_("认定日期"))
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(_("有效期至"), help_text=_("公示的最后一天；次日起不再公示。"))
    department = models.ForeignKey(Authority, models.PROTECT, related_name="+", verbose_name=_("认定部门"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("起草人"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("复核人")
    )
    created_at = models.DateTimeField(_("起草时间"))
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    published_on = models.DateField(_("公示日期"), null=True, blank=True)
    objection_due = models.DateField(_("异议期至"), null=True, blank=True)
    ended_on = models.DateField(_("提前移出日期"), null=True, blank=True)
    # Moves on every change: the cursor of an incremental outbound feed.
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("红黑名单条目")
        verbose_name_plural = _("红黑名单条目")
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(valid_until__gte=models.F("valid_from")), name="credit_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.public_name}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.subject == self.Subject.COMPANY and not is_valid_uscc(self.uscc):
            errors["uscc"] = str(_("统一社会信用代码无效：应为18位，且校验位符合 GB 32100。"))
        if self.subject == self.Subject.PERSON and not is_valid_id_number(self.person_id_number):
            errors["person_id_number"] = str(_("身份证号码应为18位，最后一位是数字或X，请核对。"))
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = str(_("有效期至不能早于有效期起。"))
        if errors:
            raise ValidationError(errors)

    @property
    def is_person(self) -> bool:
        return self.subject == self.Subject.PERSON

    @property
    def public_name(self) -> str:
        """The subject as anyone may read it: a person only masked, never with an ID number."""
        if self.is_person:
            return mask_name(self.person_name)
        return self.name

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.person_id_number)

    def is_listed_on(self, day: date) -> bool:
        """On the list that day: published, within its validity and not ended early."""
        return (
            self.status == self.Status.PUBLISHED
            and self.valid_from <= day <= self.valid_until
            and (self.ended_on is None or day < self.ended_on)
        )

    def repair_from(self, rules: CreditRules) -> date | None:
        """The first day a repair may be asked for: after the minimum publication period."""
        if self.published_on is None:
            return None
        return self.published_on + timedelta(days=rules.repair_min_days)


class CreditEvent(WrittenOnce):
    class Kind(models.TextChoices):
        DRAFTED = "drafted", _("起草")
        PUBLISHED = "published", _("复核通过并公示")
        REJECTED = "rejected", _("复核未通过")
        OBJECTED = "objected", _("提出异议")
        OBJECTION_UPHELD = "objection_upheld", _("异议成立")
        OBJECTION_REJECTED = "objection_rejected", _("异议不成立")
        REPAIR_APPLIED = "repair_applied", _("申请信用修复")
        REPAIRED = "repaired", _("信用修复")
        REPAIR_REFUSED = "repair_refused", _("不予信用修复")

    entry = models.ForeignKey(CreditEntry, models.CASCADE, related_name="events")
    kind = models.CharField(_("事项"), max_length=24, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("办理人"))
    at = models.DateTimeField(_("时间"))
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("红黑名单办理记录")
        verbose_name_plural = _("红黑名单办理记录")
        ordering = ["at", "pk"]


class Objection(models.Model):
    """The subject's objection (异议), decided with reasons within the answer clock."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("待答复")
        UPHELD = "upheld", _("异议成立")
        REJECTED = "rejected", _("异议不成立")

    entry = models.ForeignKey(CreditEntry, models.CASCADE, related_name="objections")
    reason = models.TextField(_("异议理由"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("提出人"))
    filed_at = models.DateTimeField(_("提出时间"))
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    decision = models.TextField(_("答复理由"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("答复人")
    )
    decided_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["-filed_at"]

    def __str__(self) -> str:
        return f"{self.entry.number} {self.get_outcome_display()}"


class Repair(models.Model):
    """A credit repair (信用修复) asked for after the minimum publication period; its conditions are checked
    by the department and recorded with the decision."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("待决定")
        GRANTED = "granted", _("准予修复")
        REFUSED = "refused", _("不予修复")

    entry = models.ForeignKey(CreditEntry, models.CASCADE, related_name="repairs")
    statement = models.TextField(_("修复申请说明"))
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("申请人"))
    applied_at = models.DateTimeField(_("申请时间"))
    penalty_fulfilled = models.BooleanField(_("已履行处罚或判决义务"), default=False)
    commitment_signed = models.BooleanField(_("已签署信用承诺书"), default=False)
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    decision = models.TextField(_("决定理由"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("决定人")
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("信用修复")
        verbose_name_plural = _("信用修复")
        ordering = ["-applied_at"]

    def __str__(self) -> str:
        return f"{self.entry.number} {self.get_outcome_display()}"


class CreditDeadline(Clock):
    """The department's clocks: answering an objection, deciding a repair."""

    class Kind(models.TextChoices):
        OBJECTION = "objection", _("异议答复")
        REPAIR = "repair", _("信用修复决定")

    entry = models.ForeignKey(CreditEntry, models.CASCADE, related_name="deadlines")
    kind = models.CharField(_("事项"), max_length=12, choices=Kind.choices)
    party = models.CharField(_("承办方"), max_length=20, default="department")

    class Meta:
        verbose_name = _("红黑名单办理时限")
        verbose_name_plural = _("红黑名单办理时限")
        ordering = ["due_date"]
