"""Reports of suspected illegal fundraising, the clues they are triaged into, and the rules of triage.

A reporter may stay anonymous: such a report is reached only with its 16-digit receipt, which is
stored as a slow hash and nowhere in clear; nothing that identifies the reporter's device or
address is stored with it. Contact details, when a reporter gives them, are encrypted at rest.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xiaobao.core.fields import EncryptedTextField
from xiaobao.core.records import WrittenOnce
from xiaobao.registry.models import Authority, Institution, Region


class Clue(models.Model):
    """线索: one suspected scheme, gathering every report about the same entity."""

    class Status(models.TextChoices):
        OPEN = "open", _("待核查")
        INVESTIGATING = "investigating", _("核查中")
        REFERRED = "referred", _("已移送")
        CLOSED = "closed", _("已办结")

    number = models.CharField(_("线索编号"), max_length=24, unique=True)
    authority = models.ForeignKey(Authority, models.PROTECT, related_name="clues", verbose_name=_("处非部门"))
    title = models.CharField(_("涉嫌主体"), max_length=200)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("承办人")
    )
    # Normalised identifiers of the entity (names, credit codes, phones, websites, collecting accounts):
    # a new report sharing any of them joins this clue.
    keys = models.JSONField(default=list, blank=True)
    risk_score = models.PositiveSmallIntegerField(_("风险预评分"), default=0)
    risk_reasons = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("线索")
        verbose_name_plural = _("线索")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Report(models.Model):
    """举报: what one reporter said, about one company or person."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("已收到")
        NEEDS_INFO = "needs_info", _("需要补充情况")
        UNDER_REVIEW = "under_review", _("核实中")
        CLUE_OPENED = "clue_opened", _("已立为线索")
        REFERRED = "referred", _("已移送有关部门")
        CLOSED = "closed", _("已办结")

    class SubjectKind(models.TextChoices):
        COMPANY = "company", _("单位")
        PERSON = "person", _("个人")

    number = models.CharField(_("举报编号"), max_length=24, unique=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    received_at = models.DateTimeField(_("收到时间"), default=timezone.now, db_index=True)
    # Argon2id of the receipt under a site-wide salt: deterministic, so it is the look-up key, and slow,
    # so a copy of the database does not give the receipts back.
    receipt_hash = models.CharField(max_length=128, unique=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("举报人账户")
    )

    subject_kind = models.CharField(_("被举报对象"), max_length=10, choices=SubjectKind.choices)
    subject_name = models.CharField(_("名称或姓名"), max_length=200)
    subject_uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    subject_address = models.CharField(_("地址"), max_length=300, blank=True)
    subject_region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("所在地区（注册地或住所地）"))
    institution = models.ForeignKey(
        Institution, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("涉及的持牌机构")
    )
    websites = models.TextField(_("网站"), blank=True)
    apps = models.TextField(_("App 或小程序"), blank=True)
    social_accounts = models.TextField(_("微信群、公众号等账号"), blank=True)
    phones = models.TextField(_("联系电话"), blank=True)
    collecting_accounts = models.TextField(_("收款账户"), blank=True)

    scheme = models.TextField(_("情况描述"))
    promised_return = models.DecimalField(
        _("承诺年化收益率（%）"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    amount = models.DecimalField(_("涉及金额（元）"), max_digits=16, decimal_places=2, null=True, blank=True)
    people = models.PositiveIntegerField(_("涉及人数"), null=True, blank=True)
    since = models.CharField(_("开始时间"), max_length=40, blank=True)
    promoted_where = models.CharField(_("宣传方式和地点"), max_length=300, blank=True)

    anonymous = models.BooleanField(_("匿名举报"), default=True)
    contact_name = EncryptedTextField(_("举报人姓名"), blank=True)
    contact_phone = EncryptedTextField(_("举报人电话"), blank=True)
    contact_email = EncryptedTextField(_("举报人邮箱"), blank=True)
    wants_reward = models.BooleanField(_("申请奖励"), default=False)

    authority = models.ForeignKey(Authority, models.PROTECT, related_name="reports", verbose_name=_("处非部门"))
    notified_authority = models.ForeignKey(
        Authority,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="notified_reports",
        verbose_name=_("抄送监管部门"),
    )
    clue = models.ForeignKey(Clue, models.SET_NULL, null=True, blank=True, related_name="reports")
    # The same normalised identifiers as Clue.keys ("name:…", "uscc:…", "phone:…", "web:…", "account:…"),
    # so reports not yet in a clue can be grouped by the entity they are about.
    keys = models.JSONField(default=list, blank=True)
    risk_score = models.PositiveSmallIntegerField(_("风险预评分"), default=0)
    risk_reasons = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("举报")
        verbose_name_plural = _("举报")

    def __str__(self) -> str:
        return self.number


class ContactRead(models.Model):
    """Audit trail: which officer saw a reporter's contact details in full, when, and why."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    report = models.ForeignKey(Report, models.PROTECT, related_name="contact_reads")
    at = models.DateTimeField(default=timezone.now)
    fields = models.CharField(max_length=100)
    purpose = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("举报人联系方式查看记录")
        verbose_name_plural = _("举报人联系方式查看记录")

    def __str__(self) -> str:
        return f"{self.user_id} {self.report_id} {self.at:%Y-%m-%d %H:%M}"


class ReportEvent(WrittenOnce):
    """One line of a report's or clue's history; never edited."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("收到举报")
        ASKED = "asked", _("请举报人补充情况")
        ANSWERED = "answered", _("举报人补充情况")
        REVIEWING = "reviewing", _("开始核实")
        CLUE_OPENED = "clue_opened", _("立为线索")
        JOINED_CLUE = "joined_clue", _("并入线索")
        ASSIGNED = "assigned", _("分配承办人")
        MERGED = "merged", _("合并线索")
        REFERRED_POLICE = "referred_police", _("移送公安机关")
        REFERRED_REGION = "referred_region", _("移送其他地区处非部门")
        REGULATOR_NOTIFIED = "regulator_notified", _("通报监管部门")
        CLOSED = "closed", _("办结")
        REWARD_DECIDED = "reward_decided", _("奖励决定")
        NOTE = "note", _("内部备注")

    report = models.ForeignKey(Report, models.CASCADE, null=True, blank=True, related_name="events")
    clue = models.ForeignKey(Clue, models.CASCADE, null=True, blank=True, related_name="events")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    visible_to_reporter = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    due_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"


class ReportMessage(models.Model):
    """The two-way channel between a reporter (reached only through the receipt) and the officer."""

    class Party(models.TextChoices):
        REPORTER = "reporter", _("举报人")
        OFFICER = "officer", _("处非部门")

    report = models.ForeignKey(Report, models.CASCADE, related_name="messages")
    party = models.CharField(max_length=10, choices=Party.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    body = models.TextField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_party_display()} {self.at:%Y-%m-%d %H:%M}"


def _evidence_path(instance: "Evidence", filename: str) -> str:
    from django.utils.crypto import get_random_string

    return f"evidence/{instance.report.number}/{get_random_string(24)}"


class Evidence(models.Model):
    """A file a reporter sent; images are re-encoded without their location and camera metadata."""

    report = models.ForeignKey(Report, models.CASCADE, related_name="evidence")
    message = models.ForeignKey(ReportMessage, models.CASCADE, null=True, blank=True, related_name="evidence")
    file = models.FileField(upload_to=_evidence_path)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class Reward(models.Model):
    """A reward decision on a named report; the reporter learns it through the receipt channel."""

    report = models.OneToOneField(Report, models.PROTECT, related_name="reward")
    tier = models.ForeignKey("RewardTier", models.PROTECT, null=True, blank=True, related_name="+")
    granted = models.BooleanField()
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    reason = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.report_id} {self.amount or 0}"


# ---------------------------------------------------------------------------------------------
# Rules of triage: data an administrator edits, with history.


class RiskKeyword(models.Model):
    """A scheme word (domain.md §7) and the weight a hit adds to the pre-score."""

    word = models.CharField(_("特征词"), max_length=40, unique=True)
    weight = models.PositiveSmallIntegerField(_("权重"), default=5)
    is_active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-weight", "word"]
        verbose_name = _("风险特征词")
        verbose_name_plural = _("风险特征词")

    def __str__(self) -> str:
        return self.word


class BenchmarkRate(models.Model):
    """A reference rate (e.g. the one-year LPR) that promised returns are compared with."""

    name = models.CharField(_("名称"), max_length=60)
    rate = models.DecimalField(_("年利率（%）"), max_digits=6, decimal_places=2)
    valid_from = models.DateField(_("生效日期"), unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("基准利率")
        verbose_name_plural = _("基准利率")

    def __str__(self) -> str:
        return f"{self.name} {self.rate}%（{self.valid_from} 起）"


class TriageSettings(models.Model):
    """Weights and thresholds of the pre-score, and the working time limits of triage actions."""

    valid_from = models.DateField(_("生效日期"), unique=True)
    name_word_weight = models.PositiveSmallIntegerField(_("名称含金融字样（条例第9条）权重"), default=15)
    name_words = models.CharField(
        _("无牌主体名称禁用字样"), max_length=200, default="金融,交易所,交易中心,理财,财富管理,股权众筹"
    )
    yield_multiple = models.DecimalField(_("收益率偏离倍数"), max_digits=4, decimal_places=1, default=4)
    yield_weight = models.PositiveSmallIntegerField(_("收益率偏离权重"), default=20)
    # 法释〔2022〕5号: prosecution at >= 1,000,000 元 raised or >= 150 depositors.
    prosecution_amount = models.DecimalField(_("追诉金额（元）"), max_digits=16, decimal_places=2, default=1_000_000)
    prosecution_people = models.PositiveIntegerField(_("追诉人数"), default=150)
    scale_weight = models.PositiveSmallIntegerField(_("金额人数达标权重"), default=20)
    keyword_cap = models.PositiveSmallIntegerField(_("特征词得分上限"), default=40)
    ask_reporter_workdays = models.PositiveSmallIntegerField(_("等待举报人补充（工作日）"), default=10)
    triage_workdays = models.PositiveSmallIntegerField(_("初核时限（工作日）"), default=10)
    reports_per_hour = models.PositiveSmallIntegerField(_("每个客户端每小时举报上限"), default=10)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("研判规则")
        verbose_name_plural = _("研判规则")

    def __str__(self) -> str:
        return f"{self.valid_from}"


class RewardTier(models.Model):
    """Reward bands by outcome (local rules, e.g. Tianjin: 500–1,000 元 on opening a case)."""

    name = models.CharField(_("名称"), max_length=60)
    min_amount = models.DecimalField(_("最低（元）"), max_digits=12, decimal_places=2)
    max_amount = models.DecimalField(_("最高（元）"), max_digits=12, decimal_places=2)
    condition = models.CharField(_("条件"), max_length=200)
    sort = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sort"]
        verbose_name = _("奖励档次")
        verbose_name_plural = _("奖励档次")

    def __str__(self) -> str:
        return self.name
