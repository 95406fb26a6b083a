"""A complaint, its immutable history, its clocks and its conversation."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xiaobao.core.clocks import Clock, Escalating
from xiaobao.core.fields import EncryptedTextField
from xiaobao.core.models import NumberSequence as NumberSequence  # the complaints' numbers are its JL rows
from xiaobao.core.records import WrittenOnce
from xiaobao.lib.crypto import lookup_hash
from xiaobao.lib.phones import mobile_e164
from xiaobao.registry.models import Authority, Category, DeadlineRuleSet, Institution, Label, SupervisionLine


def phone_hash_of(phone: str) -> str:
    """The look-up hash of a complaint's phone when it is a mobile number, or "" (a landline, a typo)."""
    e164 = mobile_e164(phone)
    return lookup_hash(e164) if e164 else ""


class Complaint(models.Model):
    # JL-YYYYMMDD-NNNNNN (吉林): readable over the phone, unique, in order of receipt within a day.
    NUMBER_PREFIX = "JL"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待受理")
        NOT_ACCEPTED = "not_accepted", _("不予受理")
        WITH_INSTITUTION = "with_institution", _("机构办理中")
        RETURNED = "returned", _("机构申请退回")
        ANSWERED = "answered", _("机构已答复")
        UNDER_REVIEW = "under_review", _("核查中")
        MEDIATION = "mediation", _("转入调解")
        CLOSED = "closed", _("已办结")
        WITHDRAWN = "withdrawn", _("已撤回")

    OPEN_STATUSES = (Status.SUBMITTED, Status.WITH_INSTITUTION, Status.RETURNED, Status.ANSWERED, Status.UNDER_REVIEW)
    FINAL_STATUSES = (Status.NOT_ACCEPTED, Status.MEDIATION, Status.CLOSED, Status.WITHDRAWN)

    class Via(models.TextChoices):
        WEB = "web", _("网站")
        API = "api", _("接口")
        PHONE = "phone", _("电话")
        LETTER = "letter", _("信函")
        WALK_IN = "walk_in", _("来访")
        EMAIL = "email", _("电子邮件")
        IMPORT = "import", _("批量导入")

    class Level(models.TextChoices):
        ORDINARY = "ordinary", _("普通")
        COMPLEX = "complex", _("复杂")
        MAJOR = "major", _("重大")

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("支持诉求")
        PARTLY = "partly", _("部分支持")
        NOT_UPHELD = "not_upheld", _("不支持")

    class Feedback(models.TextChoices):
        SATISFIED = "satisfied", _("接受处理结果")
        REVIEW = "review", _("申请核查")
        MEDIATION = "mediation", _("申请调解")
        NONE = "none", _("逾期未反馈")

    class Remedy(models.TextChoices):
        REVIEW = "review", _("申请核查")
        MEDIATION = "mediation", _("调解")
        ARBITRATION = "arbitration", _("仲裁")
        LITIGATION = "litigation", _("诉讼")

    number = models.CharField(_("投诉编号"), max_length=24, unique=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    submitted_via = models.CharField(_("投诉渠道"), max_length=10, choices=Via.choices, default=Via.WEB)
    received_at = models.DateTimeField(_("收到时间"), db_index=True)
    rule_set = models.ForeignKey(DeadlineRuleSet, models.PROTECT, verbose_name=_("适用时限规则"))
    idempotency_key = models.CharField(max_length=80, blank=True)

    consumer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("投诉人账户"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("录入人")
    )
    guest_code_hash = models.CharField(max_length=200, blank=True)

    # Personal data (JR/T 0171 C2): encrypted at rest, masked unless the viewer needs it, every staff read audited.
    complainant_name = EncryptedTextField(_("投诉人姓名"))
    id_number = EncryptedTextField(_("身份证号码"), blank=True)
    phone = EncryptedTextField(_("联系电话"))
    # The keyed hash of the mobile number in E.164 form: a consumer who verifies the number sees the complaint.
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    email = EncryptedTextField(_("电子邮箱"), blank=True)
    address = EncryptedTextField(_("联系地址"), blank=True)
    identity_hash = models.CharField(max_length=64, blank=True, db_index=True)
    region = models.ForeignKey(
        "registry.Region", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("投诉人所在地区")
    )

    institution = models.ForeignKey(
        Institution, models.PROTECT, related_name="complaints", verbose_name=_("被投诉机构")
    )
    authority = models.ForeignKey(Authority, models.PROTECT, related_name="complaints", verbose_name=_("监管部门"))
    product = models.ForeignKey(
        "products.Product",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("涉及产品"),
        help_text=_("被投诉机构货架上的产品；不清楚可不填。"),
    )
    supervision_line = models.ForeignKey(SupervisionLine, models.PROTECT, null=True, blank=True, related_name="+")
    # A complaint routed by its business to another authority is copied, read-only, to the regulator of the
    # institution's type, which keeps overseeing the institution (谁监管、谁负责).
    copy_authority = models.ForeignKey(
        Authority, models.PROTECT, null=True, blank=True, related_name="copied_complaints", verbose_name=_("抄送部门")
    )
    channel = models.ForeignKey(
        Category, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("办理渠道")
    )
    business = models.ForeignKey(Category, models.PROTECT, related_name="+", verbose_name=_("业务类别"))
    cause = models.ForeignKey(
        Category, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("投诉原因")
    )
    rights = models.ManyToManyField(Label, blank=True, related_name="+", verbose_name=_("涉及权利"))
    demands = models.ManyToManyField(Label, blank=True, related_name="+", verbose_name=_("诉求"))
    tags = models.ManyToManyField(Label, blank=True, related_name="+", verbose_name=_("敏感标签"))
    amount = models.DecimalField(_("涉及金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    summary = models.CharField(_("投诉事项"), max_length=120)
    narrative = models.TextField(_("投诉内容"))
    consent_publish = models.BooleanField(_("同意去除个人信息后公开投诉内容"), default=False)
    level = models.CharField(_("案件等级"), max_length=10, choices=Level.choices, default=Level.ORDINARY)

    duplicate_of = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("疑似重复")
    )

    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("转办机构时间"), null=True, blank=True)
    refusal_reason = models.ForeignKey(
        Label, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("不予受理理由")
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    outcome = models.CharField(_("处理结果"), max_length=12, choices=Outcome.choices, blank=True)
    decision = models.TextField(_("处理意见"), blank=True)
    remedy = models.CharField(_("补救措施"), max_length=200, blank=True)
    remedy_amount = models.DecimalField(
        _("补偿/退还金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    remedies_open = models.JSONField(_("后续救济途径"), default=list, blank=True)
    feedback = models.CharField(_("投诉人意见"), max_length=12, choices=Feedback.choices, blank=True)
    review_result = models.TextField(_("核查结论"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    # Records brought in by a bulk import (importing.py), with the source's own dates and its complaint
    # id: a later file with the same id updates the record as the source moves it on (still open when
    # the source says the institution has not answered yet), an unchanged row leaves it as it is.
    is_imported = models.BooleanField(_("历史导入"), default=False, db_index=True)
    source = models.CharField(_("数据来源"), max_length=20, blank=True)
    source_id = models.CharField(_("来源编号"), max_length=64, blank=True)
    # What the source says about timeliness when it does not give the answer date to derive it from
    # (the CFPB export has "Timely response?" but no response date).
    timely_as_recorded = models.BooleanField(_("来源记录的是否及时答复"), null=True, blank=True)

    class Meta:
        verbose_name = _("投诉")
        verbose_name_plural = _("投诉")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["institution", "received_at"]),
            models.Index(fields=["authority", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="complaint_idempotency_unique",
            ),
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~models.Q(source_id=""),
                name="complaint_source_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def routing_explanation(self) -> str:
        """Which line of responsibility brought the complaint to its authority, and on what basis."""
        if self.supervision_line is None:
            return ""
        return self.supervision_line.explain(business=self.business)

    def answer_deadline(self) -> "Deadline | None":
        return self.deadlines.filter(kind=Deadline.Kind.ANSWER).order_by("-opened_at").first()

    def is_timely(self) -> bool | None:
        """Answered by the institution within its deadline; None while it can still go either way."""
        if self.timely_as_recorded is not None:
            return self.timely_as_recorded
        deadline = self.answer_deadline()
        if deadline is None:
            return None
        return deadline.met()


class Event(WrittenOnce):
    """One line of a complaint's history. Written in the transaction of the change it records; never edited."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("提交投诉")
        CORRECTED = "corrected", _("投诉人更正")
        DUPLICATE_FLAGGED = "duplicate_flagged", _("疑似重复投诉")
        ACCEPTED = "accepted", _("受理并转办机构")
        NOT_ACCEPTED = "not_accepted", _("不予受理")
        TRANSFERRED = "transferred", _("转办")
        RETURNED = "returned", _("机构申请退回")
        EXTENDED = "extended", _("延长办理期限")
        ANSWERED = "answered", _("机构答复")
        FEEDBACK = "feedback", _("投诉人反馈")
        REVIEW_DECIDED = "review_decided", _("核查结论")
        CLOSED = "closed", _("办结")
        WITHDRAWN = "withdrawn", _("撤回")
        WARNED = "warned", _("时限预警")
        SUPERVISED = "supervised", _("督办")
        SUPERVISION_ANSWERED = "supervision_answered", _("督办回复")
        MESSAGE = "message", _("留言")
        SURVEYED = "surveyed", _("满意度评价")
        FOLLOWED_UP = "followed_up", _("差评回访")
        IMPORTED = "imported", _("历史数据导入")
        IMPORT_UPDATED = "import_updated", _("来源数据更新")
        INSTITUTION_MERGED = "institution_merged", _("导入机构合并")
        DISPUTE = "dispute", _("纠纷化解")
        COPIED = "copied", _("抄送")
        CODE_RENEWED = "code_renewed", _("查询码重新发送")
        ESCALATED = "escalated", _("逾期升级")

    class Visibility(models.TextChoices):
        ALL = "all", _("各方可见")
        STAFF = "staff", _("机构与监管可见")
        REGULATOR = "regulator", _("仅监管可见")
        INSTITUTION = "institution", _("仅机构可见")

    complaint = models.ForeignKey(Complaint, models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    visibility = models.CharField(max_length=12, choices=Visibility.choices, default=Visibility.ALL)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class Deadline(Escalating, Clock):
    """A running clock: who must act on a complaint, by which date. "Overdue" is derived, never stored."""

    class Kind(models.TextChoices):
        ACCEPT = "accept", _("受理转办")
        ANSWER = "answer", _("机构答复")
        REVIEW_REQUEST = "review_request", _("申请核查期")
        REVIEW = "review", _("核查办结")
        SUPERVISION = "supervision", _("督办回复")
        FOLLOW_UP = "follow_up", _("差评回访")

    class Party(models.TextChoices):
        REGULATOR = "regulator", _("监管部门")
        INSTITUTION = "institution", _("金融机构")
        CONSUMER = "consumer", _("投诉人")

    complaint = models.ForeignKey(Complaint, models.CASCADE, related_name="deadlines")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    party = models.CharField(max_length=12, choices=Party.choices)

    class Meta:
        ordering = ["due_date"]
        verbose_name = _("办理时限")
        verbose_name_plural = _("办理时限")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_date}"

    def met(self) -> bool | None:
        if self.closed_at is None:
            return False if self.is_overdue() else None
        return timezone.localtime(self.closed_at).date() <= self.due_date

    def elapsed_fraction(self, today: date | None = None) -> float:
        today = today or timezone.localdate()
        total = (self.due_date - self.start_date).days or 1
        return (today - self.start_date).days / total


class SupervisionNotice(models.Model):
    """督办: the regulator's formal demand that an institution act, with a clock of its own."""

    complaint = models.ForeignKey(Complaint, models.CASCADE, related_name="supervision_notices")
    authority = models.ForeignKey(Authority, models.PROTECT, related_name="+")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    issued_at = models.DateTimeField()
    reason = models.TextField()
    deadline = models.OneToOneField(Deadline, models.PROTECT, related_name="notice")
    response = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("督办通知")
        verbose_name_plural = _("督办通知")

    def __str__(self) -> str:
        return f"督办 {self.complaint_id} {self.issued_at:%Y-%m-%d}"


class Message(models.Model):
    class Thread(models.TextChoices):
        CONSUMER = "consumer", _("投诉人与机构")
        REGULATOR = "regulator", _("监管与机构")
        INSTITUTION_NOTE = "institution_note", _("机构内部备注")
        REGULATOR_NOTE = "regulator_note", _("监管内部备注")

    complaint = models.ForeignKey(Complaint, models.CASCADE, related_name="messages")
    thread = models.CharField(max_length=20, choices=Thread.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    author_party = models.CharField(max_length=12, choices=Deadline.Party.choices)
    body = models.TextField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_thread_display()} {self.at:%Y-%m-%d %H:%M}"


def _attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name never comes from the user: only the number and a random token.
    from django.utils.crypto import get_random_string

    return f"attachments/{instance.complaint.number}/{get_random_string(24)}"


class Attachment(models.Model):
    complaint = models.ForeignKey(Complaint, models.CASCADE, related_name="attachments")
    message = models.ForeignKey(Message, models.CASCADE, null=True, blank=True, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by_party = models.CharField(max_length=12, choices=Deadline.Party.choices)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class Survey(models.Model):
    """The complainant's verdict at closure, on the government's five levels (国办发〔2019〕51号)."""

    class Score(models.IntegerChoices):
        VERY_SATISFIED = 5, _("非常满意")
        SATISFIED = 4, _("满意")
        FAIRLY_SATISFIED = 3, _("基本满意")
        DISSATISFIED = 2, _("不满意")
        VERY_DISSATISFIED = 1, _("非常不满意")

    # The two lowest levels open a follow-up by the regulator.
    FOLLOW_UP_BELOW = Score.FAIRLY_SATISFIED

    complaint = models.OneToOneField(Complaint, models.CASCADE, related_name="survey")
    score = models.PositiveSmallIntegerField(choices=Score.choices)
    comment = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.get_score_display()}"


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications")
    complaint = models.ForeignKey(Complaint, models.CASCADE, null=True, blank=True, related_name="+")
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text


class PersonalDataRead(models.Model):
    """Audit trail: which staff member saw whose personal data, when, and why."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    complaint = models.ForeignKey(Complaint, models.PROTECT, related_name="personal_data_reads")
    at = models.DateTimeField(default=timezone.now)
    fields = models.CharField(max_length=200)
    purpose = models.CharField(max_length=40)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = _("个人信息查看记录")

    def __str__(self) -> str:
        return f"{self.user_id} {self.complaint_id} {self.at:%Y-%m-%d %H:%M}"


class ImportMapping(models.Model):
    """How one value of a source's own classification maps onto the platform's taxonomy or registry.

    Seeded with CFPB products and issues mapped to JR/T 0169 (complaints/import_mappings.py) and edited
    by administrators; values the table does not know are kept on the imported record and reported.
    """

    class Field(models.TextChoices):
        PRODUCT = "product", _("产品")
        SUB_PRODUCT = "sub_product", _("子产品")
        ISSUE = "issue", _("问题")
        SUB_ISSUE = "sub_issue", _("子问题")
        COMPANY = "company", _("机构名称")

    source = models.CharField(_("数据来源"), max_length=20, default="cfpb")
    field = models.CharField(_("字段"), max_length=12, choices=Field.choices)
    value = models.CharField(_("来源取值"), max_length=200, help_text=_("按来源文件原文填写，匹配时不区分大小写"))
    category_code = models.CharField(
        _("对应分类代码"),
        max_length=20,
        blank=True,
        help_text=_("产品对应业务类别，问题对应投诉原因，例如 B03-02、C07"),
    )
    institution = models.ForeignKey(
        Institution,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("对应机构"),
        help_text=_("仅用于机构名称：来源中的名称对应平台已登记的机构"),
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("导入对照")
        verbose_name_plural = _("导入对照")
        ordering = ["source", "field", "value"]
        constraints = [
            models.UniqueConstraint(fields=["source", "field", "value"], name="import_mapping_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.get_field_display()}：{self.value}"

    def clean(self) -> None:
        self.value = " ".join(self.value.split())
        if self.field == self.Field.COMPANY:
            if self.institution_id is None:
                raise ValidationError({"institution": _("机构名称对照须选择对应机构。")})
            return
        dimension = (
            Category.Dimension.BUSINESS if self.field in ("product", "sub_product") else Category.Dimension.CAUSE
        )
        if not Category.objects.filter(code=self.category_code, dimension=dimension).exists():
            raise ValidationError(
                {"category_code": _("分类代码“%(code)s”不存在或维度不符。") % {"code": self.category_code}}
            )


def _import_report_path(instance: "ImportRun", filename: str) -> str:
    from django.utils.crypto import get_random_string

    return f"imports/{get_random_string(24)}.csv"


class ImportRun(models.Model):
    """One run of a bulk import: who ran which file, what came in, what was rejected and why."""

    profile = models.CharField(_("文件格式"), max_length=20)
    file_name = models.CharField(_("文件名"), max_length=200)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("操作人")
    )
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("数据行数"), default=0)
    # imported counts the rows written, new or updated; updated the part of them that changed a record
    # an earlier run had brought in; skipped the rows that match their record already.
    imported = models.PositiveIntegerField(_("导入或更新"), default=0)
    updated = models.PositiveIntegerField(_("更新已有记录"), default=0)
    skipped = models.PositiveIntegerField(_("已存在且无变化"), default=0)
    rejected = models.PositiveIntegerField(_("拒绝"), default=0)
    unmapped = models.JSONField(_("未对照的取值"), default=dict, blank=True)
    institutions_created = models.JSONField(_("新建机构"), default=list, blank=True)
    ignored_columns = models.JSONField(_("未使用的列"), default=list, blank=True)
    report = models.FileField(_("拒绝行报告"), upload_to=_import_report_path, blank=True)

    class Meta:
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.file_name} {self.started_at:%Y-%m-%d %H:%M}"
