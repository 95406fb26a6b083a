"""Dispute resolution after a complaint (§15 多元化解): settlement, mediation, arbitration, litigation.

A dispute hangs off the complaint it grew from; each of its steps is also an Event on the complaint's
timeline. Its clocks are its own rows (DisputeDeadline), not the complaint's Deadline rows: the parties
include the mediator, the limits come from DisputeRules rather than the complaint's rule set, and an
expired clock has a dispute-specific consequence (no answer from the institution counts as declining).
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xiaobao.complaints.models import Complaint
from xiaobao.core.clocks import Clock, Escalating
from xiaobao.registry.models import Institution, InstitutionType, Region


class MediationBody(models.Model):
    """A mediation organisation and its remit: the sectors it takes, the area it serves, the amount it handles."""

    class Kind(models.TextChoices):
        INDUSTRY = "industry", _("行业调解组织")
        SECURITIES = "securities", _("证券期货纠纷调解组织")
        COURT = "court", _("诉调对接调解组织")
        PEOPLE = "people", _("人民调解委员会")

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices)
    # The area it serves, with everything under it (GB/T 2260 codes nest by prefix). No database
    # constraint: the bodies are seeded by a migration, before the reference loader fills the regions.
    region = models.ForeignKey(
        Region, models.PROTECT, db_constraint=False, related_name="+", verbose_name=_("服务地区")
    )
    sectors = models.CharField(
        _("受理行业"),
        max_length=100,
        blank=True,
        help_text=_("机构类型所属行业代码，逗号分隔（banking, insurance, securities, payment, local）；留空表示全部"),
    )
    max_amount = models.DecimalField(
        _("受理金额上限（元）"), max_digits=14, decimal_places=2, null=True, blank=True, help_text=_("留空表示不限")
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    hours = models.CharField(_("办公时间"), max_length=100, blank=True)
    description = models.TextField(_("简介"), blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    sort = models.PositiveIntegerField(_("排序"), default=0)
    # The one an overdue mediation is escalated to; without one, every active mediator of the body is told.
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"role": "mediator"},
        verbose_name=_("负责人"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("调解组织")
        verbose_name_plural = _("调解组织")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name

    def sector_list(self) -> list[str]:
        return [s.strip() for s in self.sectors.replace("，", ",").split(",") if s.strip()]

    def sector_labels(self) -> list[str]:
        return [str(InstitutionType.Sector(s).label) for s in self.sector_list() if s in InstitutionType.Sector.values]

    def covers(self, *, institution: Institution, amount: Decimal | None) -> bool:
        """Whether a dispute about this institution, for this amount, is within the body's remit."""
        sectors = self.sector_list()
        if sectors and institution.type.sector not in sectors:
            return False
        if self.region_id not in institution.region.ancestor_codes():
            return False
        return self.max_amount is None or amount is None or amount <= self.max_amount


class Mediator(models.Model):
    """A mediator: the account they sign in with, their body, how many open cases they take, whom they must avoid."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="mediator",
        limit_choices_to={"role": "mediator"},
        verbose_name=_("账户"),
    )
    body = models.ForeignKey(MediationBody, models.PROTECT, related_name="mediators", verbose_name=_("调解组织"))
    qualifications = models.TextField(_("资质"), blank=True)
    capacity = models.PositiveSmallIntegerField(_("同时承办上限"), default=10)
    # 回避: institutions the mediator worked for, or is otherwise tied to, with their branches.
    conflicts = models.ManyToManyField(Institution, blank=True, related_name="+", verbose_name=_("回避机构"))
    is_active = models.BooleanField(_("在岗"), default=True)
    history = HistoricalRecords(m2m_fields=[conflicts])

    class Meta:
        verbose_name = _("调解员")
        verbose_name_plural = _("调解员")
        ordering = ["body", "id"]

    def __str__(self) -> str:
        return str(self.user)


class DisputeRules(models.Model):
    """The clocks of dispute resolution, as a dated rule row: a new row takes effect on its date."""

    valid_from = models.DateField(_("生效日期"), unique=True)
    answer_workdays = models.PositiveSmallIntegerField(_("机构答复调解申请时限（工作日）"), default=5)
    mediation_days = models.PositiveSmallIntegerField(_("调解办结时限（自然日）"), default=30)
    small_claim_limit = models.DecimalField(
        _("小额纠纷金额上限（元）"), max_digits=14, decimal_places=2, default=Decimal("50000.00")
    )
    small_claim_answer_workdays = models.PositiveSmallIntegerField(_("小额纠纷机构答复时限（工作日）"), default=2)
    small_claim_mediation_days = models.PositiveSmallIntegerField(_("小额纠纷调解办结时限（自然日）"), default=15)
    basis = models.TextField(_("依据"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("纠纷化解时限规则")
        verbose_name_plural = _("纠纷化解时限规则")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.valid_from}"

    def is_small_claim(self, amount: Decimal | None) -> bool:
        return amount is not None and amount <= self.small_claim_limit

    def answer_limit(self, small: bool) -> int:
        return self.small_claim_answer_workdays if small else self.answer_workdays

    def mediation_limit(self, small: bool) -> int:
        return self.small_claim_mediation_days if small else self.mediation_days


class Dispute(models.Model):
    class Path(models.TextChoices):
        SETTLEMENT = "settlement", _("自行和解")
        MEDIATION = "mediation", _("调解")
        ARBITRATION = "arbitration", _("仲裁")
        LITIGATION = "litigation", _("诉讼")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("和解待确认")
        APPLIED = "applied", _("待机构答复")
        DECLINED = "declined", _("机构不同意调解")
        EXPIRED = "expired", _("机构逾期未答复")
        UNASSIGNED = "unassigned", _("待分派调解组织")
        MEDIATING = "mediating", _("调解中")
        AGREED = "agreed", _("已达成协议")
        PERFORMED = "performed", _("协议已履行")
        FAILED = "failed", _("调解不成")
        WITHDRAWN = "withdrawn", _("已撤回")
        REFERRED = "referred", _("已提交仲裁或诉讼")
        DECIDED = "decided", _("已有裁判结果")
        REJECTED = "rejected", _("投诉人不接受和解")

    OPEN_STATUSES = (Status.PROPOSED, Status.APPLIED, Status.UNASSIGNED, Status.MEDIATING, Status.AGREED)

    class Origin(models.TextChoices):
        COMPLAINT = "complaint", _("投诉答复后申请")
        DIRECT = "direct", _("直接申请调解")

    class Mode(models.TextChoices):
        ONLINE = "online", _("线上")
        IN_PERSON = "in_person", _("现场")

    class Confirmation(models.TextChoices):
        PENDING = "pending", _("已申请，待裁定")
        CONFIRMED = "confirmed", _("裁定协议有效")
        REJECTED = "rejected", _("裁定驳回申请")

    number = models.CharField(_("编号"), max_length=32, unique=True)
    complaint = models.ForeignKey(Complaint, models.PROTECT, related_name="disputes", verbose_name=_("投诉"))
    path = models.CharField(_("化解途径"), max_length=12, choices=Path.choices)
    # A direct application files its complaint in the same step; the complaint is then only the record
    # the dispute hangs off (number, parties, encrypted contact details, the guest's query code).
    origin = models.CharField(_("申请方式"), max_length=10, choices=Origin.choices, default=Origin.COMPLAINT)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, db_index=True)
    small_claim = models.BooleanField(_("小额纠纷快速解决"), default=False)
    claim_amount = models.DecimalField(_("请求金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    request = models.TextField(_("请求事项和理由"), blank=True)
    mode = models.CharField(_("调解方式"), max_length=10, choices=Mode.choices, default=Mode.ONLINE)
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")

    answered_at = models.DateTimeField(_("机构答复时间"), null=True, blank=True)
    decline_reason = models.TextField(_("不同意调解的理由"), blank=True)
    body = models.ForeignKey(
        MediationBody, models.PROTECT, null=True, blank=True, related_name="disputes", verbose_name=_("调解组织")
    )
    mediator = models.ForeignKey(
        Mediator, models.PROTECT, null=True, blank=True, related_name="disputes", verbose_name=_("调解员")
    )
    assigned_at = models.DateTimeField(_("分派时间"), null=True, blank=True)

    terms = models.TextField(_("协议内容"), blank=True)
    agreed_amount = models.DecimalField(_("协议金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    payment_due = models.DateField(_("履行期限"), null=True, blank=True)
    agreed_at = models.DateTimeField(_("达成协议时间"), null=True, blank=True)
    performed_at = models.DateTimeField(_("确认履行时间"), null=True, blank=True)
    outcome_note = models.TextField(_("结果说明"), blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    # 司法确认: the parties may ask a court to confirm a mediation agreement (人民调解法 Art. 33).
    court = models.CharField(_("司法确认法院"), max_length=100, blank=True)
    confirmation = models.CharField(_("司法确认结果"), max_length=10, choices=Confirmation.choices, blank=True)
    confirmation_on = models.DateField(_("司法确认裁定日期"), null=True, blank=True)

    # Arbitration and litigation: where the case went and how it ended.
    forum = models.CharField(_("仲裁机构或法院"), max_length=100, blank=True)
    case_number = models.CharField(_("案号"), max_length=60, blank=True)
    referred_on = models.DateField(_("提交日期"), null=True, blank=True)
    decided_on = models.DateField(_("裁判日期"), null=True, blank=True)
    awarded_amount = models.DecimalField(
        _("裁判支持金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("纠纷")
        verbose_name_plural = _("纠纷")
        ordering = ["-created_at"]
        constraints = [
            # One attempt at a time: a second open one would give the institution two clocks for one quarrel.
            models.UniqueConstraint(
                fields=["complaint"],
                condition=models.Q(status__in=["proposed", "applied", "unassigned", "mediating"]),
                name="dispute_one_open_attempt_per_complaint",
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def payment_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status == self.Status.AGREED and self.payment_due is not None and today > self.payment_due


class DisputeDeadline(Escalating, Clock):
    """A running clock on a dispute. "Overdue" is derived from the dates, never stored."""

    class Kind(models.TextChoices):
        ANSWER = "answer", _("机构答复调解申请")
        MEDIATION = "mediation", _("调解办结")
        PAYMENT = "payment", _("协议履行")

    class Party(models.TextChoices):
        INSTITUTION = "institution", _("金融机构")
        MEDIATOR = "mediator", _("调解员")

    dispute = models.ForeignKey(Dispute, models.CASCADE, related_name="deadlines")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    party = models.CharField(max_length=12, choices=Party.choices)
    # When the parties were told the clock ran out (once): an overdue payment is chased, not repeated.
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("纠纷化解时限")
        verbose_name_plural = _("纠纷化解时限")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_date}"


class MediationSession(models.Model):
    """One sitting of a mediation: scheduled with a notice to both parties, then its record."""

    dispute = models.ForeignKey(Dispute, models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("时间"))
    mode = models.CharField(_("方式"), max_length=10, choices=Dispute.Mode.choices)
    place = models.CharField(_("地点或线上会议链接"), max_length=200)
    record = models.TextField(_("调解笔录"), blank=True)
    recorded_at = models.DateTimeField(_("笔录时间"), null=True, blank=True)
    scheduled_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("调解会议")
        verbose_name_plural = _("调解会议")

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.starts_at:%Y-%m-%d %H:%M}"
